import { CreateTableCommand, DescribeTableCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BaseEntity, EntityManager, Field, Index, InvalidArgumentError, StrId, Table } from '../../src';
import { createTableInput } from '../../src/operations/table-schema';
import { describeEachEngine, testWhen, waitForTableActive } from '../support/engines';
import { useEntityManager } from '../support/tables';

@Table('article')
@Index('byTag', { partition: ['tag'], sort: ['createdAt'], projection: ['title', 'words'] })
class Article extends BaseEntity {
  @StrId() slug!: string;
  @Field() tag?: string;
  @Field() title?: string;
  @Field() words?: number;
  @Field() body?: string;
  @Field() createdAt?: Date;
}

const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n));
const SEED = [
  { slug: 'r0', tag: 'rust', title: 'Rust 0', words: 100, body: 'body r0', createdAt: day(0) },
  { slug: 'r1', tag: 'rust', title: 'Rust 1', words: 900, body: 'body r1', createdAt: day(1) },
  { slug: 'r2', tag: 'rust', title: 'Rust 2', words: 300, body: 'body r2', createdAt: day(2) },
  { slug: 'r3', tag: 'rust', title: 'Rust 3', words: 1200, body: 'body r3', createdAt: day(3) },
  { slug: 'g0', tag: 'go', title: 'Go 0', words: 50, body: 'body g0', createdAt: day(4) },
  { slug: 'n0', title: 'No tag', words: 10, body: 'body n0', createdAt: day(5) }, // sparse: not in the index
];

/** A manager on the same table whose client counts the requests it sends. */
function countingManager(em: EntityManager): { em: EntityManager; sent: string[] } {
  const sent: string[] = [];
  const real = em.client;
  const client = {
    send: (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name.replace(/Command$/, ''));
      return (real.send as (c: unknown) => Promise<unknown>)(command);
    },
  } as unknown as DynamoDBClient;
  return { em: new EntityManager({ client, tableName: em.tableName }), sent };
}

describeEachEngine('@Index with a field-list projection (INCLUDE)', (engine) => {
  const em = useEntityManager(engine);
  const articles = () => em().getRepository(Article);
  const rust = { index: 'byTag', where: { tag: 'rust' } } as const;

  beforeAll(async () => {
    for (const article of SEED) await articles().create(article);
  });

  it('the table has the GSI of its own, projecting the fields listed, uid, version and the str id', async () => {
    const table = (await engine().client.send(new DescribeTableCommand({ TableName: em().tableName }))).Table;
    const gsi = table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'article.byTag');
    expect(gsi?.Projection?.ProjectionType).toBe('INCLUDE');
    expect([...(gsi?.Projection?.NonKeyAttributes ?? [])].sort()).toEqual(['slug', 'title', 'uid', 'version', 'words']);
    await em().ensureTableExists(); // the table as created fits
  });

  it('with select among the projected fields: the entities come from the index, in one Query, partial', async () => {
    const { em: counted, sent } = countingManager(em());
    const found = await counted.getRepository(Article).query({ ...rust, select: ['title', 'words'], order: 'desc' }).toArray();
    expect(found.map((a) => [(a as Article).slug, a.title, a.words])).toEqual([['r3', 'Rust 3', 1200], ['r2', 'Rust 2', 300], ['r1', 'Rust 1', 900], ['r0', 'Rust 0', 100]]);
    expect(found.every((a) => (a as Article).body === undefined && typeof (a as Article).uid === 'string' && (a as Article).version === 1)).toBe(true);
    expect(sent).toEqual(['Query']);
    await expect(counted.getRepository(Article).save(found[0] as Article)).rejects.toThrow(/loaded with select/);
  });

  it('without select: whole entities, read by key after the Query of the index', async () => {
    const { em: counted, sent } = countingManager(em());
    const found = await counted.getRepository(Article).query(rust).toArray();
    expect(found.map((a) => [a.slug, a.body])).toEqual([['r0', 'body r0'], ['r1', 'body r1'], ['r2', 'body r2'], ['r3', 'body r3']]);
    expect(sent).toEqual(['Query', 'BatchGetItem']);
    found[0]!.body = 'edited';
    await counted.getRepository(Article).save(found[0]!); // whole: saving is allowed
    await expect(articles().getByStr('r0')).resolves.toMatchObject({ body: 'edited', version: 2 });
  });

  it('pages with a cursor, and filters on a projected field', async () => {
    const first = await articles().query({ ...rust, limit: 2 }).page();
    const next = await articles().query({ ...rust, limit: 2, cursor: first.cursor }).page();
    expect([...first.items, ...next.items].map((a) => a.slug)).toEqual(['r0', 'r1', 'r2', 'r3']);
    const long = await articles().query({ ...rust, filter: { words: { gte: 300 } }, select: ['title'] }).toArray();
    expect(long.map((a) => a.title)).toEqual(['Rust 1', 'Rust 2', 'Rust 3']);
    const wholeLong = await articles().query({ ...rust, filter: { words: { gte: 1000 } } }).toArray();
    expect(wholeLong.map((a) => [a.slug, a.body])).toEqual([['r3', 'body r3']]);
  });

  it('count, with and without a filter', async () => {
    await expect(articles().count(rust)).resolves.toBe(4);
    await expect(articles().count({ index: 'byTag', where: { tag: 'go' } })).resolves.toBe(1);
    await expect(articles().count({ ...rust, filter: { words: { lt: 500 } } })).resolves.toBe(2);
  });

  it('select or filter on a field the index does not copy: InvalidArgumentError, no request', async () => {
    const { em: counted, sent } = countingManager(em());
    const repo = counted.getRepository(Article);
    expect(() => repo.query({ ...rust, select: ['title', 'body'] })).toThrow(InvalidArgumentError);
    expect(() => repo.query({ ...rust, select: ['body'] })).toThrow(/copies only title, words, uid, version, slug .*select cannot use body/);
    expect(() => repo.query({ ...rust, filter: { body: { exists: true } } })).toThrow(/filter cannot use body/);
    await expect(repo.count({ ...rust, filter: { body: { exists: true } } })).rejects.toThrow(InvalidArgumentError);
    expect(sent).toEqual([]);
  });

  testWhen((c) => c.onlineIndexCreation, 'needs UpdateTable adding a GSI to an existing table', 'added to a live table: ensureTableExists() creates the INCLUDE GSI, reindex fills it', async () => {
    const tableName = engine().tableName('live');
    await engine().client.send(new CreateTableCommand(createTableInput(tableName, { billingMode: 'PAY_PER_REQUEST' })));
    await waitForTableActive(engine().client, tableName);
    const live = new EntityManager({ client: engine().client, tableName });
    // Stored before the index existed: no keys of it.
    for (const article of SEED.slice(0, 3)) {
      await live.getRepository(Article).create(article);
      await engine().client.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: { PK: { S: `article#${article.slug}` }, SK: { S: 'article' } },
          UpdateExpression: 'REMOVE #pk, #sk',
          ExpressionAttributeNames: { '#pk': '_gsi.article.byTag.pk', '#sk': '_gsi.article.byTag.sk' },
        }),
      );
    }
    await live.ensureTableExists();
    const gsi = (await engine().client.send(new DescribeTableCommand({ TableName: tableName }))).Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === 'article.byTag');
    expect([gsi?.IndexStatus, gsi?.Projection?.ProjectionType, [...(gsi?.Projection?.NonKeyAttributes ?? [])].sort()]).toEqual(['ACTIVE', 'INCLUDE', ['slug', 'title', 'uid', 'version', 'words']]);
    const repo = live.getRepository(Article);
    expect(await repo.query(rust).toArray()).toEqual([]);
    await expect(live.reindex(Article)).resolves.toEqual({ scanned: 3, updated: 3, skipped: [] });
    expect((await repo.query({ ...rust, select: ['title'] }).toArray()).map((a) => a.title)).toEqual(['Rust 0', 'Rust 1', 'Rust 2']);
    expect((await repo.query(rust).toArray()).map((a) => a.body)).toEqual(['body r0', 'body r1', 'body r2']);
    await expect(live.reindex(Article)).resolves.toEqual({ scanned: 3, updated: 0, skipped: [] });
  });
});
