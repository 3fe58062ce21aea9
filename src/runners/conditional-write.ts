import type { AttributeValue, DeleteItemCommandInput, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { DynamoDBRequestError } from '../errors';
import { isConditionFailure } from '../client/executor';
import { holdsWrite } from '../marshalling/stored-item';
import type { RequestExecutor } from '../client/executor';

type Item = Record<string, AttributeValue>;

export type ConditionalOutcome =
  | { applied: true }
  | { applied: false; stored: Item | undefined; error: DynamoDBRequestError };

export interface ConditionalWrite {
  request: { operation: 'PutItem'; input: PutItemCommandInput } | { operation: 'DeleteItem'; input: DeleteItemCommandInput };
  /** The write id the request stores (puts); absent for deletes. */
  writeId?: string;
  /** Always learn the stored item on failure (getOrCreate needs it), not only after SDK retries. */
  needStored?: boolean;
  entity: string;
}

/**
 * Sends a conditional write and tells whether it landed. A condition failure after SDK retries may
 * be our own earlier attempt, applied but unanswered (a dropped connection): the stored item then
 * records our write id among its last writes (puts), and the write counts as applied. A delete whose
 * item is gone counts as applied, retried or not: deleting is idempotent, and a lost answer cannot be
 * told from a delete by another client. The stored item comes from the error where the engine
 * honours ALL_OLD, else from one consistent GetItem.
 */
export async function sendConditional(
  executor: RequestExecutor,
  write: ConditionalWrite,
  fetchStored: () => Promise<Item | undefined>,
): Promise<ConditionalOutcome> {
  try {
    await sendRequest(executor, write);
    return { applied: true };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const isDelete = write.request.operation === 'DeleteItem';
    const retried = error.attempts > 1;
    const stored = error.item ?? (write.needStored || retried || isDelete ? await fetchStored() : undefined);
    if (isDelete ? stored === undefined : retried && holdsWrite(stored, write.writeId)) return { applied: true };
    return { applied: false, stored, error };
  }
}

function sendRequest(executor: RequestExecutor, write: ConditionalWrite): Promise<unknown> {
  return write.request.operation === 'PutItem'
    ? executor.send('PutItem', write.request.input, write.entity)
    : executor.send('DeleteItem', write.request.input, write.entity);
}
