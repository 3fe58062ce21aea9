import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { isDynamoSingleTableError, UnsupportedByEngineError } from '../errors';
import type { DynamoDBRequestError } from '../errors';
import type { RequestExecutor } from '../client/executor';
import type { IndexLayout } from '../metadata/table-layout';
import type { EntityMetadata } from '../metadata/types';
import { addIndexInput, isOnDemand } from '../operations/table-schema';
import type { TableProvisioning } from '../operations/table-schema';

export const ADD_INDEX_CAPABILITY = 'adding a global secondary index to an existing table';

/** Another UpdateTable is in progress (DynamoDB allows one index creation at a time): wait, look again. */
const BUSY_ERRORS = new Set(['ResourceInUseException', 'LimitExceededException']);

/**
 * Asks for one missing index of an ACTIVE table. Returns once the request is accepted, or once it is
 * clear another process is creating indexes (busy, or the index appeared): either way the caller
 * waits for the table to be ready and looks again. An engine that cannot create an index on an
 * existing table gets UnsupportedByEngineError; it changed nothing.
 */
export async function addIndex(
  executor: RequestExecutor,
  table: TableDescription,
  index: IndexLayout,
  capacity: Pick<TableProvisioning, 'readCapacity' | 'writeCapacity'>,
  entities: readonly EntityMetadata[],
): Promise<void> {
  const tableName = table.TableName as string;
  let accepted: TableDescription | undefined;
  try {
    accepted = (await executor.send('UpdateTable', addIndexInput(table, index, capacity))).TableDescription;
  } catch (error) {
    if (isRequestError(error) && BUSY_ERRORS.has(error.awsErrorName)) return;
    if (isRequestError(error) && error.awsErrorName === 'ValidationException' && isOnDemand(table) && /provisionedThroughput/i.test(error.message)) {
      // dynalite: demands capacity for an on-demand table's new index (DynamoDB refuses it there).
      throw unsupported(tableName, index, entities, error);
    }
    // DynamoDB answers a second creation of the index with a ValidationException, moto with HTTP 500:
    // if the index is there now, another process created it.
    if (await hasIndex(executor, tableName, index.name)) return;
    throw error;
  }
  // dynalite accepts the request of a provisioned table and creates nothing.
  if (!(accepted?.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === index.name)) throw unsupported(tableName, index, entities, undefined);
}

function unsupported(tableName: string, index: IndexLayout, entities: readonly EntityMetadata[], cause: unknown): UnsupportedByEngineError {
  const users = entities.flatMap((meta) => meta.indexes.filter((i) => i.gsi === index.name).map((i) => `${meta.className} @Index('${i.name}')`));
  return new UnsupportedByEngineError(
    ADD_INDEX_CAPABILITY,
    'ensureTableExists()',
    cause,
    undefined,
    `Table ${JSON.stringify(tableName)} has no global secondary index ${index.name}, which ${users.join(', ') || 'the registered entities'} ` +
      'need. Recreate the table (delete it and call em.ensureTableExists(), which creates it with every index, then write the items ' +
      'again), or use an engine that adds indexes to a live table (DynamoDB, DynamoDB Local, moto).',
  );
}

async function hasIndex(executor: RequestExecutor, tableName: string, indexName: string): Promise<boolean> {
  const { Table } = await executor.send('DescribeTable', { TableName: tableName });
  return (Table?.GlobalSecondaryIndexes ?? []).some((i) => i.IndexName === indexName);
}

function isRequestError(error: unknown): error is DynamoDBRequestError {
  return isDynamoSingleTableError(error, 'DYNAMODB_REQUEST_FAILED');
}
