import { CreateTableCommand, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager, Field, InvalidArgumentError, StrId, Table } from '../../src';
import { Index } from '../../src/decorators';
import { createTableInput } from '../../src/operations/table-schema';
import type { ReindexProgress } from '../../src/manager/entity-manager';
import { describeEachEngine, testWhen, waitForTableActive } from '../support/engines';

@Table('post')
@Index('byAuthor', { partition: ['authorId'], sort: ['publishedAt'] })
class Post {
  @StrId() id!: string;
  @Field() authorId?: string;
  @Field() publishedAt?: Date;
  @Field() title?: string;
  uid?: string;
  version?: number;
}

const END = ' #';
type Item = Record<string, AttributeValue>;

/** A client that counts operations and may run `before(operation, input)` ahead of forwarding a request. */
function wrappedClient(inner: DynamoDBClient, before?: (operation: string, input: Record<string, unknown>) => Promise<void>) {
  const counts: Record<string, number> = {};
  const sent: Array<{ operation: string; input: Record<string, unknown> }> = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const operation = command.constructor.name.replace(/Command$/, '');
      counts[operation] = (counts[operation] ?? 0) + 1;
      sent.push({ operation, input: command.input });
      await before?.(operation, command.input);
      return inner.send(command as never);
    },
  };
  return { client: client as unknown as DynamoDBClient, counts, sent };
}

describeEachEngine('em.reindex', (engine) => {
  let counter = 0;
  /** A table with every index, holding posts whose index keys were never written (stored before the index existed). */
  async function tableOfUnindexedPosts(count: number) {
    const em = new EntityManager({ client: engine().client, tableName: engine().tableName(`t${(counter += 1)}`) });
    await em.ensureTableExists();
    const posts = em.getRepository(Post);
    for (let i = 0; i < count; i += 1) {
      const authorId = i === count - 1 ? undefined : `author-${i % 2}`;
      await posts.create({ id: `p-${i}`, authorId, publishedAt: new Date(Date.UTC(2026, 0, 10 - i)), title: `t${i}` });
      await stripKeys(em, `p-${i}`);
    }
    return em;
  }
  const key = (id: string) => ({ PK: { S: `post#${id}` }, SK: { S: 'post' } });
  const stripKeys = (em: EntityManager, id: string) =>
    em.client.send(new UpdateItemCommand({ TableName: em.tableName, Key: key(id), UpdateExpression: 'REMOVE #pk, #sk', ExpressionAttributeNames: { '#pk': '_gsi1pk', '#sk': '_gsi1sk' } }));
  const stored = async (em: EntityManager, id: string) => (await em.client.send(new GetItemCommand({ TableName: em.tableName, Key: key(id), ConsistentRead: true }))).Item as Item;
  const byAuthor = async (em: EntityManager, authorId: string) =>
    (
      await em.client.send(
        new QueryCommand({
          TableName: em.tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': '_gsi1pk' },
          ExpressionAttributeValues: { ':pk': { S: `post#byAuthor#${authorId}${END}` } },
        }),
      )
    ).Items?.map((item) => item.id?.S) ?? [];

  it('fills the index from the stored fields, without moving versions or write ids; a second run writes nothing', async () => {
    const em = await tableOfUnindexedPosts(5);
    const before = await stored(em, 'p-0');
    expect(await byAuthor(em, 'author-0')).toEqual([]);
    const result = await em.reindex(Post);
    expect(result).toEqual({ scanned: 5, updated: 4, skipped: [] });
    // Sorted by publishedAt: p-4 is the oldest, but has no author (sparse: not in the index).
    expect(await byAuthor(em, 'author-0')).toEqual(['p-2', 'p-0']);
    expect(await byAuthor(em, 'author-1')).toEqual(['p-3', 'p-1']);
    const after = await stored(em, 'p-0');
    expect([after.version, after._writeId]).toEqual([before.version, before._writeId]);
    expect((await stored(em, 'p-4'))._gsi1pk).toBeUndefined();

    const { client, counts } = wrappedClient(engine().client);
    const again = await new EntityManager({ client, tableName: em.tableName }).reindex(Post);
    expect(again).toEqual({ scanned: 5, updated: 0, skipped: [] });
    expect(counts.UpdateItem ?? 0).toBe(0);
  });

  it('resumes from the cursor of a run stopped after some pages, reporting progress per page', async () => {
    const em = await tableOfUnindexedPosts(5);
    const progress: ReindexProgress[] = [];
    const first = await em.reindex(Post, { pageSize: 2, maxPages: 1, onProgress: (p) => void progress.push(p) });
    expect(first).toMatchObject({ scanned: 2, updated: 2 });
    expect(typeof first.cursor).toBe('string');
    expect(progress).toEqual([first]);
    let { cursor } = first;
    let scanned = first.scanned;
    let updated = first.updated;
    while (cursor) {
      const next = await em.reindex(Post, { pageSize: 2, maxPages: 1, cursor });
      ({ cursor } = next);
      scanned += next.scanned;
      updated += next.updated;
    }
    expect([scanned, updated]).toEqual([5, 4]);
    expect(await byAuthor(em, 'author-1')).toEqual(['p-3', 'p-1']);
  });

  it('a save racing the reindex of its item is not overwritten: the item is read again and left as the save wrote it', async () => {
    const em = await tableOfUnindexedPosts(3);
    let raced = false;
    const { client, sent } = wrappedClient(engine().client, async (operation, input) => {
      if (raced || operation !== 'UpdateItem' || (input.Key as Item).PK?.S !== 'post#p-1') return;
      raced = true;
      const post = await em.getRepository(Post).getByStr('p-1');
      post.authorId = 'author-9';
      await em.getRepository(Post).save(post);
    });
    const result = await new EntityManager({ client, tableName: em.tableName }).reindex(Post);
    expect(raced).toBe(true);
    expect(result).toEqual({ scanned: 3, updated: 1, skipped: [] });
    expect(sent.filter((s) => s.operation === 'GetItem').map((s) => s.input.ConsistentRead)).toEqual([true]);
    const item = await stored(em, 'p-1');
    expect([item.authorId?.S, item.version?.N, item._gsi1pk?.S]).toEqual(['author-9', '2', `post#byAuthor#author-9${END}`]);
    expect(await byAuthor(em, 'author-9')).toEqual(['p-1']);
    expect(await byAuthor(em, 'author-1')).toEqual([]);
  });

  it('an entity deleted while being reindexed stays deleted', async () => {
    const em = await tableOfUnindexedPosts(2);
    const { client } = wrappedClient(engine().client, async (operation, input) => {
      if (operation === 'UpdateItem' && (input.Key as Item).PK?.S === 'post#p-0') await em.getRepository(Post).deleteByStr('p-0');
    });
    const result = await new EntityManager({ client, tableName: em.tableName }).reindex(Post);
    expect(result).toMatchObject({ scanned: 2, updated: 0 });
    expect(await stored(em, 'p-0')).toBeUndefined();
  });

  it('removes index keys no declared index uses, and reports (does not fail on) an entity whose key would be too long', async () => {
    const em = await tableOfUnindexedPosts(2);
    await em.client.send(
      new UpdateItemCommand({ TableName: em.tableName, Key: key('p-0'), UpdateExpression: 'SET #a = :v, #b = :v', ExpressionAttributeNames: { '#a': '_gsi7pk', '#b': '_gsi7sk' }, ExpressionAttributeValues: { ':v': { S: 'post#old#x' } } }),
    );
    const long = { ...(await stored(em, 'p-1')), PK: { S: 'post#long' }, uid: { S: '0193f000-0000-7000-8000-0000000000ff' }, authorId: { S: 'x'.repeat(2100) } };
    await em.client.send(new PutItemCommand({ TableName: em.tableName, Item: long }));
    const result = await em.reindex(Post);
    expect(result.updated).toBe(1);
    expect(result.skipped).toEqual([{ strId: 'long', uid: '0193f000-0000-7000-8000-0000000000ff', problems: [expect.stringMatching(/index byAuthor's partition key \(authorId\) would be 21\d\d bytes; DynamoDB allows 2048/)] }]);
    const p0 = await stored(em, 'p-0');
    expect([p0._gsi7pk, p0._gsi7sk, p0._gsi1pk?.S]).toEqual([undefined, undefined, `post#byAuthor#author-0${END}`]);
  });

  it('refuses a bad cursor or page size before any request', async () => {
    const { client, counts } = wrappedClient(engine().client);
    const em = new EntityManager({ client, tableName: 'never-used' });
    await expect(em.reindex(Post, { cursor: 'nonsense' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(em.reindex(Post, { pageSize: 0 })).rejects.toThrow(/pageSize must be an integer from 1 to 1000, got 0/);
    await expect(em.reindex(Post, { maxPages: 1.5 })).rejects.toThrow(/maxPages must be a positive integer/);
    expect(counts).toEqual({});
  });

  testWhen((c) => c.onlineIndexCreation, 'needs UpdateTable adding a GSI to an existing table', 'the whole migration: a table of the previous layout gets the GSI, then reindex fills it', async () => {
    const tableName = engine().tableName('migration');
    await engine().client.send(new CreateTableCommand(createTableInput(tableName, { billingMode: 'PAY_PER_REQUEST' })));
    await waitForTableActive(engine().client, tableName);
    const em = new EntityManager({ client: engine().client, tableName });
    for (const [id, authorId] of [['m-1', 'ann'], ['m-2', 'ann'], ['m-3', 'bob']] as const) {
      await em.getRepository(Post).create({ id, authorId, publishedAt: new Date(Date.UTC(2026, 1, Number(id.slice(-1)))) });
      await stripKeys(em, id);
    }
    await em.ensureTableExists();
    expect(await byAuthor(em, 'ann')).toEqual([]);
    await expect(em.reindex(Post)).resolves.toEqual({ scanned: 3, updated: 3, skipped: [] });
    expect(await byAuthor(em, 'ann')).toEqual(['m-1', 'm-2']);
    expect(await byAuthor(em, 'bob')).toEqual(['m-3']);
  });
});
