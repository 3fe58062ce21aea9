import type { SentCommand } from '../support/fake-client';
import { awsError, fakeClient } from '../support/fake-client';
import { BaseEntity, EntityManager, Field, Index, InvalidArgumentError, StrId, Table, TableSchemaMismatchError } from '../../src';
import { orderedDouble } from '../../src/keys/index-key';
import { decodeCursor, encodeCursor } from '../../src/keys';
import { getEntityMetadata } from '../../src/metadata';

@Table('article')
@Index('byAuthor', { partition: ['authorId'], sort: ['createdAt'] })
@Index('byStatus', { partition: ['status'], sort: ['publishedAt', 'slug'] })
@Index('keysByAuthor', { partition: ['authorId'], projection: 'keys' })
class Article extends BaseEntity {
  @StrId() slug!: string;
  @Field() authorId!: string;
  @Field() status?: 'draft' | 'published';
  @Field() publishedAt?: Date;
  @Field() title!: string;
  @Field() createdAt: Date = new Date();
}

const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
const END = ' #';
const ADA = `article#byAuthor#ada${END}`;
const JAN1 = new Date(Date.UTC(2024, 0, 1));
const JAN2 = new Date(Date.UTC(2024, 0, 2));

function stored(slug: string, extra: Record<string, unknown> = {}) {
  return {
    PK: { S: `article#${slug}` }, SK: { S: 'article' }, _type: { S: 'article' }, uid: { S: UID }, version: { N: '1' },
    slug: { S: slug }, authorId: { S: 'ada' }, title: { S: `T ${slug}` }, createdAt: { S: JAN1.toISOString() },
    _gsi1pk: { S: ADA }, _gsi1sk: { S: `${orderedDouble(JAN1.getTime())}${END}${UID}` },
    ...extra,
  };
}

function setup(respond?: (command: SentCommand) => unknown) {
  const { client, sent } = fakeClient(respond);
  const em = new EntityManager({ client, tableName: 'app' });
  return { em, articles: em.getRepository(Article), sent };
}

describe('index query requests', () => {
  it('where, filter, select, order and limit: one Query of the GSI, asking one item more than the limit', async () => {
    const { articles, sent } = setup(() => ({ Items: [] }));
    await articles
      .query({
        index: 'byAuthor',
        where: { authorId: 'ada', createdAt: { gte: JAN1 } },
        filter: { status: { eq: 'published' } },
        select: ['title'],
        order: 'desc',
        limit: 20,
      })
      .page();
    expect(sent).toEqual([
      {
        operation: 'Query',
        input: {
          TableName: 'app',
          IndexName: 'gsi1',
          KeyConditionExpression: '#k0 = :k0 AND #k1 >= :k1',
          FilterExpression: '#f0 = :f0',
          ProjectionExpression: '#p0, #p1, #p2, #p3, #p4, #p5, #p6, #p7',
          ExpressionAttributeNames: {
            '#k0': '_gsi1pk', '#k1': '_gsi1sk', '#f0': 'status',
            '#p0': 'PK', '#p1': 'SK', '#p2': 'uid', '#p3': 'version', '#p4': 'slug', '#p5': '_gsi1pk', '#p6': '_gsi1sk', '#p7': 'title',
          },
          ExpressionAttributeValues: {
            ':k0': { S: ADA },
            ':k1': { S: orderedDouble(JAN1.getTime()) + END },
            ':f0': { S: 'published' },
          },
          ScanIndexForward: false,
          Limit: 21,
        },
      },
    ]);
  });

  it('equality on a sort prefix and a range on the next field: BETWEEN exact bounds', async () => {
    const { articles, sent } = setup(() => ({ Items: [] }));
    await articles.query({ index: 'byStatus', where: { status: 'published', publishedAt: { between: [JAN1, JAN2] } } }).toArray();
    expect(sent[0]?.input).toMatchObject({
      IndexName: 'gsi2',
      KeyConditionExpression: '#k0 = :k0 AND #k1 BETWEEN :k1 AND :k2',
      ExpressionAttributeNames: { '#k0': '_gsi2pk', '#k1': '_gsi2sk' },
      ExpressionAttributeValues: {
        ':k0': { S: `article#byStatus#published${END}` },
        ':k1': { S: orderedDouble(JAN1.getTime()) + END },
        ':k2': { S: `${orderedDouble(JAN2.getTime())} $` },
      },
    });
  });

  it('a page cursor resumes with the index key as ExclusiveStartKey', async () => {
    const item = stored('a1');
    const { articles, sent } = setup(() => ({ Items: [item, stored('a2')], LastEvaluatedKey: { PK: item.PK } }));
    const page = await articles.query({ index: 'byAuthor', where: { authorId: 'ada' }, limit: 1 }).page();
    expect(page.items.map((a) => a.slug)).toEqual(['a1']);
    await articles.query({ index: 'byAuthor', where: { authorId: 'ada' }, limit: 1, cursor: page.cursor }).page();
    expect(sent[1]?.input.ExclusiveStartKey).toEqual({ PK: item.PK, SK: item.SK, _gsi1pk: item._gsi1pk, _gsi1sk: item._gsi1sk });
  });

  it('first() asks for one item; with a filter it reads whole pages', async () => {
    const { articles, sent } = setup(() => ({ Items: [stored('a1')] }));
    await expect(articles.query({ index: 'byAuthor', where: { authorId: 'ada' } }).first()).resolves.toMatchObject({ slug: 'a1' });
    await articles.query({ index: 'byAuthor', where: { authorId: 'ada' }, filter: { title: { beginsWith: 'T' } } }).first();
    expect(sent.map((c) => c.input.Limit)).toEqual([1, undefined]);
  });

  it('count sums Select: COUNT pages; count() alone keeps its type-index request', async () => {
    let calls = 0;
    const { articles, sent } = setup(() => (calls++ === 0 ? { Count: 3, LastEvaluatedKey: { PK: { S: 'x' } } } : { Count: 2 }));
    await expect(articles.count({ index: 'byAuthor', where: { authorId: 'ada' }, filter: { status: { exists: true } } })).resolves.toBe(5);
    expect(sent[1]?.input).toEqual({
      TableName: 'app',
      IndexName: 'gsi1',
      KeyConditionExpression: '#k0 = :k0',
      FilterExpression: 'attribute_exists(#f0)',
      ExpressionAttributeNames: { '#k0': '_gsi1pk', '#f0': 'status' },
      ExpressionAttributeValues: { ':k0': { S: ADA } },
      ExclusiveStartKey: { PK: { S: 'x' } },
      Select: 'COUNT',
    });
    await articles.count();
    expect(sent[2]?.input).toEqual({
      TableName: 'app',
      IndexName: 'type-uid-index',
      KeyConditionExpression: '#type = :type',
      ExpressionAttributeNames: { '#type': '_type' },
      ExpressionAttributeValues: { ':type': { S: 'article' } },
      Select: 'COUNT',
    });
  });

  it('a condition no key can meet sends nothing', async () => {
    const { articles, sent } = setup();
    const where = { authorId: 'ada', createdAt: { between: [JAN2, JAN1] as const } };
    await expect(articles.query({ index: 'byAuthor', where }).toArray()).resolves.toEqual([]);
    await expect(articles.query({ index: 'byAuthor', where }).first()).resolves.toBeUndefined();
    await expect(articles.count({ index: 'byAuthor', where })).resolves.toBe(0);
    await expect(articles.count({ createdAfter: JAN2, createdBefore: JAN1 })).resolves.toBe(0);
    expect(sent).toEqual([]);
  });

  it('createdAfter / createdBefore: a uid range on the type index (exclusive bounds, from the UUIDv7 milliseconds)', async () => {
    const { articles, sent } = setup(() => ({ Items: [] }));
    const after = new Date(0x018c_c251_f3ff);
    const before = new Date(0x018c_c251_f500);
    await articles.query({ createdAfter: after, createdBefore: before }).toArray();
    await articles.query({ createdBefore: before, order: 'desc' }).toArray();
    expect(sent[0]?.input).toEqual({
      TableName: 'app',
      IndexName: 'type-uid-index',
      KeyConditionExpression: '#k0 = :k0 AND #k1 BETWEEN :k1 AND :k2',
      ExpressionAttributeNames: { '#k0': '_type', '#k1': 'uid' },
      ExpressionAttributeValues: { ':k0': { S: 'article' }, ':k1': { S: '018cc251-f400' }, ':k2': { S: '018cc251-f500' } },
    });
    expect(sent[1]?.input).toMatchObject({ KeyConditionExpression: '#k0 = :k0 AND #k1 < :k1', ExpressionAttributeValues: { ':k1': { S: '018cc251-f500' } } });
  });

  it('the type listing with filter and select: the type index, a filter and a projection without index keys', async () => {
    const { articles, sent } = setup(() => ({ Items: [] }));
    await articles.query({ filter: { title: { in: ['a', 'b'] } }, select: ['title'] }).toArray();
    expect(sent[0]?.input).toEqual({
      TableName: 'app',
      IndexName: 'type-uid-index',
      KeyConditionExpression: '#k0 = :k0',
      FilterExpression: '#f0 IN (:f0, :f1)',
      ProjectionExpression: '#p0, #p1, #p2, #p3, #p4, #p5',
      ExpressionAttributeNames: { '#k0': '_type', '#f0': 'title', '#p0': 'PK', '#p1': 'SK', '#p2': 'uid', '#p3': 'version', '#p4': 'slug', '#p5': 'title' },
      ExpressionAttributeValues: { ':k0': { S: 'article' }, ':f0': { S: 'a' }, ':f1': { S: 'b' } },
    });
  });

  it('a keys-only index: a Query of the keys, then the entities by key in index order, skipping deleted ones', async () => {
    const keys = (slug: string) => ({ PK: { S: `article#${slug}` }, SK: { S: 'article' }, _gsik1pk: { S: ADA }, _gsik1sk: { S: `${UID}-${slug}` } });
    const { articles, sent } = setup((command) =>
      command.operation === 'Query' ? { Items: [keys('b'), keys('gone'), keys('a')] } : { Responses: { app: [stored('a'), stored('b')] } },
    );
    const found = await articles.query({ index: 'keysByAuthor', where: { authorId: 'ada' } }).toArray();
    expect(found.map((a) => a.slug)).toEqual(['b', 'a']);
    expect(sent.map((c) => c.operation)).toEqual(['Query', 'BatchGetItem']);
    expect(sent[0]?.input).not.toHaveProperty('ProjectionExpression');
    expect(sent[1]?.input).toEqual({
      RequestItems: { app: { Keys: ['b', 'gone', 'a'].map((slug) => ({ PK: { S: `article#${slug}` }, SK: { S: 'article' } })), ConsistentRead: true } },
    });
  });

  it('a count on a keys-only index reads no entity', async () => {
    const { articles, sent } = setup(() => ({ Count: 4 }));
    await expect(articles.count({ index: 'keysByAuthor', where: { authorId: 'ada' } })).resolves.toBe(4);
    expect(sent.map((c) => `${c.operation}:${c.input.Select}`)).toEqual(['Query:COUNT']);
  });

  it('a GSI the table lacks: the error says to run ensureTableExists()', async () => {
    const { articles } = setup(() => {
      throw awsError('ValidationException', { message: 'The table does not have the specified index: gsi1' });
    });
    const query = articles.query({ index: 'byAuthor', where: { authorId: 'ada' } }).toArray();
    await expect(query).rejects.toBeInstanceOf(TableSchemaMismatchError);
    await expect(articles.count({ index: 'byAuthor', where: { authorId: 'ada' } })).rejects.toThrow(/ensureTableExists\(\)/);
  });

  it('an entity read with select is refused by save, delete, saveMany, rename and transactions, before any request', async () => {
    const partialItem = { PK: { S: 'article#a1' }, SK: { S: 'article' }, uid: { S: UID }, version: { N: '1' }, slug: { S: 'a1' }, title: { S: 'T' } };
    const { em, articles, sent } = setup(() => ({ Items: [partialItem] }));
    const [partial] = await articles.query({ index: 'byAuthor', where: { authorId: 'ada' }, select: ['title'] }).toArray();
    const article = partial as Article;
    sent.length = 0;
    await expect(articles.save(article)).rejects.toThrow(/loaded with select/);
    await expect(articles.delete(article)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(articles.saveMany([article])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(articles.deleteMany([article])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(articles.rename(article, 'a9')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(em.transaction((tx) => tx.save(article))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(em.transaction((tx) => tx.delete(article))).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });

  it('a misspelt option, or a listing option given to count, is refused before any request', async () => {
    const { articles, sent } = setup();
    expect(() => articles.query({ index: 'byAuthor', were: { authorId: 'ada' } } as never)).toThrow(/unknown query option "were"/);
    await expect(articles.count({ index: 'byAuthor', where: { authorId: 'ada' }, limit: 5 } as never)).rejects.toThrow(/count\(\) takes index/);
    await expect(articles.count({ select: ['title'] } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });

  it('the Active Record statics take the same options', async () => {
    const { em, sent } = setup(() => ({ Items: [], Count: 0 }));
    Article.useEntityManager(em);
    await Article.query({ index: 'byStatus', where: { status: 'draft' } }).toArray();
    await Article.count({ index: 'byStatus', where: { status: 'draft' } });
    expect(sent.map((c) => `${c.operation}:${String(c.input.IndexName)}:${String(c.input.Select)}`)).toEqual(['Query:gsi2:undefined', 'Query:gsi2:COUNT']);
  });
});

describe('index query cursors', () => {
  const forge = (...parts: string[]) => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
  const meta = () => getEntityMetadata(Article);

  it('round-trip the index, its keys and the str id', () => {
    const position = { index: 'byAuthor', partition: ADA, sort: `x${END}${UID}`, strId: 'a#1' };
    expect(decodeCursor(encodeCursor('indexQuery', position, meta()), meta(), 'indexQuery')).toEqual(position);
  });

  it.each([
    ['an unknown index', forge('nope', ADA, 's', 'a'), /has no index "nope"/],
    ["another type's partition key", forge('byAuthor', `user#byAuthor#ada${END}`, 's', 'a'), /not one of Article/],
    ['a sort key over 1,024 bytes', forge('byAuthor', ADA, 's'.repeat(1025), 'a'), /sort key is not a key/],
    ['a type-listing cursor', forge('a', UID), /another kind of listing/],
  ])('refuse %s', (_, cursor, message) => {
    expect(() => decodeCursor(cursor, meta(), 'indexQuery')).toThrow(message);
  });
});
