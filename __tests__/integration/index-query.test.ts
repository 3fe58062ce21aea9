import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BaseEntity,
  EntityManager,
  EntityValidationError,
  Field,
  Index,
  InvalidArgumentError,
  StrId,
  Table,
  TableNotFoundError,
  TableSchemaMismatchError,
} from '../../src';
import { createTableInput } from '../../src/operations';
import { describeEachEngine, waitForTableActive } from '../support/engines';
import { useEntityManager } from '../support/tables';

@Table('article')
@Index('byAuthor', { partition: ['authorId'], sort: ['createdAt'] })
@Index('byStatus', { partition: ['status'], sort: ['publishedAt', 'slug'] })
@Index('keysByAuthor', { partition: ['authorId'], sort: ['slug'], projection: 'keys' })
class Article extends BaseEntity {
  @StrId() slug!: string;
  @Field() authorId!: string;
  @Field() status?: 'draft' | 'published';
  @Field() publishedAt?: Date;
  @Field() title!: string;
  @Field() words?: number;
  @Field({ type: () => String }) tags: string[] = [];
  @Field() createdAt: Date = new Date();
}

@Table('reading')
@Index('byValue', { partition: ['sensor'], sort: ['value'] })
@Index('byBig', { partition: ['sensor'], sort: ['big'] })
@Index('byFlag', { partition: ['flag'], sort: ['label'] })
@Index('byLabel', { partition: ['sensor'], sort: ['label'] })
class Reading {
  @StrId() id!: string;
  @Field() sensor?: string;
  @Field() value?: number;
  @Field() big?: bigint;
  @Field() flag?: boolean;
  @Field() label?: string;
}

const DAY = 86_400_000;
const BASE = Date.UTC(2024, 0, 1);
const day = (n: number) => new Date(BASE + n * DAY);
const VALUES = [-1000, -2.5, -1, -0.25, 0, 0.25, 1, 1.5, 10, 1e20];
const BIGS = [-(10n ** 30n), -5n, -1n, 0n, 1n, 7n, 10n ** 30n];
const LABELS = ['', '\u0000', '\u0000a', ' ', '#', '#a', 'a', 'a\u0000', 'a ', 'a!', 'a#', 'ab', 'b'];

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

describeEachEngine('@Index queries', (engine) => {
  const em = useEntityManager(engine);
  const articles = () => em().getRepository(Article);
  const readings = () => em().getRepository(Reading);
  // Active Record statics use this lane's manager.
  beforeEach(() => Article.useEntityManager(em()));

  beforeAll(async () => {
    // ada: a0..a6 created on days 0..6; bob: b0, b1; a sparse draft without a status.
    for (let i = 0; i < 7; i += 1) {
      await articles().create({
        slug: `a${i}`, authorId: 'ada', title: `Ada ${i}`, createdAt: day(i), words: i * 100, tags: i % 2 === 0 ? ['even'] : ['odd'],
        status: i < 5 ? 'published' : 'draft', publishedAt: i < 5 ? day(10 - i) : undefined,
      });
    }
    await articles().create({ slug: 'b0', authorId: 'bob', title: 'Bob 0', createdAt: day(0), status: 'published', publishedAt: day(10) });
    await articles().create({ slug: 'b1', authorId: 'bob', title: 'Bob 1', createdAt: day(1) });
    for (const [i, value] of VALUES.entries()) await readings().create({ id: `v${i}`, sensor: 's', value });
    for (const [i, big] of BIGS.entries()) await readings().create({ id: `g${i}`, sensor: 'g', big });
    for (const [i, label] of LABELS.entries()) await readings().create({ id: `l${i}`, sensor: 'l', label, flag: i % 2 === 0 });
    await readings().create({ id: 'no-sensor', value: 3 });
  });

  const slugs = (list: Array<{ slug: string }>) => list.map((a) => a.slug);
  const ids = (list: Array<{ id: string }>) => list.map((r) => r.id);

  it('lists a partition in sort order, ascending and descending', async () => {
    expect(slugs(await articles().query({ index: 'byAuthor', where: { authorId: 'ada' } }).toArray())).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(slugs(await articles().query({ index: 'byAuthor', where: { authorId: { eq: 'ada' } }, order: 'desc' }).toArray())).toEqual([
      'a6', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0',
    ]);
    const byAuthor = await articles().query({ index: 'byAuthor', where: { authorId: 'bob' } }).toArray();
    expect(byAuthor.every((a) => a instanceof Article)).toBe(true);
    expect(slugs(byAuthor)).toEqual(['b0', 'b1']);
  });

  it.each([
    ['eq', { eq: day(2) }, ['a2']],
    ['lt', { lt: day(2) }, ['a0', 'a1']],
    ['lte', { lte: day(2) }, ['a0', 'a1', 'a2']],
    ['gt', { gt: day(4) }, ['a5', 'a6']],
    ['gte', { gte: day(4) }, ['a4', 'a5', 'a6']],
    ['between', { between: [day(1), day(3)] }, ['a1', 'a2', 'a3']],
    ['between reversed', { between: [day(3), day(1)] }, []],
    ['gte + lt', { gte: day(1), lt: day(3) }, ['a1', 'a2']],
    ['gt + lte', { gt: day(1), lte: day(3) }, ['a2', 'a3']],
    ['gt + lt, nothing between', { gt: day(2), lt: day(3) }, []],
  ] as const)('Date sort field: %s', async (_, createdAt, expected) => {
    const where = { authorId: 'ada', createdAt };
    expect(slugs(await articles().query({ index: 'byAuthor', where }).toArray())).toEqual(expected);
    expect(slugs(await articles().query({ index: 'byAuthor', where, order: 'desc' }).toArray())).toEqual([...expected].reverse());
  });

  it('numbers order as numbers: negatives, decimals, large', async () => {
    const all = await readings().query({ index: 'byValue', where: { sensor: 's' } }).toArray();
    expect(all.map((r) => r.value)).toEqual(VALUES);
    const desc = await readings().query({ index: 'byValue', where: { sensor: 's' }, order: 'desc' }).toArray();
    expect(desc.map((r) => r.value)).toEqual([...VALUES].reverse());
    const range = await readings().query({ index: 'byValue', where: { sensor: 's', value: { between: [-1, 1] } } }).toArray();
    expect(range.map((r) => r.value)).toEqual([-1, -0.25, 0, 0.25, 1]);
    const below = await readings().query({ index: 'byValue', where: { sensor: 's', value: { lt: -0.25 } } }).toArray();
    expect(below.map((r) => r.value)).toEqual([-1000, -2.5, -1]);
    expect(ids(await readings().query({ index: 'byValue', where: { sensor: 's', value: -0 } }).toArray())).toEqual(['v4']);
  });

  it('bigints order as integers', async () => {
    const all = await readings().query({ index: 'byBig', where: { sensor: 'g' } }).toArray();
    expect(all.map((r) => r.big)).toEqual(BIGS);
    const above = await readings().query({ index: 'byBig', where: { sensor: 'g', big: { gt: -1n } }, order: 'desc' }).toArray();
    expect(above.map((r) => r.big)).toEqual([10n ** 30n, 7n, 1n, 0n]);
  });

  it('strings with "\\u0000", spaces, "!" and "#" order by their bytes; beginsWith matches prefixes only', async () => {
    const all = await readings().query({ index: 'byLabel', where: { sensor: 'l' } }).toArray();
    expect(all.map((r) => r.label)).toEqual(LABELS);
    const a = await readings().query({ index: 'byLabel', where: { sensor: 'l', label: { beginsWith: 'a' } } }).toArray();
    expect(a.map((r) => r.label)).toEqual(['a', 'a\u0000', 'a ', 'a!', 'a#', 'ab']);
    const nul = await readings().query({ index: 'byLabel', where: { sensor: 'l', label: { beginsWith: '\u0000' } } }).toArray();
    expect(nul.map((r) => r.label)).toEqual(['\u0000', '\u0000a']);
    const empty = await readings().query({ index: 'byLabel', where: { sensor: 'l', label: '' } }).toArray();
    expect(ids(empty)).toEqual(['l0']);
    const hash = await readings().query({ index: 'byLabel', where: { sensor: 'l', label: { gte: '#' } }, limit: 2 }).toArray();
    expect(hash.map((r) => r.label)).toEqual(['#', '#a']);
  });

  it('booleans as partition values', async () => {
    const even = await readings().query({ index: 'byFlag', where: { flag: true } }).toArray();
    expect(even.map((r) => r.label)).toEqual(LABELS.filter((_, i) => i % 2 === 0));
    await expect(readings().count({ index: 'byFlag', where: { flag: false } })).resolves.toBe(LABELS.filter((_, i) => i % 2 === 1).length);
  });

  it('equality on a sort prefix, then a range on the next sort field', async () => {
    const page = await articles().query({ index: 'byStatus', where: { status: 'published', publishedAt: day(8), slug: { gte: 'a' } } }).toArray();
    expect(slugs(page)).toEqual(['a2']);
    const recent = await articles().query({ index: 'byStatus', where: { status: 'published', publishedAt: { gte: day(9) } } }).toArray();
    expect(slugs(recent)).toEqual(['a1', 'a0', 'b0']);
  });

  it('sparse: an entity without a partition value is not in the index', async () => {
    const drafts = await articles().query({ index: 'byStatus', where: { status: 'draft' } }).toArray();
    expect(slugs(drafts)).toEqual(['a5', 'a6']);
    const all = await readings().query({ index: 'byValue', where: { sensor: 's' } }).toArray();
    expect(ids(all)).not.toContain('no-sensor');
  });

  it.each(['asc', 'desc'] as const)('cursors page through without gaps or repeats (limit 2 over 7, %s)', async (order) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, order, limit: 2, cursor }).page();
      seen.push(...slugs(page.items));
      cursor = page.cursor;
      pages += 1;
    } while (cursor);
    const all = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    expect(seen).toEqual(order === 'asc' ? all : all.reverse());
    expect(pages).toBe(4);
  });

  it('filter: every operator, ANDed', async () => {
    const q = (filter: object) => articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, filter } as never).toArray().then(slugs);
    await expect(q({ status: { eq: 'published' }, words: { gte: 200 } })).resolves.toEqual(['a2', 'a3', 'a4']);
    await expect(q({ status: { ne: 'published' } })).resolves.toEqual(['a5', 'a6']);
    await expect(q({ words: { lt: 100 } })).resolves.toEqual(['a0']);
    await expect(q({ words: { lte: 100 } })).resolves.toEqual(['a0', 'a1']);
    await expect(q({ words: { gt: 500 } })).resolves.toEqual(['a6']);
    await expect(q({ words: { between: [100, 300] } })).resolves.toEqual(['a1', 'a2', 'a3']);
    await expect(q({ title: { beginsWith: 'Ada 1' } })).resolves.toEqual(['a1']);
    await expect(q({ title: { contains: 'a 3' } })).resolves.toEqual(['a3']);
    await expect(q({ tags: { contains: 'odd' } })).resolves.toEqual(['a1', 'a3', 'a5']);
    await expect(q({ publishedAt: { exists: false } })).resolves.toEqual(['a5', 'a6']);
    await expect(q({ publishedAt: { exists: true }, slug: { in: ['a0', 'a4', 'b0'] } })).resolves.toEqual(['a0', 'a4']);
    await expect(q({ publishedAt: { gt: day(8) } })).resolves.toEqual(['a0', 'a1']);
  });

  it('a filtered page still holds `limit` entities and resumes after the last', async () => {
    const filter = { status: { eq: 'published' as const } };
    const first = await articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, filter, limit: 2 }).page();
    const second = await articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, filter, limit: 10, cursor: first.cursor }).page();
    expect(slugs(first.items)).toEqual(['a0', 'a1']);
    expect(slugs(second.items)).toEqual(['a2', 'a3', 'a4']);
  });

  it('select reads some fields; the partial entity cannot be saved or deleted until reloaded', async () => {
    const [article] = await articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, select: ['title'], limit: 1 }).toArray();
    if (!article) throw new Error('expected an article');
    expect(article.title).toBe('Ada 0');
    expect((article as Article).slug).toBe('a0');
    expect((article as Article).authorId).toBeUndefined();
    await expect(articles().save(article as Article)).rejects.toThrow(/loaded with select/);
    await expect(articles().delete(article as Article)).rejects.toThrow(InvalidArgumentError);
    await expect((article as Article).save()).rejects.toThrow(/Reload it/);
    const full = await articles().reload(article as Article);
    expect(full.authorId).toBe('ada');
    await expect(articles().save(full)).resolves.toBe(full);
  });

  it('select pages resume with their cursor', async () => {
    const first = await articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, select: ['slug'], limit: 3 }).page();
    const rest = await articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, select: ['slug'], cursor: first.cursor }).toArray();
    expect([...first.items, ...rest].map((a) => a.slug)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  });

  it('count with index, where and filter', async () => {
    await expect(articles().count()).resolves.toBe(9);
    await expect(articles().count({ index: 'byAuthor', where: { authorId: 'ada' } })).resolves.toBe(7);
    await expect(articles().count({ index: 'byAuthor', where: { authorId: 'ada', createdAt: { lt: day(3) } } })).resolves.toBe(3);
    await expect(articles().count({ index: 'byAuthor', where: { authorId: 'ada' }, filter: { status: { eq: 'draft' } } })).resolves.toBe(2);
    await expect(articles().count({ index: 'keysByAuthor', where: { authorId: 'ada', slug: { beginsWith: 'a' } } })).resolves.toBe(7);
    await expect(Article.count({ index: 'byStatus', where: { status: 'published' } })).resolves.toBe(6);
  });

  it('first() reads one item without a filter, and honours a filter', async () => {
    const { em: counting, sent } = countingManager(em());
    const repo = counting.getRepository(Article);
    const newest = await repo.query({ index: 'byAuthor', where: { authorId: 'ada' }, order: 'desc' }).first();
    expect(newest?.slug).toBe('a6');
    expect(sent).toEqual(['Query']);
    const draft = await repo.query({ index: 'byAuthor', where: { authorId: 'ada' }, filter: { status: { eq: 'draft' } } }).first();
    expect(draft?.slug).toBe('a5');
    await expect(repo.query({ index: 'byAuthor', where: { authorId: 'nobody' } }).first()).resolves.toBeUndefined();
  });

  it('a keys-only index reads the entities by key, in index order, with cursors', async () => {
    const all = await articles().query({ index: 'keysByAuthor', where: { authorId: 'ada' }, order: 'desc' }).toArray();
    expect(slugs(all)).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'a1', 'a0']);
    expect(all[0]?.title).toBe('Ada 6');
    const first = await articles().query({ index: 'keysByAuthor', where: { authorId: 'ada' }, limit: 2 }).page();
    const rest = await articles().query({ index: 'keysByAuthor', where: { authorId: 'ada' }, cursor: first.cursor }).toArray();
    expect([...slugs(first.items), ...slugs(rest)]).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
  });

  it('createdAfter / createdBefore limit the type listing by creation time', async () => {
    const made: Reading[] = [];
    for (const id of ['c1', 'c2', 'c3']) {
      // Apart by a few milliseconds, and from every entity made before: uids carry milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 5));
      made.push(await readings().create({ id: `t-${id}` }));
    }
    const time = (r: Reading) => parseInt((r as unknown as { uid: string }).uid.replace('-', '').slice(0, 12), 16);
    const [t1, t2, t3] = made.map(time) as [number, number, number];
    const listed = (options: object) => readings().query(options as never).toArray().then(ids);
    await expect(listed({ createdAfter: new Date(t1) })).resolves.toEqual(['t-c2', 't-c3']);
    await expect(listed({ createdAfter: new Date(t1 - 1), createdBefore: new Date(t3) })).resolves.toEqual(['t-c1', 't-c2']);
    await expect(listed({ createdAfter: new Date(t1), createdBefore: new Date(t2 + 1), order: 'desc' })).resolves.toEqual(['t-c2']);
    await expect(readings().count({ createdAfter: new Date(t2) })).resolves.toBe(1);
  });

  it('bad input is refused before any request', async () => {
    const { em: counting, sent } = countingManager(em());
    const repo = counting.getRepository(Article);
    const refused: Array<[() => unknown, new (...args: never[]) => Error, RegExp?]> = [
      [() => repo.query({ index: 'nope', where: { authorId: 'ada' } }), InvalidArgumentError, /has no index "nope"/],
      [() => repo.query({ index: 'byStatus', where: { publishedAt: day(1) } }), InvalidArgumentError, /keyed by status, then publishedAt, slug/],
      [() => repo.query({ index: 'byStatus', where: { status: 'draft', slug: 'a' } }), InvalidArgumentError, /not publishedAt/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada', title: 'x' } as never }), InvalidArgumentError, /not a key field/],
      [() => repo.query({ index: 'byStatus', where: { status: 'draft', publishedAt: { gt: day(1) }, slug: 'a' } }), InvalidArgumentError, /range on publishedAt/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada', createdAt: { gte: day(1), gt: day(2) } as never } }), InvalidArgumentError, /a lower bound \(gt, gte\) with an upper bound/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: { gt: 'a' } as never } }), InvalidArgumentError, /partition field/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada', createdAt: new Date(NaN) } }), EntityValidationError],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 42 as never } }), EntityValidationError],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada', createdAt: { beginsWith: '2024' } as never } }), InvalidArgumentError, /beginsWith/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada' }, filter: { colour: { eq: 1 } } as never }), InvalidArgumentError, /colour/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada' }, filter: { words: { in: [] } } }), InvalidArgumentError, /1 to 100/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada' }, filter: { words: { eq: NaN } } }), EntityValidationError],
      [() => repo.query({ index: 'keysByAuthor', where: { authorId: 'ada' }, filter: { words: { eq: 1 } } }), InvalidArgumentError, /keys only/],
      [() => repo.query({ index: 'byAuthor', where: { authorId: 'ada' }, select: ['nope' as never] }), InvalidArgumentError, /select/],
      [() => repo.query({ createdAfter: 'yesterday' as never }), InvalidArgumentError, /valid Date/],
      [() => repo.query({ where: { authorId: 'ada' } }), InvalidArgumentError, /needs an index/],
    ];
    for (const [act, errorClass, message] of refused) {
      let thrown: unknown;
      try {
        await act();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(errorClass);
      if (message) expect((thrown as Error).message).toMatch(message);
    }
    expect(sent).toEqual([]);
  });

  it("another query's cursor is refused before any request", async () => {
    const byAda = await articles().query({ index: 'byAuthor', where: { authorId: 'ada' }, limit: 2 }).page();
    const typeListing = await articles().query({ limit: 2 }).page();
    const { em: counting, sent } = countingManager(em());
    const repo = counting.getRepository(Article);
    const cursor = byAda.cursor as string;
    expect(() => repo.query({ index: 'byAuthor', where: { authorId: 'bob' }, cursor })).toThrow(/another query/);
    expect(() => repo.query({ index: 'byAuthor', where: { authorId: 'ada', createdAt: { gt: day(4) } }, cursor })).toThrow(/another query/);
    expect(() => repo.query({ index: 'keysByAuthor', where: { authorId: 'ada' }, cursor })).toThrow(InvalidArgumentError);
    expect(() => repo.query({ cursor })).toThrow(InvalidArgumentError);
    expect(() => repo.query({ index: 'byAuthor', where: { authorId: 'ada' }, cursor: typeListing.cursor })).toThrow(/another kind of listing/);
    expect(sent).toEqual([]);
  });
});

describeEachEngine('@Index query on a table without its GSI', (engine) => {
  // DynamoDB and dynalite answer ValidationException (-> TableSchemaMismatchError); moto answers
  // ResourceNotFoundException, which is a TableNotFoundError naming the index. Both say what to run.
  it('fails with an error naming the GSI and saying to run ensureTableExists()', async () => {
    const tableName = engine().tableName('no-gsi');
    // The base layout only: the type index, none of the @Index GSIs.
    await engine().client.send(new CreateTableCommand(createTableInput(tableName, { billingMode: 'PAY_PER_REQUEST' })));
    await waitForTableActive(engine().client, tableName);
    const articles = new EntityManager({ client: engine().client, tableName }).getRepository(Article);
    const query = articles.query({ index: 'byAuthor', where: { authorId: 'ada' } }).toArray();
    await expect(query).rejects.toThrow(/gsi1.*ensureTableExists\(\)/);
    await expect(query).rejects.toBeInstanceOf(engine().name === 'moto' ? TableNotFoundError : TableSchemaMismatchError);
    await expect(articles.count({ index: 'byStatus', where: { status: 'draft' } })).rejects.toThrow(/gsi2.*ensureTableExists\(\)/);
  });
});
