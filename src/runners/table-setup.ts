import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { isDynamoSingleTableError, InvalidArgumentError, TableNotReadyError, TableSchemaMismatchError } from '../errors';
import type { DynamoDBRequestError } from '../errors';
import type { RequestExecutor } from '../client/executor';
import { sleep } from '../client/retry';
import { createTableInput, isTableReady, tableSchemaProblems } from '../operations/table-schema';
import type { TableProvisioning } from '../operations/table-schema';

export interface EnsureTableOptions extends Partial<TableProvisioning> {
  /** How long to wait for the table and its index to become ACTIVE. @default 600000 (10 minutes) */
  timeoutMs?: number;
}

/** Polling of DescribeTable: local engines answer within milliseconds, DynamoDB within seconds. */
const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 1000;

/**
 * Creates the table if it is missing and waits until it and its index are ACTIVE. Safe to call
 * concurrently, from one process or many: a concurrent creator's ResourceInUseException just means
 * "wait for it". A table being deleted is waited out, then created anew. An existing table of another
 * layout fails with TableSchemaMismatchError, untouched.
 *
 * Polls DescribeTable from 10 ms, doubling up to 1 s, rather than using the SDK waiter, whose first
 * check comes a full second or more after a CREATING answer.
 */
export async function ensureTable(executor: RequestExecutor, tableName: string, options: EnsureTableOptions): Promise<void> {
  const provisioning = checkProvisioning(options);
  const timeoutMs = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeoutMs;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const table = await describeTable(executor, tableName);
    if (!table && (await createTable(executor, tableName, provisioning))) {
      // Ours: local engines make a new table ACTIVE at once, so look again right away.
      delay = FIRST_POLL_MS;
      continue;
    }
    // A DELETING table's description is no layout to judge (dynalite drops its index from it): wait.
    if (table && table.TableStatus !== 'DELETING') {
      throwOnMismatch(tableName, table);
      if (isTableReady(table)) return;
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

function throwOnMismatch(tableName: string, table: TableDescription): void {
  const problems = tableSchemaProblems(table);
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
async function createTable(executor: RequestExecutor, tableName: string, provisioning: TableProvisioning): Promise<boolean> {
  try {
    await executor.send('CreateTable', createTableInput(tableName, provisioning));
    return true;
  } catch (error) {
    if (isAwsError(error, 'ResourceInUseException')) return false;
    throw error;
  }
}

function isAwsError(error: unknown, name: string): error is DynamoDBRequestError {
  return isDynamoSingleTableError(error, 'DYNAMODB_REQUEST_FAILED') && (error as DynamoDBRequestError).awsErrorName === name;
}
