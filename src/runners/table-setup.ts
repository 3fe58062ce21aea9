import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { isDynamoSingleTableError, InvalidArgumentError, TableNotReadyError, TableSchemaMismatchError } from '../errors';
import type { DynamoDBRequestError } from '../errors';
import type { RequestExecutor } from '../client/executor';
import { sleep } from '../client/retry';
import { tableLayoutOfEntities } from '../metadata/table-layout';
import type { TableLayout } from '../metadata/table-layout';
import type { Constructor } from '../metadata/types';
import { createTableInput, isTableReady, missingIndexes, tableConflicts } from '../operations/table-schema';
import type { TableProvisioning } from '../operations/table-schema';
import { addIndex } from './index-creation';
import { checkLayoutRecords, indexedEntities, readLayoutRecords, recordNewIndexes } from './layout-record';
import type { LayoutRecords } from './layout-record';

export interface EnsureTableOptions extends Partial<TableProvisioning> {
  /**
   * How long to wait for the table and its indexes to become ACTIVE, an added index's backfill included
   * (on DynamoDB that takes minutes per few GB of items). @default 600000 (10 minutes)
   */
  timeoutMs?: number;
}

/** Polling of DescribeTable: local engines answer within milliseconds, DynamoDB within seconds. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 1000;

/**
 * Creates the table if it is missing, with the type index and every GSI the registered entities'
 * `@Index` declarations need, and waits until it and its indexes are ACTIVE. Safe to call
 * concurrently, from one process or many: a concurrent creator's ResourceInUseException just means
 * "wait for it". A table being deleted is waited out, then created anew.
 *
 * An existing table gets its missing GSIs with UpdateTable, one at a time (DynamoDB creates one per
 * request), each waited for until ACTIVE and filled; extra GSIs are left alone. Everything is checked
 * before the first change: another primary key, a GSI of a layout name with another key or projection,
 * or an index that moved to another GSI or changed its key since the table's layout record was written
 * fail with TableSchemaMismatchError, untouched. The layout record is written once the GSIs exist.
 *
 * Polls DescribeTable from 10 ms, doubling up to 1 s, rather than using the SDK waiter, whose first
 * check comes a full second or more after a CREATING answer.
 */
export async function ensureTable(
  executor: RequestExecutor,
  tableName: string,
  options: EnsureTableOptions,
  tableEntities?: readonly Constructor[],
): Promise<void> {
  const provisioning = checkProvisioning(options);
  const layout = tableLayoutOfEntities(tableEntities);
  const entities = indexedEntities(tableEntities);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  let records: LayoutRecords | undefined;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const table = await describeTable(executor, tableName);
    if (!table && (await createTable(executor, tableName, provisioning, layout))) {
      // Ours: local engines make a new table ACTIVE at once, so look again right away.
      delay = FIRST_POLL_MS;
      continue;
    }
    // A DELETING table's description is no layout to judge (dynalite drops its index from it): wait.
    if (table && table.TableStatus !== 'DELETING') {
      throwOnMismatch(tableName, table, layout);
      if (isTableReady(table)) {
        if (entities.length > 0 && !records) {
          records = await readLayoutRecords(executor, tableName);
          checkLayoutRecords(tableName, entities, records);
        }
        const [missing] = missingIndexes(table, layout);
        if (!missing) {
          if (records) await recordNewIndexes(executor, tableName, entities, records);
          return;
        }
        await addIndex(executor, table, missing, provisioning, entities);
        delay = FIRST_POLL_MS;
      }
    }
    if (Date.now() + delay > deadline) throw new TableNotReadyError(tableName, timeoutMs, table?.TableStatus ?? 'missing');
    await sleep(delay);
    delay = Math.min(delay * 2, MAX_POLL_MS);
  }
}

function checkProvisioning(options: EnsureTableOptions): TableProvisioning {
  const billingMode = options.billingMode ?? 'PAY_PER_REQUEST';
  if (billingMode !== 'PAY_PER_REQUEST' && billingMode !== 'PROVISIONED') {
    throw new InvalidArgumentError(`billingMode must be 'PAY_PER_REQUEST' or 'PROVISIONED', got ${String(billingMode)}.`);
  }
  for (const name of ['readCapacity', 'writeCapacity'] as const) {
    const value = options[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got ${String(value)}.`);
    }
  }
  return { billingMode, readCapacity: options.readCapacity, writeCapacity: options.writeCapacity };
}

function throwOnMismatch(tableName: string, table: TableDescription, layout: TableLayout): void {
  const problems = tableConflicts(table, layout);
  if (problems.length > 0) throw new TableSchemaMismatchError(tableName, problems);
}

async function describeTable(executor: RequestExecutor, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await executor.send('DescribeTable', { TableName: tableName })).Table;
  } catch (error) {
    if (isDynamoSingleTableError(error, 'TABLE_NOT_FOUND')) return undefined;
    throw error;
  }
}

/** True when this call created the table; false when another creator got there first. */
async function createTable(executor: RequestExecutor, tableName: string, provisioning: TableProvisioning, layout: TableLayout): Promise<boolean> {
  try {
    await executor.send('CreateTable', createTableInput(tableName, provisioning, layout));
    return true;
  } catch (error) {
    if (isAwsError(error, 'ResourceInUseException')) return false;
    throw error;
  }
}

function isAwsError(error: unknown, name: string): error is DynamoDBRequestError {
  return isDynamoSingleTableError(error, 'DYNAMODB_REQUEST_FAILED') && (error as DynamoDBRequestError).awsErrorName === name;
}
