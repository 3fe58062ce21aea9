/**
 * The guardrails on each engine: scan() refused without its opt-in (no request), scan's Limit, and
 * maxPages / maxReadUnits on every kind of listing and on count(). A listing stopped and resumed from
 * the error's cursor, again and again, delivers exactly what the unbounded listing does: nothing lost,
 * nothing twice. Posts of 100 KB make DynamoDB's 1 MB pages real.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BaseEntity, EntityManager, Field, Index, ReadLimitExceededError, ScanNotAllowedError, StrId, Table } from '../../src';
import type { EntityIterable } from '../../src';
import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';

@Table('grPost')
@Index('byAuthor', { partition: ['author'], sort: ['rank'] })
@Index('keysByAuthor', { partition: ['author'], sort: ['rank'], projection: 'keys' })
class GrPost extends BaseEntity {
  @StrId() slug!: string;
  @Field() author!: string;
  @Field() rank!: number;
  @Field() body: string = '';
}

@Table('grNote', { parent: () => GrPost })
class GrNote extends BaseEntity {
  @StrId() id!: string;
  @Field() text: string = '';
}

const POSTS = 24;
const NOTES = 9;
const pad = (n: number) => String(n).padStart(3, '0');

interface Sent {
  operation: string;
  input: Record<string, unknown>;
}

/** A manager on the same table whose client records what it sends. */
function recordingManager(em: EntityManager, allowScan?: boolean): { em: EntityManager; sent: Sent[] } {
  const sent: Sent[] = [];
  const real = em.client;
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ operation: command.constructor.name.replace(/Command$/, ''), input: command.input });
      return (real.send as (c: unknown) => Promise<unknown>)(command);
    },
  } as unknown as DynamoDBClient;
  return { em: new EntityManager({ client, tableName: em.tableName, allowScan }), sent };
}

/** Keys of what a listing delivers, resumed from each ReadLimitExceededError until it ends; `stops` counts the errors. */
async function drain<T>(list: (cursor: string | undefined) => EntityIterable<T>, key: (entity: T) => string, mode: 'toArray' | 'iterate') {
  const seen: string[] = [];
  let cursor: string | undefined;
  let stops = 0;
  for (let calls = 0; calls < 500; calls += 1) {
    const listing = list(cursor);
    try {
      if (mode === 'toArray') seen.push(...(await listing.toArray()).map(key));
      else for await (const entity of listing) seen.push(key(entity));
      if (listing.cursor === undefined) return { seen, stops };
      cursor = listing.cursor;
    } catch (error) {
      if (!(error instanceof ReadLimitExceededError)) throw error;
      seen.push(...(error.items as T[]).map(key));
      cursor = error.cursor;
      stops += 1;
    }
  }
  throw new Error(`no end after 500 calls: ${seen.length} seen`);
}

describeEachEngine('guardrails: scans and read limits', (engine) => {
  const em = useEntityManager(engine, 'guardrails');
  const posts = () => em().getRepository(GrPost);
  const notes = () => em().getRepository(GrNote).of('p000');

  beforeAll(async () => {
    const body = 'x'.repeat(100_000);
    for (let i = 0; i < POSTS; i += 1) await posts().create({ slug: `p${pad(i)}`, author: i % 2 === 0 ? 'ada' : 'bob', rank: i, body });
    for (let i = 0; i < NOTES; i += 1) await notes().create({ id: `n${pad(i)}`, text: `note ${i}` });
  });

  it('scan() without allowScan is refused before any request; with it, Limit is the page asked for', async () => {
    const { em: recording, sent } = recordingManager(em());
    expect(() => recording.getRepository(GrPost).scan({ limit: 5 })).toThrow(ScanNotAllowedError);
    expect(sent).toEqual([]);
    const page = await recording.getRepository(GrPost).scan({ allowScan: true, limit: 5 }).page();
    expect(page.items).toHaveLength(5);
    expect(page.cursor).toBeDefined();
    expect(sent[0]).toMatchObject({ operation: 'Scan', input: { Limit: 6 } });
  });

  it("an EntityManager's allowScan lets every scan run, and its pages add up to the table's posts", async () => {
    const { em: open } = recordingManager(em(), true);
    const { seen } = await drain((cursor) => open.getRepository(GrPost).scan({ cursor, limit: 7 }), (p) => p.slug, 'toArray');
    expect([...seen].sort()).toEqual(Array.from({ length: POSTS }, (_, i) => `p${pad(i)}`));
  });

  type List = (cursor: string | undefined, bounds: object) => EntityIterable<GrPost | GrNote>;
  const slug = (p: GrPost | GrNote) => (p as GrPost).slug;
  /** Each listing, and whether its pages must meet the bounds (a keys-only index of 12 keys is one page, where DynamoDB sizes it by its keys). */
  const listings: Array<[string, List, (e: GrPost | GrNote) => string, boolean]> = [
    ['the type listing', (cursor, bounds) => posts().query({ cursor, ...bounds }), slug, true],
    ['a filtered type listing', (cursor, bounds) => posts().query({ cursor, filter: { author: { eq: 'bob' } }, ...bounds }), slug, true],
    ['an index query', (cursor, bounds) => posts().query({ cursor, index: 'byAuthor', where: { author: 'ada' }, ...bounds }), slug, true],
    ['a keys-only index query', (cursor, bounds) => posts().query({ cursor, index: 'keysByAuthor', where: { author: 'bob' }, order: 'desc', ...bounds }), slug, false],
    ['a filtered scoped child listing', (cursor, bounds) => notes().query({ cursor, filter: { text: { in: ['note 1', 'note 4', 'note 7'] } }, ...bounds }), (n) => (n as GrNote).id, true],
    ['a scan', (cursor, bounds) => posts().scan({ cursor, allowScan: true, ...bounds }), slug, true],
  ];

  const bounds: Array<[string, object, 'toArray' | 'iterate']> = [
    ['maxPages: 1', { maxPages: 1 }, 'iterate'],
    ['maxPages: 1, limit: 4', { maxPages: 1, limit: 4 }, 'toArray'],
    ['maxReadUnits: 100', { maxReadUnits: 100 }, 'toArray'],
  ];

  it.each(listings)('%s, stopped by each bound and resumed, delivers the whole listing once, in order', async (_label, list, key, stopped) => {
    const all = (await list(undefined, {}).toArray()).map(key);
    expect(all.length).toBeGreaterThan(2);
    let stops = 0;
    for (const [bound, given, mode] of bounds) {
      const drained = await drain((cursor) => list(cursor, given), key, mode);
      expect({ bound, seen: drained.seen }).toEqual({ bound, seen: all });
      stops += drained.stops;
    }
    if (stopped) expect(stops).toBeGreaterThan(0);
  });

  it('maxPages stops a listing of 1 MB pages at the next page, with what was read', async () => {
    const listing = posts().query({ maxPages: 1 });
    const error = (await listing.toArray().catch((e: unknown) => e)) as ReadLimitExceededError<GrPost>;
    expect(error).toBeInstanceOf(ReadLimitExceededError);
    expect([error.limit, error.pagesRead]).toEqual(['maxPages', 1]);
    // About 1 MB read: eventually consistent, 0.5 unit per 4 KB (moto reports 1 unit per request, whatever it read).
    expect(error.readUnits).toBeGreaterThan(engine().name === 'moto' ? 0 : 100);
    expect(error.readUnitsEstimated).toBe(false);
    expect(error.items.length).toBeGreaterThan(0);
    expect(error.items.length).toBeLessThan(POSTS);
    expect(error.cursor).toBe(listing.cursor);
  });

  it('maxReadUnits asks the engine for consumed capacity and stops once the units read reach it', async () => {
    const { em: recording, sent } = recordingManager(em());
    const error = (await recording.getRepository(GrPost).query({ maxReadUnits: 1 }).toArray().catch((e: unknown) => e)) as ReadLimitExceededError;
    expect([error.limit, error.pagesRead]).toEqual(['maxReadUnits', 1]);
    expect(error.readUnits).toBeGreaterThanOrEqual(1);
    expect(sent.map((c) => c.input.ReturnConsumedCapacity)).toEqual(['TOTAL']);
  });

  it('count() stopped by maxPages carries the count so far; counting on from its cursor adds up', async () => {
    let total = 0;
    let cursor: string | undefined;
    let stops = 0;
    for (;;) {
      try {
        total += await posts().count({ cursor, maxPages: 1 });
        break;
      } catch (error) {
        if (!(error instanceof ReadLimitExceededError)) throw error;
        total += error.count as number;
        cursor = error.cursor;
        stops += 1;
      }
    }
    expect(total).toBe(POSTS);
    await expect(posts().count({ index: 'byAuthor', where: { author: 'ada' }, maxReadUnits: 1000 })).resolves.toBe(POSTS / 2);
    expect(stops).toBeGreaterThan(0);
  });
});
