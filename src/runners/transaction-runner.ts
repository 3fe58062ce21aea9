import type { AttributeValue, CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import {
  ConditionFailedError,
  DynamoDBRequestError,
  EntityAlreadyExistsError,
  EntityNotFoundError,
  InvalidArgumentError,
  TransactionCanceledError,
  TransactionTooLargeError,
  UniqueConstraintError,
  UnsupportedByEngineError,
  VersionConflictError,
} from '../errors';
import type { DynamoSingleTableError, TransactionItemFailure } from '../errors';
import type { AttemptLog } from '../client/attempt-log';
import type { RequestExecutor } from '../client/executor';
import { backoffDelay, sleep } from '../client/retry';
import { failedConditionAttributes } from '../expressions';
import { ATTR } from '../metadata/attributes';
import { holdsWrite, identityOfItem } from '../marshalling/stored-item';
import type { TransactionEntry } from '../operations/transaction-entry';


type Item = Record<string, AttributeValue>;

/** DynamoDB's limit of items per TransactWriteItems and TransactGetItems. */
export const TRANSACTION_LIMIT = 100;
/** A canceled transaction whose only reason is a concurrent transaction is retried this often. */
const CONFLICT_ATTEMPTS = 4;

/**
 * Sends the entries as one TransactWriteItems: all or nothing. Checked before sending (size, one
 * operation per item); `ClientRequestToken` makes an SDK retry of the same request idempotent.
 * Cancellations are mapped item by item to our errors.
 */
export async function runTransaction(executor: RequestExecutor, entries: readonly TransactionEntry[]): Promise<void> {
  if (entries.length === 0) return;
  checkEntries(entries);
  const TransactItems = entries.map((entry) => entry.request);
  for (let attempt = 1; ; attempt += 1) {
    const attempts: AttemptLog = { uncertain: 0 };
    try {
      await executor.send('TransactWriteItems', { TransactItems, ClientRequestToken: randomUUID() }, entries[0]?.entity, attempts);
      break;
    } catch (error) {
      if (isUnknownOperation(error)) throw new UnsupportedByEngineError('transactions', 'TransactWriteItems', error, entries[0]?.entity);
      const reasons = error instanceof DynamoDBRequestError ? error.cancellationReasons : undefined;
      if (!reasons) throw error;
      if (alreadyDone(entries, reasons, attempts.uncertain > 0)) break;
      const failures = describeFailures(entries, reasons);
      const onlyConflicts = failures.length > 0 && failures.every((f) => f.reason === 'TransactionConflict');
      if (onlyConflicts && attempt < CONFLICT_ATTEMPTS) {
        await sleep(backoffDelay(attempt, { baseDelayMs: 20, maxDelayMs: 500 }));
        continue;
      }
      reportConditionFailures(entries, reasons);
      throw new TransactionCanceledError(failures, error);
    }
  }
  for (const entry of entries) entry.afterCommit?.();
}

/**
 * For the repository's own multi-item writes (unique guards, rename): a cancellation becomes the one
 * error that explains it (the entity exists, the copy is stale, the value is taken), with the
 * TransactionCanceledError as its cause; unexplained cancellations stay TransactionCanceledError.
 */
export async function runExplainedTransaction(executor: RequestExecutor, entries: readonly TransactionEntry[]): Promise<void> {
  try {
    await runTransaction(executor, entries);
  } catch (error) {
    if (!(error instanceof TransactionCanceledError)) throw error;
    const explained = error.failures.find((f) => f.error && f.operation !== 'uniqueGuard') ?? error.failures.find((f) => f.error);
    if (!explained?.error) throw error;
    Object.defineProperty(explained.error, 'cause', { value: error });
    throw explained.error;
  }
}

/**
 * Whether a canceled transaction is in fact done. Evidence first: an entry's stored item records the
 * entry's write id, which is only there if an earlier attempt of this very transaction committed
 * (all or nothing) and its answer was lost; other writes may have followed (see WRITE_HISTORY).
 * A transaction that writes no id (only deletes, guard releases and checks) is done when every
 * delete found its item gone and nothing else failed, retried or not: deleting is idempotent. A
 * `deleteByStr` promises the entity existed, so its item gone counts as done only after an attempt
 * whose outcome is unknown (`retried`); otherwise the entity was missing (EntityNotFoundError).
 */
function alreadyDone(entries: readonly TransactionEntry[], reasons: readonly CancellationReason[], retried: boolean): boolean {
  const failed = (index: number) => reasons[index]?.Code !== undefined && reasons[index]?.Code !== 'None';
  const conditionFailed = (index: number) => reasons[index]?.Code === 'ConditionalCheckFailed';
  const gone = (index: number) => conditionFailed(index) && reasons[index]?.Item === undefined;
  if (entries.some((entry, index) => conditionFailed(index) && holdsWrite(reasons[index]?.Item, entry.writeId))) return true;
  if (entries.some((entry) => entry.writeId !== undefined)) return false;
  return entries.every((entry, index) => {
    if (entry.operation === 'delete') return gone(index);
    if (entry.operation === 'deleteByStr') return retried && gone(index);
    return !failed(index);
  });
}

/** Hands each entry whose condition failed the stored item its cancellation reason carries. */
function reportConditionFailures(entries: readonly TransactionEntry[], reasons: readonly CancellationReason[]): void {
  entries.forEach((entry, index) => {
    if (reasons[index]?.Code === 'ConditionalCheckFailed') entry.onConditionFailed?.(reasons[index]?.Item);
  });
}

function checkEntries(entries: readonly TransactionEntry[]): void {
  if (entries.length > TRANSACTION_LIMIT) throw new TransactionTooLargeError(entries.length, TRANSACTION_LIMIT);
  const seen = new Map<string, TransactionEntry>();
  for (const entry of entries) {
    const key = JSON.stringify(keyOf(entry.request));
    const previous = seen.get(key);
    if (previous) {
      throw new InvalidArgumentError(
        `A transaction may touch each item once, but ${entry.entity} ${JSON.stringify(entry.strId)} appears twice ` +
          `(${previous.operation} and ${entry.operation}).`,
        entry.entity,
        { hint: 'Combine the changes into one operation.' },
      );
    }
    seen.set(key, entry);
  }
}

function keyOf(request: TransactWriteItem): unknown {
  const item = request.Put?.Item;
  const key = item ? { PK: item[ATTR.pk], SK: item[ATTR.sk] } : (request.Delete ?? request.Update ?? request.ConditionCheck)?.Key;
  return [request.Put?.TableName ?? request.Delete?.TableName ?? request.Update?.TableName ?? request.ConditionCheck?.TableName, key];
}

function describeFailures(entries: readonly TransactionEntry[], reasons: readonly CancellationReason[]): TransactionItemFailure[] {
  const failures: TransactionItemFailure[] = [];
  reasons.forEach((reason, index) => {
    const entry = entries[index];
    if (!entry || !reason.Code || reason.Code === 'None') return;
    const error = reason.Code === 'ConditionalCheckFailed' ? conditionError(entry, reason.Item) : undefined;
    failures.push({ index, operation: entry.operation, entity: entry.entity, strId: entry.strId, reason: reason.Code, ...(error ? { error } : {}) });
  });
  return failures;
}

/** What a failed condition of this entry means, as one of our errors. */
export function conditionError(entry: TransactionEntry, stored: Item | undefined): DynamoSingleTableError | undefined {
  const { entity, strId } = entry;
  switch (entry.operation) {
    case 'create':
      return new EntityAlreadyExistsError(entity, entry.strIdField, strId);
    case 'uniqueGuard':
      return new UniqueConstraintError(entity, entry.field ?? '?', entry.value ?? '?');
    case 'uniqueRelease':
      return undefined;
    case 'deleteByStr': // promised to exist, whatever its version
      return stored ? storedItemConflict(entry, stored) : new EntityNotFoundError(entity, { [entry.strIdField]: strId });
    default: {
      if (!stored) {
        return entry.expectedVersion === undefined
          ? new EntityNotFoundError(entity, { [entry.strIdField]: strId })
          : new VersionConflictError(entity, strId, entry.expectedVersion, null);
      }
      return storedItemConflict(entry, stored);
    }
  }
}

/** Why an entry's condition failed on the item still stored: the caller's condition, else another version. */
function storedItemConflict(entry: TransactionEntry, stored: Item): DynamoSingleTableError {
  const { entity, strId } = entry;
  const actual = identityOfItem(stored).version;
  // At the version expected (or none expected): the caller's condition is why, if it fails on the item.
  const failing = entry.conditions && (entry.expectedVersion ?? actual) === actual ? failedConditionAttributes(stored, entry.conditions) : [];
  if (failing.length > 0) return new ConditionFailedError(entity, strId, failing);
  // A version-guarded save or delete refused at the very version expected: the uid or the unique
  // values differ, so the item is another entity created in its place.
  const replaced = (entry.operation === 'save' || entry.operation === 'delete') && actual === entry.expectedVersion;
  return new VersionConflictError(entity, strId, entry.expectedVersion ?? actual, replaced ? null : actual);
}

export function isUnknownOperation(error: unknown): boolean {
  return error instanceof DynamoDBRequestError && /UnknownOperation/.test(error.awsErrorName);
}
