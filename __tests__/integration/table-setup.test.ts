import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { EntityManager, TableSchemaMismatchError } from '../../src';
import { describeEachEngine } from '../support/engines';
import { User } from '../fixtures/entities';

describeEachEngine('ensureTableExists', (engine) => {
  const manager = (tableName: string) => new EntityManager({ client: engine().client, tableName });

  it('creates the table and its index, and the table is usable at once', async () => {
    const em = manager(engine().tableName('create'));
    await em.ensureTableExists();
    const { Table } = await engine().client.send(new DescribeTableCommand({ TableName: em.tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['type-uid-index']);
    expect(Table?.LocalSecondaryIndexes ?? []).toEqual([]);
    await em.getRepository(User).create({ username: 'usable', email: 'u@example.com' });
    await expect(em.getRepository(User).count()).resolves.toBe(1);
  });

  it('is idempotent: a second call keeps the table and its items', async () => {
    const em = manager(engine().tableName('twice'));
    await em.ensureTableExists();
    await em.getRepository(User).create({ username: 'kept', email: 'k@example.com' });
    await em.ensureTableExists();
    await manager(em.tableName).ensureTableExists();
    await expect(em.getRepository(User).findByStr('kept')).resolves.toBeDefined();
  });

  it('concurrent calls from one manager and from several managers all succeed', async () => {
    const tableName = engine().tableName('concurrent');
    const one = manager(tableName);
    await Promise.all([one.ensureTableExists(), one.ensureTableExists(), manager(tableName).ensureTableExists(), manager(tableName).ensureTableExists()]);
    const { Table } = await engine().client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('creates a PROVISIONED table with the given capacity', async () => {
    const em = manager(engine().tableName('provisioned'));
    await em.ensureTableExists({ billingMode: 'PROVISIONED', readCapacity: 3, writeCapacity: 2 });
    const { Table } = await engine().client.send(new DescribeTableCommand({ TableName: em.tableName }));
    expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 3, WriteCapacityUnits: 2 });
  });

  it('fails with TableSchemaMismatchError against a table of another layout, and changes nothing', async () => {
    const tableName = engine().tableName('mismatch');
    await engine().client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const before = (await engine().client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    const error = await manager(tableName).ensureTableExists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableSchemaMismatchError);
    expect((error as Error).message).toMatch(/primary key is id:HASH:S, expected PK:HASH:S,SK:RANGE:S/);
    const after = (await engine().client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
    expect(after?.KeySchema).toEqual(before?.KeySchema);
    expect(after?.GlobalSecondaryIndexes).toEqual(before?.GlobalSecondaryIndexes);
  });
});
