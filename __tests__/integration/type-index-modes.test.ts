import { CreateTableCommand, DescribeTableCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityManager, Field, InvalidArgumentError, StrId, Table } from '../../src';
import type { RequestCost } from '../../src';
import { TABLE_LAYOUT } from '../../src/metadata/table-layout';
import { createTableInput } from '../../src/operations/table-schema';
import { describeEachEngine, testWhen, waitForTableActive } from '../support/engines';
import { useEntityManager } from '../support/tables';

@Table('tkNote', { typeIndex: 'keys' })
class TkNote {
  @StrId() @Field() id!: string;
  @Field() body: string = '';
  @Field() n: number = 0;
  uid?: string;
  version?: number;
}

@Table('tkTag', { typeIndex: 'none' })
class TkTag {
  @StrId() @Field() name!: string;
  uid?: string;
}

@Table('tkComment', { parent: () => TkNote, typeIndex: 'keys' })
class TkComment {
  @StrId() @Field() id!: string;
  @Field() text: string = '';
}

type Item = Record<string, AttributeValue>;
const noteKey = (id: string) => ({ PK: { S: `tkNote#${id}` }, SK: { S: 'tkNote' } });
const ids = (notes: readonly TkNote[]) => notes.map((note) => note.id);

describeEachEngine("typeIndex: 'keys' and 'none' on top-level and child types", (engine) => {
  const em = useEntityManager(engine);
  const notes = () => em().getRepository(TkNote);
  const raw = async (key: Item) => (await em().client.send(new GetItemCommand({ TableName: em().tableName, Key: key, ConsistentRead: true }))).Item;

  it("stores the type name in _tk (keys-only type-keys-index) for 'keys', in no type attribute for 'none'", async () => {
    await notes().create({ id: 'layout', body: 'x' });
    await em().getRepository(TkTag).create({ name: 'red' });
    const note = await raw(noteKey('layout'));
    expect(note?._tk).toEqual({ S: 'tkNote' });
    expect(note?._type).toBeUndefined();
    const tag = await raw({ PK: { S: 'tkTag#red' }, SK: { S: 'tkTag' } });
    expect(tag && ['_type', '_tk'].filter((name) => name in tag)).toEqual([]);
    const table = (await em().client.send(new DescribeTableCommand({ TableName: em().tableName }))).Table;
    const keysIndex = table?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'type-keys-index');
    expect(keysIndex?.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(keysIndex?.KeySchema?.map((key) => key.AttributeName)).toEqual(['_tk', 'uid']);
  });

  it('lists in creation order page by page (keys, then the entities by key), counts and finds by uid', async () => {
    const repo = em().getRepository(TkNote);
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push(await repo.create({ id: `list-${i}`, body: `b${i}`, n: i }));
    const listed = (await repo.query().toArray()).filter((note) => note.id.startsWith('list-'));
    expect(ids(listed)).toEqual(['list-0', 'list-1', 'list-2', 'list-3', 'list-4']);
    expect(listed.map((note) => note.body)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
    const first = await repo.query({ createdAfter: new Date(0), limit: 2 }).page();
    const second = await repo.query({ createdAfter: new Date(0), limit: 2, cursor: first.cursor }).page();
    expect([...ids(first.items), ...ids(second.items)]).toEqual((await repo.query().toArray()).slice(0, 4).map((n) => n.id));
    expect(ids(await repo.query({ order: 'desc', limit: 1 }).toArray())).toEqual(['list-4']);
    expect(await repo.count()).toBe((await repo.query().toArray()).length);
    const found = await repo.getByUid(created[2]?.uid as string);
    expect([found.id, found.body, found.n]).toEqual(['list-2', 'b2', 2]);
    await repo.delete(await repo.getByStr('list-1'));
    expect(ids(await repo.query().toArray())).not.toContain('list-1');
    await expect(repo.findByUid(created[1]?.uid as string)).resolves.toBeUndefined();
  });

  it('refuses filter and select on the keys-only type listing before any request', async () => {
    const sent: string[] = [];
    const counting = new EntityManager({ client: em().client, tableName: em().tableName, costs: { request: (cost: RequestCost) => void sent.push(cost.operation) } });
    const repo = counting.getRepository(TkNote);
    expect(() => repo.query({ filter: { n: { eq: 1 } } })).toThrow(InvalidArgumentError);
    expect(() => repo.query({ select: ['body'] })).toThrow(/holds keys only \(typeIndex: 'keys'\), so its listing cannot select/);
    await expect(repo.count({ filter: { n: { eq: 1 } } })).rejects.toThrow(/cannot filter/);
    expect(sent).toEqual([]);
  });

  it("a top-level 'none' type: get, save, delete and scan work; listing, count and uid look-up are refused", async () => {
    const tags = em().getRepository(TkTag);
    const blue = await tags.create({ name: 'blue' });
    expect((await tags.getByStr('blue')).name).toBe('blue');
    expect(() => tags.query()).toThrow(/not in a type index \(typeIndex: 'none'\)/);
    await expect(tags.count()).rejects.toThrow(InvalidArgumentError);
    await expect(tags.getByUid(blue.uid as string)).rejects.toThrow(/cannot be found by uid/);
    const scanned = await tags.scan({ allowScan: true }).toArray();
    expect(scanned.map((tag) => tag.name).sort()).toEqual(expect.arrayContaining(['blue']));
    await tags.delete(blue);
    await expect(tags.findByStr('blue')).resolves.toBeUndefined();
  });

  it("a child type with typeIndex 'keys' lists across parents and within one", async () => {
    await notes().create({ id: 'parent-a' });
    await notes().create({ id: 'parent-b' });
    const comments = em().getRepository(TkComment);
    await comments.of('parent-a').create({ id: 'c1', text: 'one' });
    await comments.of('parent-b').create({ id: 'c2', text: 'two' });
    expect((await comments.query().toArray()).map((c) => c.text)).toEqual(['one', 'two']);
    expect((await comments.of('parent-b').query().toArray()).map((c) => c.text)).toEqual(['two']);
    expect(await comments.count()).toBe(2);
  });
});

describeEachEngine("switching a type to typeIndex 'keys' on a table written before", (engine) => {
  const em = useEntityManager(engine, 'switch');
  const putStored = (id: string, typeAttributes: Item, uid: string) =>
    em().client.send(
      new PutItemCommand({
        TableName: em().tableName,
        Item: { ...noteKey(id), ...typeAttributes, uid: { S: uid }, version: { N: '2' }, _writeId: { S: 'AAAAAAAAAAAAAAAAAAAAAA' }, id: { S: id }, body: { S: 'old' }, n: { N: '1' } },
      }),
    );

  it("items written under 'all' (and 'none') are listed after reindex({ fromTypeIndex }), moved to _tk; a second run changes nothing", async () => {
    await putStored('old-all-1', { _type: { S: 'tkNote' } }, '01937a3e-1c2b-7000-8000-000000000001');
    await putStored('old-all-2', { _type: { S: 'tkNote' } }, '01937a3e-1c2b-7000-8000-000000000002');
    await putStored('old-none', {}, '01937a3e-1c2b-7000-8000-000000000003');
    const repo = em().getRepository(TkNote);
    expect(await repo.count()).toBe(0);
    expect((await repo.getByStr('old-all-1')).body).toBe('old');

    const fromAll = await em().reindex(TkNote, { fromTypeIndex: 'all' });
    expect([fromAll.scanned, fromAll.updated]).toEqual([2, 2]);
    const fromNone = await em().reindex(TkNote, { fromTypeIndex: 'none', pageSize: 10 });
    expect(fromNone.updated).toBe(1);
    expect(ids(await repo.query().toArray())).toEqual(['old-all-1', 'old-all-2', 'old-none']);
    const moved = (await em().client.send(new GetItemCommand({ TableName: em().tableName, Key: noteKey('old-all-1'), ConsistentRead: true }))).Item;
    expect([moved?._tk, moved?._type, moved?.version]).toEqual([{ S: 'tkNote' }, undefined, { N: '2' }]);

    const again = await em().reindex(TkNote);
    expect([again.scanned, again.updated]).toEqual([3, 0]);
    await expect(em().reindex(TkNote, { fromTypeIndex: 'some' as never })).rejects.toThrow(InvalidArgumentError);
  });

  testWhen((c) => c.onlineIndexCreation, 'the engine adds GSIs', 'ensureTableExists adds type-keys-index to a table created without it', async () => {
    const tableName = engine().tableName('no-keys-index');
    await engine().client.send(new CreateTableCommand(createTableInput(tableName, { billingMode: 'PAY_PER_REQUEST' }, TABLE_LAYOUT)));
    await waitForTableActive(engine().client, tableName);
    const manager = new EntityManager({ client: engine().client, tableName });
    // DynamoDB answers ValidationException (TableSchemaMismatchError), moto ResourceNotFoundException (TableNotFoundError): both name the index and the fix.
    const error = await manager.getRepository(TkNote).query().toArray().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/type-keys-index[^]*em\.ensureTableExists\(\)/);
    await manager.ensureTableExists();
    await manager.getRepository(TkNote).create({ id: 'after' });
    expect(ids(await manager.getRepository(TkNote).query().toArray())).toEqual(['after']);
  });
});
