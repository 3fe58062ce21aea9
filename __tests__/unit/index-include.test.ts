import 'reflect-metadata';
import type { GlobalSecondaryIndexDescription, TableDescription } from '@aws-sdk/client-dynamodb';
import { BaseEntity, EntityManager, Field, getEntityMetadata, Index, InvalidArgumentError, StrId, Table } from '../../src';
import { tableLayoutOfEntities } from '../../src/metadata/table-layout';
import type { IndexLayout } from '../../src/metadata/table-layout';
import { recordedIndexOf } from '../../src/operations/layout-record';
import { reindexKeyChanges } from '../../src/operations/reindex-commands';
import { addIndexInput, createTableInput, tableConflicts } from '../../src/operations/table-schema';
import { fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';

@Table('article')
@Index('byAuthor', { partition: ['authorId'] })
@Index('byTag', { partition: ['tag'], sort: ['createdAt'], projection: ['title', 'words'] })
class Article extends BaseEntity {
  @StrId() slug!: string;
  @Field() authorId?: string;
  @Field() tag?: string;
  @Field() title?: string;
  @Field() words?: number;
  @Field() body?: string;
  @Field() createdAt?: Date;
}

const END = ' #';
const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
const RUST = `article#byTag#rust${END}`;
const INCLUDE = { ProjectionType: 'INCLUDE', NonKeyAttributes: ['title', 'words', 'uid', 'version', 'slug'] };
const KEY_SCHEMA = [
  { AttributeName: '_gsi.article.byTag.pk', KeyType: 'HASH' },
  { AttributeName: '_gsi.article.byTag.sk', KeyType: 'RANGE' },
];

const byTagLayout = () => tableLayoutOfEntities().indexes.find((i) => i.name === 'article.byTag') as IndexLayout;

/** A table with the type index only, as an earlier version created it. */
function previousTable(): TableDescription {
  const input = createTableInput('app', { billingMode: 'PAY_PER_REQUEST' });
  return {
    TableName: 'app',
    TableStatus: 'ACTIVE',
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    KeySchema: input.KeySchema,
    AttributeDefinitions: input.AttributeDefinitions,
    GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.map((i) => ({ ...i, IndexStatus: 'ACTIVE' })) as GlobalSecondaryIndexDescription[],
  };
}

describe('a field-list index: table setup', () => {
  it('CreateTable: the GSI of its own with INCLUDE of the fields, uid, version and the str id', () => {
    expect(createTableInput('app', { billingMode: 'PAY_PER_REQUEST' }, tableLayoutOfEntities())).toEqual({
      TableName: 'app',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: '_type', AttributeType: 'S' },
        { AttributeName: 'uid', AttributeType: 'S' },
        { AttributeName: '_gsi1pk', AttributeType: 'S' },
        { AttributeName: '_gsi1sk', AttributeType: 'S' },
        { AttributeName: '_gsi.article.byTag.pk', AttributeType: 'S' },
        { AttributeName: '_gsi.article.byTag.sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'type-uid-index',
          KeySchema: [
            { AttributeName: '_type', KeyType: 'HASH' },
            { AttributeName: 'uid', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: '_gsi1pk', KeyType: 'HASH' },
            { AttributeName: '_gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        { IndexName: 'article.byTag', KeySchema: KEY_SCHEMA, Projection: INCLUDE },
      ],
    });
  });

  it('UpdateTable adding it to a live table: its keys defined, INCLUDE with the non-key attributes', () => {
    expect(addIndexInput(previousTable(), byTagLayout())).toEqual({
      TableName: 'app',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: '_type', AttributeType: 'S' },
        { AttributeName: 'uid', AttributeType: 'S' },
        { AttributeName: '_gsi.article.byTag.pk', AttributeType: 'S' },
        { AttributeName: '_gsi.article.byTag.sk', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: 'article.byTag', KeySchema: KEY_SCHEMA, Projection: INCLUDE } }],
    });
  });

  it('the same attributes in another order fit; another list is a mismatch naming both lists and the fix', () => {
    const tableWith = (projection: GlobalSecondaryIndexDescription['Projection']): TableDescription => {
      const table = previousTable();
      table.GlobalSecondaryIndexes?.push({ IndexName: 'article.byTag', KeySchema: KEY_SCHEMA as never, Projection: projection, IndexStatus: 'ACTIVE' });
      table.AttributeDefinitions?.push({ AttributeName: '_gsi.article.byTag.pk', AttributeType: 'S' }, { AttributeName: '_gsi.article.byTag.sk', AttributeType: 'S' });
      return table;
    };
    const layout = tableLayoutOfEntities();
    expect(tableConflicts(tableWith({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['slug', 'version', 'uid', 'words', 'title'] }), layout)).toEqual([]);
    expect(tableConflicts(tableWith({ ProjectionType: 'INCLUDE', NonKeyAttributes: ['title', 'uid', 'version', 'slug'] }), layout)).toEqual([
      'index article.byTag projects [slug, title, uid, version], expected [slug, title, uid, version, words]; ' +
        "a GSI's projection cannot change: a changed projection is a new index (give the @Index a new name, then run em.reindex() on its entity)",
    ]);
    expect(tableConflicts(tableWith({ ProjectionType: 'ALL' }), layout)).toEqual(['index article.byTag projects ALL, expected INCLUDE']);
  });

  it('the layout record holds the field list, sorted, so a changed list is caught there too', () => {
    const byTag = getEntityMetadata(Article).indexes.find((i) => i.name === 'byTag')!;
    expect(recordedIndexOf(byTag)).toEqual({
      gsi: 'article.byTag',
      key: 'partition [tag:string]; sort [createdAt:date]; projection include [slug, title, uid, version, words]',
    });
  });
});

describe('a field-list index: reindex', () => {
  it('writes its keys, and removes the keys of a field-list index no longer declared', () => {
    const item = {
      PK: { S: 'article#a' }, SK: { S: 'article' }, _type: { S: 'article' }, uid: { S: UID }, version: { N: '1' }, tag: { S: 'rust' },
      _gsi1pk: { S: 'stale' }, '_gsi.article.byOldTag.pk': { S: 'x' }, '_gsi.article.byOldTag.sk': { S: 'y' },
    };
    expect(reindexKeyChanges(getEntityMetadata(Article), item)).toEqual({
      set: { '_gsi.article.byTag.pk': { S: RUST }, '_gsi.article.byTag.sk': { S: ' !' } },
      remove: ['_gsi1pk', '_gsi.article.byOldTag.pk', '_gsi.article.byOldTag.sk'],
      problems: [],
    });
  });
});

function stored(slug: string) {
  return {
    PK: { S: `article#${slug}` }, SK: { S: 'article' }, _type: { S: 'article' }, uid: { S: UID }, version: { N: '2' },
    slug: { S: slug }, tag: { S: 'rust' }, title: { S: `T ${slug}` }, words: { N: '10' }, body: { S: 'long' },
  };
}
const indexItem = (slug: string) => ({
  PK: { S: `article#${slug}` }, SK: { S: 'article' }, '_gsi.article.byTag.pk': { S: RUST }, '_gsi.article.byTag.sk': { S: ` !` },
});

function setup(respond?: (command: SentCommand) => unknown) {
  const { client, sent } = fakeClient(respond);
  return { articles: new EntityManager({ client, tableName: 'app' }).getRepository(Article), sent };
}

describe('a field-list index: queries', () => {
  it('with select among the projected fields: one Query of its GSI, partial entities from the index', async () => {
    const { articles, sent } = setup(() => ({ Items: [{ ...indexItem('a'), uid: { S: UID }, version: { N: '2' }, slug: { S: 'a' }, title: { S: 'T a' } }] }));
    const found = await articles.query({ index: 'byTag', where: { tag: 'rust' }, filter: { words: { gte: 5 } }, select: ['title'], limit: 10 }).toArray();
    expect(sent).toEqual([
      {
        operation: 'Query',
        input: {
          TableName: 'app',
          IndexName: 'article.byTag',
          KeyConditionExpression: '#k0 = :k0',
          FilterExpression: '#f0 >= :f0',
          ProjectionExpression: '#p0, #p1, #p2, #p3, #p4, #p5, #p6, #p7',
          ExpressionAttributeNames: {
            '#k0': '_gsi.article.byTag.pk', '#f0': 'words',
            '#p0': 'PK', '#p1': 'SK', '#p2': 'uid', '#p3': 'version', '#p4': 'slug', '#p5': '_gsi.article.byTag.pk', '#p6': '_gsi.article.byTag.sk', '#p7': 'title',
          },
          ExpressionAttributeValues: { ':k0': { S: RUST }, ':f0': { N: '5' } },
          Limit: 11,
        },
      },
    ]);
    expect(found).toEqual([expect.objectContaining({ slug: 'a', title: 'T a', uid: UID, version: 2 })]);
    await expect(articles.save(found[0] as Article)).rejects.toThrow(/loaded with select/);
  });

  it('without select: a Query of the keys, then the whole entities by key, in index order, skipping deleted ones', async () => {
    const { articles, sent } = setup((command) =>
      command.operation === 'Query' ? { Items: [indexItem('b'), indexItem('gone'), indexItem('a')] } : { Responses: { app: [stored('a'), stored('b')] } },
    );
    const found = await articles.query({ index: 'byTag', where: { tag: 'rust' }, filter: { title: { beginsWith: 'T' } } }).toArray();
    expect(found.map((a) => [a.slug, a.body])).toEqual([['b', 'long'], ['a', 'long']]);
    expect(sent).toEqual([
      {
        operation: 'Query',
        input: {
          TableName: 'app',
          IndexName: 'article.byTag',
          KeyConditionExpression: '#k0 = :k0',
          FilterExpression: 'begins_with(#f0, :f0)',
          ProjectionExpression: '#p0, #p1, #p2, #p3',
          ExpressionAttributeNames: { '#k0': '_gsi.article.byTag.pk', '#f0': 'title', '#p0': 'PK', '#p1': 'SK', '#p2': '_gsi.article.byTag.pk', '#p3': '_gsi.article.byTag.sk' },
          ExpressionAttributeValues: { ':k0': { S: RUST }, ':f0': { S: 'T' } },
        },
      },
      {
        operation: 'BatchGetItem',
        input: {
          RequestItems: {
            app: {
              Keys: ['b', 'gone', 'a'].map((slug) => ({ PK: { S: `article#${slug}` }, SK: { S: 'article' } })),
              ConsistentRead: true,
            },
          },
        },
      },
    ]);
    await articles.save(found[0] as Article); // whole entities: not partial
  });

  it('count: Select COUNT on its GSI, with a filter on a projected field', async () => {
    const { articles, sent } = setup(() => ({ Count: 3 }));
    await expect(articles.count({ index: 'byTag', where: { tag: 'rust' }, filter: { words: { lt: 100 } } })).resolves.toBe(3);
    expect(sent.map((c) => c.input)).toEqual([
      {
        TableName: 'app',
        IndexName: 'article.byTag',
        KeyConditionExpression: '#k0 = :k0',
        FilterExpression: '#f0 < :f0',
        ExpressionAttributeNames: { '#k0': '_gsi.article.byTag.pk', '#f0': 'words' },
        ExpressionAttributeValues: { ':k0': { S: RUST }, ':f0': { N: '100' } },
        Select: 'COUNT',
      },
    ]);
  });

  it('select or filter on a field the index does not copy: InvalidArgumentError naming the projected fields, before any request', async () => {
    const { articles, sent } = setup();
    // query() checks its options when called; count() rejects.
    const selectBody = () => articles.query({ index: 'byTag', where: { tag: 'rust' }, select: ['title', 'body'] });
    expect(selectBody).toThrow(InvalidArgumentError);
    expect(selectBody).toThrow(
      /^Article index byTag copies only title, words, uid, version, slug \(its projection\), so select cannot use body; select projected fields, or omit select/,
    );
    expect(() => articles.query({ index: 'byTag', where: { tag: 'rust' }, filter: { body: { exists: true } } })).toThrow(/so filter cannot use body; filter on projected fields/);
    await expect(articles.count({ index: 'byTag', where: { tag: 'rust' }, filter: { authorId: { eq: 'x' } } })).rejects.toThrow(/filter cannot use authorId/);
    expect(() => articles.query({ index: 'byTag', where: { tag: 'rust' }, select: ['nope' as 'title'] })).toThrow(/nope is not a @Field\(\) of Article/);
    expect(sent).toEqual([]);
  });
});
