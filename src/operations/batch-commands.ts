import type {
  AttributeValue,
  BatchGetItemCommandInput,
  BatchWriteItemCommandInput,
  WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { ItemKey } from '../keys';

/**
 * Pure builders of the exact SDK input of the batch commands. DynamoDB's limits per request: 100 keys
 * for BatchGetItem, 25 requests for BatchWriteItem, and no key twice in one request.
 */

type Item = Record<string, AttributeValue>;

export const BATCH_GET_MAX_KEYS = 100;
export const BATCH_WRITE_MAX_REQUESTS = 25;

/** `items` in consecutive slices of at most `size` (the last one may be shorter); none for no items. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Strongly consistent by default, like the single-item reads: a batch read sees every write that
 * succeeded before it. `consistent: false` halves the read units (0.5 per 4 KB per item) and may
 * miss writes of the last second or so.
 */
export function batchGetInput(tableName: string, keys: readonly ItemKey[], consistent = true): BatchGetItemCommandInput {
  return { RequestItems: { [tableName]: { Keys: [...keys], ConsistentRead: consistent } } };
}

/** One unconditional put: BatchWriteItem accepts no condition expressions. */
export function putRequest(item: Item): WriteRequest {
  return { PutRequest: { Item: item } };
}

/** One unconditional delete. */
export function deleteRequest(key: ItemKey): WriteRequest {
  return { DeleteRequest: { Key: key } };
}

export function batchWriteInput(tableName: string, requests: readonly WriteRequest[]): BatchWriteItemCommandInput {
  return { RequestItems: { [tableName]: [...requests] } };
}
