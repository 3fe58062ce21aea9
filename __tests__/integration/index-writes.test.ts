import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BaseEntity, EntityManager, Field, Index, StrId, Table, TransactionCanceledError, Unique, VersionConflictError } from '../../src';
import type { Constructor } from '../../src/metadata/types';
import { indexAttributesOf, indexKeyOf } from '../../src/keys/index-key';
import { getEntityMetadata } from '../../src/metadata/entity-metadata';
import { describeEachEngine, testWhen } from '../support/engines';
import { racingClient } from '../support/racing-client';
import type { RaceRule } from '../support/racing-client';
import { useEntityManager } from '../support/tables';

type Item = Record<string, AttributeValue>;

@Table('iwPost')
@Index('byAuthor', { partition: ['authorId'], sort: ['createdAt'] })
@Index('byStatus', { partition: ['status'] })
class Post extends BaseEntity {
  @StrId() slug!: string;
  @Field() authorId?: string;
  @Field() createdAt?: Date;
  @Field() status?: string;
  @Field() title?: string;
}

@Table('iwPlayer')
@Index('byLeague', { partition: ['league'], sort: ['points'] })
class Player extends BaseEntity {
  @StrId() name!: string;
  @Field() league?: string;
  @Field() points?: number;
  @Field() visits?: number;
}

@Table('iwMember')
@Index('byTeam', { partition: ['team'], sort: ['email'] })
class Member extends BaseEntity {
  @StrId() handle!: string;
  @Field() @Unique() email!: string;
  @Field() team?: string;
}

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';
const day = (n: number) => new Date(Date.UTC(2026, 0, n));

/** The str ids an index partition lists, in index order: a raw Query of the GSI. */
async function listed(em: EntityManager, target: Constructor, indexName: string, partition: Item): Promise<string[]> {
  const meta = getEntityMetadata(target);
  const index = meta.indexes.find((i) => i.name === indexName);
  const key = index && indexKeyOf(meta, index, partition);
  if (!index || !key) throw new Error(`no partition of ${indexName} for ${JSON.stringify(partition)}`);
  const output = await em.client.send(
    new QueryCommand({
      TableName: em.tableName,
      IndexName: index.gsi,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': index.partitionAttribute },
      ExpressionAttributeValues: { ':pk': { S: key.partition } },
    }),
  );
  return (output.Items ?? []).map((item) => item[meta.strIdProperty]?.S as string);
}

/** The item as stored (a raw consistent GetItem). */
async function storedItem(em: EntityManager, target: Constructor, strId: string): Promise<Item> {
  const meta = getEntityMetadata(target);
  const key = { PK: { S: `${meta.typeName}#${strId}` }, SK: { S: meta.typeName } };
  return (await em.client.send(new GetItemCommand({ TableName: em.tableName, Key: key, ConsistentRead: true }))).Item as Item;
}

/** The stored item's index key attributes are exactly those its stored fields give. */
async function expectExactKeys(em: EntityManager, target: Constructor, strId: string): Promise<void> {
  const meta = getEntityMetadata(target);
  const item = await storedItem(em, target, strId);
  const stored: Item = {};
  for (const index of meta.indexes) {
    for (const attribute of [index.partitionAttribute, index.sortAttribute]) if (item[attribute]) stored[attribute] = item[attribute];
  }
  expect(stored).toEqual(indexAttributesOf(meta, item, () => undefined));
}

describeEachEngine('writes keep every index exact', (engine) => {
  const em = useEntityManager(engine);
  const posts = () => em().getRepository(Post);
  const players = () => em().getRepository(Player);
  /** A manager on the same table whose client records its requests and runs `rules` races. */
  const watched = (...rules: RaceRule[]) => {
    const { client, sent } = racingClient(engine().client, ...rules);
    return { em: new EntityManager({ client, tableName: em().tableName }), sent };
  };

  it('create, update and save move an entity between partitions; the old partition no longer lists it', async () => {
    await posts().create({ slug: 'mv-1', authorId: 'mv-ann', createdAt: day(1) });
    await posts().create({ slug: 'mv-2', authorId: 'mv-ann', createdAt: day(2) });
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'mv-ann' } })).toEqual(['mv-1', 'mv-2']);
    await posts().update('mv-1', { authorId: 'mv-bob' });
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'mv-ann' } })).toEqual(['mv-2']);
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'mv-bob' } })).toEqual(['mv-1']);
    const loaded = await posts().getByStr('mv-2');
    loaded.authorId = 'mv-bob';
    loaded.createdAt = day(0);
    await posts().save(loaded);
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'mv-ann' } })).toEqual([]);
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'mv-bob' } })).toEqual(['mv-2', 'mv-1']);
    await expectExactKeys(em(), Post, 'mv-1');
    await expectExactKeys(em(), Post, 'mv-2');
  });

  it('sparse: setting the partition field adds the entity, removing or nulling it takes it out; one UpdateItem each', async () => {
    await posts().create({ slug: 'sp-1', title: 'draft' });
    const open = { status: { S: 'sp-open' } };
    expect(await listed(em(), Post, 'byStatus', open)).toEqual([]);
    const { em: counted, sent } = watched();
    await counted.getRepository(Post).update('sp-1', { status: 'sp-open' });
    expect(await listed(em(), Post, 'byStatus', open)).toEqual(['sp-1']);
    await expectExactKeys(em(), Post, 'sp-1');
    expect((await storedItem(em(), Post, 'sp-1'))._gsi2sk).toEqual({ S: '-' }); // byStatus has no sort fields
    await counted.getRepository(Post).update('sp-1', { status: undefined });
    expect(await listed(em(), Post, 'byStatus', open)).toEqual([]);
    await counted.getRepository(Post).update('sp-1', { status: 'sp-open' });
    await counted.getRepository(Post).update('sp-1', { status: null as never });
    expect(await listed(em(), Post, 'byStatus', open)).toEqual([]);
    await expectExactKeys(em(), Post, 'sp-1');
    expect(sent).toEqual(['UpdateItem', 'UpdateItem', 'UpdateItem', 'UpdateItem']);
  });

  it('part of a composite key reads once; a write racing in between is read again, and the key matches the stored fields', async () => {
    await posts().create({ slug: 'rc-1', authorId: 'rc-ann', createdAt: day(1) });
    await posts().create({ slug: 'rc-2', authorId: 'rc-bob', createdAt: day(5) });
    const racer = () => posts().update('rc-1', { createdAt: day(9) });
    const { em: raced, sent } = watched({ operation: 'UpdateItem', before: racer });
    const updated = await raced.getRepository(Post).update('rc-1', { authorId: 'rc-bob' });
    expect([updated.authorId, updated.createdAt, updated.version]).toEqual(['rc-bob', day(9), 3]);
    // GetItem, UpdateItem refused (the racer moved createdAt; engines without ALL_OLD read it), GetItem, UpdateItem.
    expect(sent.filter((op) => op === 'UpdateItem')).toHaveLength(2);
    expect(sent[0]).toBe('GetItem');
    await expectExactKeys(em(), Post, 'rc-1');
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'rc-bob' } })).toEqual(['rc-2', 'rc-1']);
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'rc-ann' } })).toEqual([]);
  });

  it('request counts: part of a key is GetItem + UpdateItem, every key field one UpdateItem; a stale expectedVersion writes nothing', async () => {
    await posts().create({ slug: 'ct-1', authorId: 'ct-ann', createdAt: day(1) });
    await posts().create({ slug: 'ct-2', authorId: 'ct-bob', createdAt: day(5) });
    const { em: counted, sent } = watched();
    await counted.getRepository(Post).update('ct-1', { createdAt: day(2) });
    expect(sent).toEqual(['GetItem', 'UpdateItem']);
    sent.length = 0;
    const moved = await counted.getRepository(Post).update('ct-1', { authorId: 'ct-bob', createdAt: day(9) }, { expectedVersion: 2 });
    expect(sent).toEqual(['UpdateItem']);
    expect([moved.authorId, moved.createdAt, moved.version]).toEqual(['ct-bob', day(9), 3]);
    await expectExactKeys(em(), Post, 'ct-1');
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'ct-bob' } })).toEqual(['ct-2', 'ct-1']);
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'ct-ann' } })).toEqual([]);
    sent.length = 0;
    const repository = counted.getRepository(Post);
    await expect(repository.update('ct-1', { authorId: 'ct-cat' }, { expectedVersion: 2 })).rejects.toBeInstanceOf(VersionConflictError);
    expect(sent).toEqual(['GetItem']); // part of a key: refused after the read
    sent.length = 0;
    await expect(repository.update('ct-1', { authorId: 'ct-cat', createdAt: day(1) }, { expectedVersion: 2 })).rejects.toMatchObject({
      constructor: VersionConflictError,
      expectedVersion: 2,
      actualVersion: 3,
    });
    expect(sent.filter((op) => op !== 'GetItem')).toEqual(['UpdateItem']); // every key field: refused by the write itself
    expect((await posts().getByStr('ct-1')).authorId).toBe('ct-bob');
    await expectExactKeys(em(), Post, 'ct-1');
  });

  it('increment of an index sort field keeps the order, also when increments race', async () => {
    for (const [name, points] of [['in-a', 10], ['in-b', 20], ['in-c', 30]] as const) await players().create({ name, league: 'in', points });
    const { em: counted, sent } = watched();
    await counted.getRepository(Player).increment('in-a', 'points', 25);
    await counted.getRepository(Player).increment('in-a', 'visits');
    expect(sent).toEqual(['GetItem', 'UpdateItem', 'UpdateItem']);
    expect(await listed(em(), Player, 'byLeague', { league: { S: 'in' } })).toEqual(['in-b', 'in-c', 'in-a']);
    await Promise.all(Array.from({ length: 5 }, () => players().increment('in-b', 'points', 4)));
    expect((await players().getByStr('in-b')).points).toBe(40);
    expect(await listed(em(), Player, 'byLeague', { league: { S: 'in' } })).toEqual(['in-c', 'in-a', 'in-b']);
    await expectExactKeys(em(), Player, 'in-b');
  });

  it('saveMany writes the index keys of every entity', async () => {
    await players().saveMany([
      { name: 'sm-1', league: 'sm', points: 3 },
      { name: 'sm-2', league: 'sm', points: 1 },
      { name: 'sm-3', points: 2 },
    ]);
    expect(await listed(em(), Player, 'byLeague', { league: { S: 'sm' } })).toEqual(['sm-2', 'sm-1']);
    await expectExactKeys(em(), Player, 'sm-3');
  });

  testWhen(transactions, NEEDS, 'tx.update moves the keys: read when queued for part of a key, no read for a whole key', async () => {
    await posts().create({ slug: 'tx-1', authorId: 'tx-ann', createdAt: day(1) });
    await posts().create({ slug: 'tx-2', status: 'tx-draft' });
    await posts().create({ slug: 'tx-3', authorId: 'tx-ann', createdAt: day(3) });
    const { em: counted, sent } = watched();
    await counted.transaction(async (tx) => {
      tx.update(Post, 'tx-1', { authorId: 'tx-bob' });
      tx.update(Post, 'tx-2', { status: 'tx-live' });
      tx.update(Post, 'tx-3', { authorId: 'tx-bob', createdAt: day(0) });
    });
    expect(sent).toEqual(['GetItem', 'TransactWriteItems']);
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'tx-bob' } })).toEqual(['tx-3', 'tx-1']);
    await expectExactKeys(em(), Post, 'tx-3');
    expect(await listed(em(), Post, 'byAuthor', { authorId: { S: 'tx-ann' } })).toEqual([]);
    expect(await listed(em(), Post, 'byStatus', { status: { S: 'tx-live' } })).toEqual(['tx-2']);
    expect(await listed(em(), Post, 'byStatus', { status: { S: 'tx-draft' } })).toEqual([]);
    await expectExactKeys(em(), Post, 'tx-1');
    await expectExactKeys(em(), Post, 'tx-2');
  });

  testWhen(transactions, NEEDS, 'tx.update whose read fields move before the commit is canceled, leaving the keys exact', async () => {
    await posts().create({ slug: 'txr-1', authorId: 'txr-ann', createdAt: day(1) });
    const racer = () => posts().update('txr-1', { createdAt: day(7) });
    const { em: raced } = watched({ operation: 'TransactWriteItems', before: racer });
    const error = await raced.transaction(async (tx) => tx.update(Post, 'txr-1', { authorId: 'txr-bob' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledError);
    expect((error as TransactionCanceledError).failures[0]?.error).toMatchObject({ constructor: VersionConflictError, expectedVersion: 1, actualVersion: 2 });
    const stored = await posts().getByStr('txr-1');
    expect([stored.authorId, stored.createdAt]).toEqual(['txr-ann', day(7)]);
    await expectExactKeys(em(), Post, 'txr-1');
  });

  testWhen(transactions, NEEDS, 'an update of a unique field of an indexed entity moves its guard and its index key together', async () => {
    const members = em().getRepository(Member);
    await members.create({ handle: 'un-1', email: 'b@example.com', team: 'un-red' });
    await members.create({ handle: 'un-2', email: 'c@example.com', team: 'un-red' });
    expect(await listed(em(), Member, 'byTeam', { team: { S: 'un-red' } })).toEqual(['un-1', 'un-2']);
    const updated = await members.update('un-1', { email: 'd@example.com' });
    expect(updated.email).toBe('d@example.com');
    expect(await listed(em(), Member, 'byTeam', { team: { S: 'un-red' } })).toEqual(['un-2', 'un-1']);
    await expectExactKeys(em(), Member, 'un-1');
    await members.update('un-2', { email: 'a@example.com', team: 'un-blue' });
    expect(await listed(em(), Member, 'byTeam', { team: { S: 'un-red' } })).toEqual(['un-1']);
    expect(await listed(em(), Member, 'byTeam', { team: { S: 'un-blue' } })).toEqual(['un-2']);
    await expectExactKeys(em(), Member, 'un-2');
    expect((await members.getByUnique('email', 'a@example.com')).handle).toBe('un-2');
  });
});
