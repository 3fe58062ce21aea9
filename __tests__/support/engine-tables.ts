/**
 * Raw table helpers for integration tests that need a table without going through the library.
 * Polls DescribeTable instead of using the SDK waiter, whose first check comes after ≥1 s: local
 * engines make tables ACTIVE within milliseconds.
 */
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TestEngine } from './engines';

export interface WaitOptions {
  pollMs?: number;
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitForTableActive(client: DynamoDBClient, tableName: string, options: WaitOptions = {}): Promise<void> {
  const { pollMs = 10, timeoutMs = 30_000 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${tableName} still ${Table?.TableStatus} after ${timeoutMs} ms`);
    await sleep(pollMs);
  }
}

/** Polls until DescribeTable says the table is gone (real DynamoDB shows DELETING for a while). */
export async function waitForTableDeleted(client: DynamoDBClient, tableName: string, options: WaitOptions = {}): Promise<void> {
  const { pollMs = 10, timeoutMs = 30_000 } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      if (Date.now() > deadline) throw new Error(`table ${tableName} still ${Table?.TableStatus} after ${timeoutMs} ms`);
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return;
      throw error;
    }
    await sleep(pollMs);
  }
}

/**
 * Creates an on-demand table keyed by string `PK` (hash) and `SK` (range), waits until it is ACTIVE
 * and returns its name. `overrides` is merged into the CreateTable input (e.g. for GSIs).
 */
export async function createKeyValueTable(
  engine: TestEngine,
  suffix = '',
  overrides: Partial<CreateTableCommandInput> = {},
): Promise<string> {
  const TableName = overrides.TableName ?? engine.tableName(suffix);
  await engine.client.send(
    new CreateTableCommand({
      TableName,
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      ...overrides,
    }),
  );
  // A real AWS table takes seconds; polling it every 10 ms would only burn request quota.
  await waitForTableActive(engine.client, TableName, { pollMs: engine.name === 'external' ? 500 : 10 });
  return TableName;
}
