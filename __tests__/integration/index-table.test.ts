import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, TableDescription } from '@aws-sdk/client-dynamodb';
import { EntityManager, Field, getEntityMetadata, StrId, Table, TableSchemaMismatchError, UnsupportedByEngineError } from '../../src';
import { Index } from '../../src/decorators';
import { tableLayoutOfEntities } from '../../src/metadata/table-layout';
import { recordedIndexOf } from '../../src/operations/layout-record';
import { createTableInput } from '../../src/operations/table-schema';
import type { BillingMode } from '../../src/operations/table-schema';
import { describeEachEngine, testWhen, waitForTableActive } from '../support/engines';

@Table('article')
@Index('byAuthor', { partition: ['authorId'], sort: ['publishedAt'] })
class Article {
  @StrId() id!: string;
  @Field() authorId?: string;
  @Field() publishedAt?: Date;
  uid?: string;
  version?: number;
}

@Table('book')
@Index('byShelf', { partition: ['shelf'] })
@Index('byTitle', { partition: ['title'], projection: 'all' })
class Book {
  @StrId() isbn!: string;
  @Field() shelf?: string;
  @Field() title?: string;
}

const online = (c: { onlineIndexCreation: boolean }) => c.onlineIndexCreation;
const NEEDS = 'needs UpdateTable adding a GSI to an existing table';

describeEachEngine('ensureTableExists with @Index declarations', (engine) => {
  const manager = (tableName: string) => new EntityManager({ client: engine().client, tableName });
  const describe_ = async (tableName: string) => (await engine().client.send(new DescribeTableCommand({ TableName: tableName }))).Table as TableDescription;
  const shape = (table: TableDescription) => ({
    indexes: (table.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.KeySchema?.map((k) => k.AttributeName).join('+'), i.Projection?.ProjectionType]).sort(),
    attributes: (table.AttributeDefinitions ?? []).map((d) => `${d.AttributeName}:${d.AttributeType}`).sort(),
  });
  const layoutRecords = async (tableName: string) =>
    (await engine().client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: '_layout' } }, ConsistentRead: true }))).Items ?? [];

  /** A table as an earlier version made it: the type index only, with articles written before they had an index. */
  async function previousLayoutTable(suffix: string, billingMode: BillingMode = 'PAY_PER_REQUEST') {
    const tableName = engine().tableName(suffix);
    await engine().client.send(new CreateTableCommand(createTableInput(tableName, { billingMode, readCapacity: 3, writeCapacity: 2 })));
    await waitForTableActive(engine().client, tableName);
    for (const id of ['a-1', 'a-2']) {
      const item = { PK: { S: `article#${id}` }, SK: { S: 'article' }, _type: { S: 'article' }, uid: { S: `0193f000-0000-7000-8000-00000000000${id.slice(-1)}` }, version: { N: '1' }, authorId: { S: 'ann' } };
      await engine().client.send(new PutItemCommand({ TableName: tableName, Item: item }));
    }
    return tableName;
  }

  it('creates a new table with the type index and one GSI per slot, and records the layout', async () => {
    const em = manager(engine().tableName('fresh'));
    await em.ensureTableExists();
    expect(shape(await describe_(em.tableName)).indexes).toEqual([
      ['gsi1', '_gsi1pk+_gsi1sk', 'ALL'],
      ['gsi2', '_gsi2pk+_gsi2sk', 'ALL'],
      ['type-uid-index', '_type+uid', 'ALL'],
    ]);
    const records = await layoutRecords(em.tableName);
    expect(records.map((r) => r.SK?.S).sort()).toEqual(['article', 'book']);
    expect(records.find((r) => r.SK?.S === 'book')).toMatchObject({ 'index:byShelf': { M: { gsi: { S: 'gsi1' } } }, 'index:byTitle': { M: { gsi: { S: 'gsi2' } } } });
    expect(records.every((r) => r._type === undefined)).toBe(true);
    await em.getRepository(Article).create({ id: 'x', authorId: 'ann' });
    await expect(em.getRepository(Article).count()).resolves.toBe(1);
    await em.ensureTableExists();
    expect(await layoutRecords(em.tableName)).toEqual(records);
  });

  testWhen(online, NEEDS, 'adds the missing GSIs to a table of the previous layout, keeping its items and key definitions', async () => {
    const tableName = await previousLayoutTable('add');
    await manager(tableName).ensureTableExists();
    const table = await describe_(tableName);
    expect(table.TableStatus).toBe('ACTIVE');
    expect(shape(table)).toEqual({
      indexes: [['gsi1', '_gsi1pk+_gsi1sk', 'ALL'], ['gsi2', '_gsi2pk+_gsi2sk', 'ALL'], ['type-uid-index', '_type+uid', 'ALL']],
      attributes: ['PK:S', 'SK:S', '_gsi1pk:S', '_gsi1sk:S', '_gsi2pk:S', '_gsi2sk:S', '_type:S', 'uid:S'],
    });
    expect(table.GlobalSecondaryIndexes?.every((i) => i.IndexStatus === 'ACTIVE')).toBe(true);
    await expect(manager(tableName).getRepository(Article).count()).resolves.toBe(2);
    expect((await layoutRecords(tableName)).map((r) => r.SK?.S).sort()).toEqual(['article', 'book']);
    await manager(tableName).ensureTableExists();
  });

  testWhen(online, NEEDS, 'gives a PROVISIONED table\'s new GSI the table\'s capacity', async () => {
    const tableName = await previousLayoutTable('provisioned', 'PROVISIONED');
    await manager(tableName).ensureTableExists({ billingMode: 'PROVISIONED' });
    const gsi1 = (await describe_(tableName)).GlobalSecondaryIndexes?.find((i) => i.IndexName === 'gsi1');
    expect(gsi1?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 3, WriteCapacityUnits: 2 });
  });

  testWhen(online, NEEDS, 'two processes adding the same GSIs at once both succeed', async () => {
    const tableName = await previousLayoutTable('race');
    await Promise.all([manager(tableName).ensureTableExists(), manager(tableName).ensureTableExists()]);
    expect(shape(await describe_(tableName)).indexes.map(([name]) => name)).toEqual(['gsi1', 'gsi2', 'type-uid-index']);
    const article = (await layoutRecords(tableName)).find((r) => r.SK?.S === 'article');
    expect(Object.keys(article ?? {}).sort()).toEqual(['PK', 'SK', 'index:byAuthor']);
  });

  for (const billingMode of ['PAY_PER_REQUEST', 'PROVISIONED'] as const) {
    testWhen((c) => !c.onlineIndexCreation, 'the engine adds GSIs', `an engine that cannot add a GSI (${billingMode}): UnsupportedByEngineError, nothing changed`, async () => {
      const tableName = await previousLayoutTable(`unsupported-${billingMode}`, billingMode);
      const before = await describe_(tableName);
      const error = await manager(tableName).ensureTableExists({ billingMode }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsupportedByEngineError);
      expect(error).toMatchObject({ capability: 'adding a global secondary index to an existing table' });
      expect((error as Error).message).toMatch(/no global secondary index gsi1, which Article @Index\('byAuthor'\), Book @Index\('byShelf'\) need/);
      expect((error as Error).message).toMatch(/Recreate the table .* or use an engine that adds indexes to a live table/);
      expect(shape(await describe_(tableName))).toEqual(shape(before));
      expect(await layoutRecords(tableName)).toEqual([]);
    });
  }

  it('a GSI of a layout name with another projection: TableSchemaMismatchError before any index is added', async () => {
    const tableName = engine().tableName('wrong-gsi');
    const input = createTableInput(tableName, { billingMode: 'PAY_PER_REQUEST' }, tableLayoutOfEntities());
    // gsi2 projects keys only, and gsi1 is missing: neither must change.
    input.GlobalSecondaryIndexes = input.GlobalSecondaryIndexes?.filter((i) => i.IndexName !== 'gsi1').map((i) => (i.IndexName === 'gsi2' ? { ...i, Projection: { ProjectionType: 'KEYS_ONLY' } } : i));
    input.AttributeDefinitions = input.AttributeDefinitions?.filter((d) => !d.AttributeName?.startsWith('_gsi1'));
    await engine().client.send(new CreateTableCommand(input));
    await waitForTableActive(engine().client, tableName);
    const before = await describe_(tableName);
    const error = await manager(tableName).ensureTableExists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableSchemaMismatchError);
    expect((error as Error).message).toMatch(/index gsi2 projects KEYS_ONLY, expected ALL/);
    expect(shape(await describe_(tableName))).toEqual(shape(before));
    expect(await layoutRecords(tableName)).toEqual([]);
  });

  async function tableWithRecord(suffix: string, recordedIndexes: Record<string, AttributeValue>) {
    const tableName = await previousLayoutTable(suffix);
    await engine().client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: '_layout' }, SK: { S: 'book' }, ...recordedIndexes } }));
    return tableName;
  }

  it('an index recorded in another GSI (decorators reordered): TableSchemaMismatchError naming the pin, nothing changed', async () => {
    const byTitle = recordedIndexOf(getEntityMetadata(Book).indexes.find((i) => i.name === 'byTitle')!);
    const tableName = await tableWithRecord('moved', { 'index:byTitle': { M: { gsi: { S: 'gsi1' }, key: { S: byTitle.key } } } });
    const before = await describe_(tableName);
    const error = await manager(tableName).ensureTableExists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableSchemaMismatchError);
    expect((error as Error).message).toMatch(/Book @Index\('byTitle'\) is recorded in gsi1 \(slot 1\) but now takes gsi2 \(slot 2\).*Pin it with slot: 1 \(@Index\('byTitle', \{ \.\.\., slot: 1 \}\)\)/);
    expect(shape(await describe_(tableName))).toEqual(shape(before));
    const record = (await engine().client.send(new GetItemCommand({ TableName: tableName, Key: { PK: { S: '_layout' }, SK: { S: 'book' } } }))).Item;
    expect(Object.keys(record ?? {}).sort()).toEqual(['PK', 'SK', 'index:byTitle']);
  });

  it('an index recorded with another key: TableSchemaMismatchError advising a new name and reindex', async () => {
    const tableName = await tableWithRecord('rekeyed', { 'index:byShelf': { M: { gsi: { S: 'gsi1' }, key: { S: 'partition [shelf:number]; sort []; projection all' } } } });
    const error = await manager(tableName).ensureTableExists().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableSchemaMismatchError);
    expect((error as Error).message).toMatch(
      /Book @Index\('byShelf'\) was recorded with key partition \[shelf:number\]; sort \[\]; projection all \(in gsi1\) and is now declared with partition \[shelf:string\].*give it a new name, then run em.reindex\(Book\)/,
    );
    expect(shape(await describe_(tableName)).indexes.map(([name]) => name)).toEqual(['type-uid-index']);
  });
});
