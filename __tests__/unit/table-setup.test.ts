import 'reflect-metadata';
import type { TableDescription } from '@aws-sdk/client-dynamodb';
import { RequestExecutor } from '../../src/client/executor';
import { ensureTable } from '../../src/runners/table-setup';
import { createTableInput } from '../../src/operations/table-schema';
import { TableNotReadyError } from '../../src';
import { awsError, fakeClient } from '../support/fake-client';

/** A description of our layout in the given state; `indexes: false` for dynalite's DELETING answer. */
function described(status: string, indexes = true): TableDescription {
  const input = createTableInput('app', { billingMode: 'PAY_PER_REQUEST' });
  return {
    TableName: 'app',
    TableStatus: status as TableDescription['TableStatus'],
    KeySchema: input.KeySchema,
    AttributeDefinitions: input.AttributeDefinitions,
    GlobalSecondaryIndexes: indexes
      ? input.GlobalSecondaryIndexes?.map((index) => ({ ...index, IndexStatus: status === 'ACTIVE' ? 'ACTIVE' : 'CREATING' }))
      : undefined,
  } as TableDescription;
}

/** A fake engine answering DescribeTable from a script (a missing table past its end). */
function scripted(...answers: Array<TableDescription | 'missing'>) {
  const script = [...answers];
  return fakeClient(({ operation }) => {
    if (operation === 'CreateTable') return { TableDescription: described('CREATING') };
    const next = script.shift() ?? 'missing';
    if (next === 'missing') throw awsError('ResourceNotFoundException');
    return { Table: next };
  });
}

describe('ensureTable (regression: a table being deleted was polled until the timeout, or read as a schema mismatch)', () => {
  it('waits while the table is DELETING, then creates it and waits for ACTIVE', async () => {
    const { client, sent } = scripted(described('DELETING', false), described('DELETING', false), 'missing', described('CREATING'), described('ACTIVE'));
    await ensureTable(new RequestExecutor(client), 'app', { timeoutMs: 5000 });
    expect(sent.map((c) => c.operation)).toEqual(['DescribeTable', 'DescribeTable', 'DescribeTable', 'CreateTable', 'DescribeTable', 'DescribeTable']);
  });

  it('creates a table that vanished while it was being created (deleted by someone else)', async () => {
    const { client, sent } = scripted('missing', 'missing', described('ACTIVE'));
    await ensureTable(new RequestExecutor(client), 'app', { timeoutMs: 5000 });
    expect(sent.filter((c) => c.operation === 'CreateTable')).toHaveLength(2);
  });

  it('gives up with TableNotReadyError (status DELETING) when the deletion outlasts timeoutMs', async () => {
    const { client, sent } = fakeClient(({ operation }) => (operation === 'DescribeTable' ? { Table: described('DELETING', false) } : {}));
    const error = await ensureTable(new RequestExecutor(client), 'app', { timeoutMs: 60 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableNotReadyError);
    expect((error as Error).message).toMatch(/did not become ACTIVE within 60 ms \(status DELETING\)/);
    expect(sent.some((c) => c.operation === 'CreateTable')).toBe(false);
  });

  it('an ACTIVE table of our layout: one DescribeTable, nothing created', async () => {
    const { client, sent } = scripted(described('ACTIVE'));
    await ensureTable(new RequestExecutor(client), 'app', {});
    expect(sent.map((c) => c.operation)).toEqual(['DescribeTable']);
  });
});
