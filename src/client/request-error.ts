import { DynamoDBRequestError, TableNotFoundError } from '../errors';
import type { RequestTarget } from '../errors';

/** The one entry of a TransactItems element that is set, e.g. `{ Put: { TableName, ... } }`. */
type TransactItem = Partial<Record<'Get' | 'Put' | 'Update' | 'Delete' | 'ConditionCheck', { TableName?: string }>>;

interface RequestShape {
  TableName?: string;
  IndexName?: string;
  RequestItems?: Record<string, unknown>;
  TransactItems?: TransactItem[];
}

/**
 * Wraps a failed request's error: a missing table becomes a TableNotFoundError naming it, anything
 * else a DynamoDBRequestError. Runs only after a failure, so the request path itself stays as cheap
 * as before.
 */
export function requestError(operation: string, input: object, error: unknown, entity?: string): DynamoDBRequestError {
  if ((error as { name?: unknown } | null)?.name === 'ResourceNotFoundException') {
    const target = requestTarget(input as RequestShape);
    if (target) return new TableNotFoundError(operation, error, target, entity);
  }
  return new DynamoDBRequestError(operation, error, entity);
}

/**
 * The table (and index) a request names: `TableName` for single-table operations, the keys of
 * `RequestItems` for batches, each item's `TableName` for transactions. DynamoDB does not say which
 * table was missing, so a request spanning several names them all.
 */
export function requestTarget(input: RequestShape): RequestTarget | undefined {
  const names = new Set<string>();
  if (typeof input.TableName === 'string') names.add(input.TableName);
  for (const name of Object.keys(input.RequestItems ?? {})) names.add(name);
  for (const item of input.TransactItems ?? []) {
    for (const operation of Object.values(item)) if (typeof operation?.TableName === 'string') names.add(operation.TableName);
  }
  if (names.size === 0) return undefined;
  const tableName = [...names].join(', ');
  return typeof input.IndexName === 'string' ? { tableName, indexName: input.IndexName } : { tableName };
}
