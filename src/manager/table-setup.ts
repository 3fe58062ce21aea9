import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { isDynamoSingleTableError, InvalidArgumentError, TableNotReadyError, TableSchemaMismatchError } from '../errors';
import type { DynamoDBRequestError } from '../errors';
import type { RequestExecutor } from '../client/executor';
import { createTableInput, isTableReady, tableSchemaProblems } from '../operations/table-schema';
import type { TableProvisioning } from '../operations/table-schema';

export interface EnsureTableOptions extends Partial<TableProvisioning> {
  /** How long to wait for the table and its index to become ACTIVE. @default 600000 (10 minutes) */
  timeoutMs?: number;
}

/**
 * Creates the table if it is missing and waits until it and its index are ACTIVE. Safe to call
 * concurrently, from one process or many: a concurrent creator's ResourceInUseException just means
 * "wait for it". An existing table of another layout fails with TableSchemaMismatchError, untouched.
 */
export async function ensureTable(executor: RequestExecutor, tableName: string, options: EnsureTableOptions): Promise<void> {
  const provisioning = checkProvisioning(options);
  let table = await describeTable(executor, tableName);
  if (table) throwOnMismatch(tableName, table);
  if (!table) {
    try {
      await executor.send('CreateTable', createTableInput(tableName, provisioning));
    } catch (error) {
      if (!isAwsError(error, 'ResourceInUseException')) throw error;
    }
  }
  table = await waitUntilReady(executor, tableName, options.timeoutMs ?? 600_000);
  throwOnMismatch(tableName, table);
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
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/**
 * Polls DescribeTable from 10 ms, doubling up to 1 s. Local engines are ready within milliseconds,
 * where the SDK waiter would sleep a full second or more on its first CREATING answer.
 */
async function waitUntilReady(executor: RequestExecutor, tableName: string, timeoutMs: number): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 10; ; delay = Math.min(delay * 2, 1000)) {
    const table = await describeTable(executor, tableName);
    if (table && isTableReady(table)) return table;
    if (Date.now() + delay > deadline) {
      throw new TableNotReadyError(tableName, timeoutMs, table?.TableStatus ?? 'missing');
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function isAwsError(error: unknown, name: string): error is DynamoDBRequestError {
  return isDynamoSingleTableError(error, 'DYNAMODB_REQUEST_FAILED') && (error as DynamoDBRequestError).awsErrorName === name;
}
