/**
 * The harness itself: every lane can create a table and round-trip an item, and the capability
 * flags other tests rely on match what the engine really does (so a wrong flag fails here, loudly,
 * instead of silently skipping or breaking tests elsewhere).
 */
import {
  DeleteTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { createKeyValueTable, describeEachEngine, testWhen, waitForTableDeleted } from '../support/engines';
import type { TestEngine } from '../support/engines';

/** Resolves with the error the promise rejected with, or fails the test if it resolved. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

async function putIfAbsent(engine: TestEngine, tableName: string, value: string) {
  return engine.client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: { PK: { S: 'cond' }, SK: { S: 'cond' }, value: { S: value } },
      ConditionExpression: 'attribute_not_exists(PK)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    }),
  );
}

describeEachEngine('engine harness', (engine, lane) => {
  let tableName: string;
  beforeAll(async () => {
    tableName = await createKeyValueTable(engine(), 'shared');
  });

  test('creates a PK/SK table, puts and gets an item, deletes the table', async () => {
    const { client } = engine();
    const smokeTable = await createKeyValueTable(engine(), 'smoke');
    const key = { PK: { S: 'user#1' }, SK: { S: 'profile' } };
    await client.send(new PutItemCommand({ TableName: smokeTable, Item: { ...key, name: { S: 'Ada' }, n: { N: '7' } } }));
    const { Item } = await client.send(new GetItemCommand({ TableName: smokeTable, Key: key, ConsistentRead: true }));
    expect(Item).toEqual({ ...key, name: { S: 'Ada' }, n: { N: '7' } });
    const { TableDescription } = await client.send(new DeleteTableCommand({ TableName: smokeTable }));
    expect(TableDescription?.TableName).toBe(smokeTable);
    await waitForTableDeleted(client, smokeTable);
    const gone = await rejectionOf(client.send(new DescribeTableCommand({ TableName: smokeTable })));
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  test('tableName() hands out distinct, valid names', () => {
    const names = [engine().tableName(), engine().tableName('x'), engine().tableName('x')];
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(new RegExp(`^[a-zA-Z0-9_.-]{3,255}$`));
    expect(names[1]).toContain(lane.name);
  });

  test(`returnValuesOnConditionCheckFailure=${lane.capabilities.returnValuesOnConditionCheckFailure} matches the engine`, async () => {
    await putIfAbsent(engine(), tableName, 'first');
    const failure = await rejectionOf(putIfAbsent(engine(), tableName, 'second'));
    expect(failure.name).toBe('ConditionalCheckFailedException');
    const returnedItem = failure.Item as Record<string, { S?: string }> | undefined;
    if (engine().capabilities.returnValuesOnConditionCheckFailure) {
      expect(returnedItem?.value).toEqual({ S: 'first' });
    } else {
      expect(returnedItem).toBeUndefined();
    }
  });

  test(`transactions=${lane.capabilities.transactions} matches the engine`, async () => {
    const write = engine().client.send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: { PK: { S: 'tx' }, SK: { S: 'a' } } } },
          { Put: { TableName: tableName, Item: { PK: { S: 'tx' }, SK: { S: 'b' } } } },
        ],
      }),
    );
    if (engine().capabilities.transactions) {
      await expect(write).resolves.toBeDefined();
    } else {
      const error = await rejectionOf(write);
      expect(error.name).toMatch(/UnknownOperation|NotImplemented|Validation/);
    }
  });

  testWhen((caps) => caps.transactions, 'needs TransactWriteItems', 'testWhen registers the test where the capability holds', async () => {
    expect(engine().capabilities.transactions).toBe(true);
  });
});
