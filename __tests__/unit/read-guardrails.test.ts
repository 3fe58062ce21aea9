/**
 * Guardrails of the listings, against a fake table that pages like DynamoDB: scan() needs an opt-in
 * and sends Limit; maxPages / maxReadUnits stop a listing or count before a page past them, with a
 * cursor that resumes exactly after the last entity delivered.
 */
import fc from 'fast-check';
import { BaseEntity, EntityManager, InvalidArgumentError, ReadLimitExceededError, ScanNotAllowedError, isDynamoSingleTableError } from '../../src';
import type { EntityIterable } from '../../src';
import { decodeScanCursor } from '../../src/manager/actions/table-scan';
import { getEntityMetadata } from '../../src/metadata';
import { fakeClient } from '../support/fake-client';
import { groupItem, listingTable, userItem } from '../support/fake-listing-table';
import { User } from '../fixtures/entities';

const names = (users: readonly User[]) => users.map((u) => u.username);
const usernames = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `u${String(from + i).padStart(4, '0')}`);

/** n users with `gap` items of another type before each, in scan order. */
function sparseTable(users: number, gap: number) {
  const items = [];
  for (let i = 0; i < users; i += 1) {
    for (let g = 0; g < gap; g += 1) items.push(groupItem(i * gap + g));
    items.push(userItem(i));
  }
  return items;
}

/** Every entity a listing delivers, resumed from each ReadLimitExceededError's cursor until it ends. */
async function drain(list: (cursor: string | undefined) => EntityIterable<User>, mode: 'toArray' | 'iterate'): Promise<{ seen: string[]; stops: number }> {
  const seen: string[] = [];
  let cursor: string | undefined;
  let stops = 0;
  for (;;) {
    const iterable = list(cursor);
    try {
      if (mode === 'toArray') seen.push(...names(await iterable.toArray()));
      else for await (const user of iterable) seen.push(user.username);
      if (iterable.cursor === undefined) return { seen, stops };
      cursor = iterable.cursor;
    } catch (error) {
      if (!(error instanceof ReadLimitExceededError)) throw error;
      seen.push(...names(error.items as User[]));
      expect(error.cursor).toBe(iterable.cursor);
      cursor = error.cursor;
      stops += 1;
    }
    if (stops > 10_000) throw new Error('no progress');
  }
}

describe('scan() needs an opt-in', () => {
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it('is refused before any request, saying what it would read and what to use instead', () => {
    const { em, sent } = listingTable([userItem(1)]);
    const error = refusal(() => em.getRepository(User).scan({ limit: 5 }));
    expect(error).toBeInstanceOf(ScanNotAllowedError);
    expect(isDynamoSingleTableError(error, 'SCAN_NOT_ALLOWED')).toBe(true);
    const { summary, hint, entity, tableName } = error as ScanNotAllowedError;
    expect(summary).toBe('User.scan() was refused: a Scan reads (and bills) every item of every type in table "app" to keep the User items. Nothing was read.');
    expect(hint).toContain('query()');
    expect(hint).toContain('query({ index, where })');
    expect(hint).toContain('getWith()');
    expect(hint).toContain('allowScan: true');
    expect([entity, tableName]).toEqual(['User', 'app']);
    expect(sent).toEqual([]);
  });

  it('is refused through Active Record too, and by allowScan: false on the call over the manager\'s true', () => {
    const { em, sent } = listingTable([userItem(1)], { manager: { allowScan: true } });
    const { em: strict } = listingTable([userItem(1)]);
    User.useEntityManager(strict);
    try {
      expect(refusal(() => User.scan())).toBeInstanceOf(ScanNotAllowedError);
    } finally {
      BaseEntity.useEntityManager(em);
      User.useEntityManager(em);
    }
    expect(refusal(() => em.getRepository(User).scan({ allowScan: false }))).toBeInstanceOf(ScanNotAllowedError);
    expect(sent).toEqual([]);
  });

  it('runs with allowScan on the call or on the EntityManager', async () => {
    const perCall = listingTable([userItem(1), groupItem(1)]);
    await expect(perCall.em.getRepository(User).scan({ allowScan: true }).toArray().then(names)).resolves.toEqual(['u0001']);
    const managed = listingTable([userItem(1), groupItem(1)], { manager: { allowScan: true } });
    await expect(managed.em.getRepository(User).scan().toArray().then(names)).resolves.toEqual(['u0001']);
    expect([perCall.sent.length, managed.sent.length]).toEqual([1, 1]);
  });

  it('refuses an allowScan that is not a boolean, on the call and on the EntityManager', () => {
    const { em, sent } = listingTable([]);
    expect(refusal(() => em.getRepository(User).scan({ allowScan: 'yes' as never }))).toBeInstanceOf(InvalidArgumentError);
    const { client } = fakeClient();
    expect(() => new EntityManager({ client, tableName: 'app', allowScan: 1 as never })).toThrow(/allowScan must be true or false/);
    expect(sent).toEqual([]);
  });
});

describe('scan() sends Limit', () => {
  it('asks for limit + 1 items read, and no more while the page fills', async () => {
    const { em, sent } = listingTable(sparseTable(30, 0));
    const page = await em.getRepository(User).scan({ allowScan: true, limit: 25 }).page();
    expect(names(page.items)).toEqual(usernames(0, 25));
    expect(page.cursor).toBeDefined();
    expect(sent.map((c) => [c.operation, c.input.Limit])).toEqual([['Scan', 26]]);
  });

  it('reads on while other types fill the pages, asking each time for what is missing', async () => {
    const { em, sent } = listingTable(sparseTable(10, 2));
    const page = await em.getRepository(User).scan({ allowScan: true, limit: 3 }).page();
    expect(names(page.items)).toEqual(usernames(0, 3));
    // g g u0 g | g u1 g | g u2: each Limit one more than still wanted, never a whole 1 MB page.
    expect(sent.map((c) => c.input.Limit)).toEqual([4, 3, 2]);
    expect(page.cursor).toBeDefined();
  });

  it('a page that ends at the limit keeps the cursor (more may pass the filter), and reads on from its end', async () => {
    const exact = listingTable(sparseTable(3, 2), { manager: { allowScan: true } });
    const all = await exact.em.getRepository(User).scan({ limit: 3 }).page();
    expect(names(all.items)).toEqual(usernames(0, 3));
    exact.sent.length = 0;
    const after = await exact.em.getRepository(User).scan({ cursor: all.cursor }).page();
    expect([after.items, after.cursor]).toEqual([[], undefined]);
    expect(exact.sent.map((c) => c.input.ExclusiveStartKey)).toEqual([{ PK: { S: 'user#u0002' }, SK: { S: 'user' } }]);
    const more = listingTable([...sparseTable(3, 2), ...[7, 8, 9].map(groupItem), userItem(9)], { manager: { allowScan: true } });
    const first = await more.em.getRepository(User).scan({ limit: 3 }).page();
    const rest = await more.em.getRepository(User).scan({ cursor: first.cursor }).page();
    expect([names(rest.items), rest.cursor]).toEqual([['u0009'], undefined]);
  });

  it('an extra entity in the page sets the cursor after the last one delivered, not after the page', async () => {
    const { em, sent } = listingTable([userItem(0), userItem(1), groupItem(0)], { manager: { allowScan: true } });
    const first = await em.getRepository(User).scan({ limit: 1 }).page();
    sent.length = 0;
    const rest = await em.getRepository(User).scan({ cursor: first.cursor }).page();
    expect(sent[0]?.input.ExclusiveStartKey).toEqual({ PK: { S: 'user#u0000' }, SK: { S: 'user' } });
    expect([names(first.items), names(rest.items), rest.cursor]).toEqual([['u0000'], ['u0001'], undefined]);
  });

  it('keeps the scan cursor apart from the query cursor, both ways, before any request', async () => {
    const { em, sent } = listingTable(sparseTable(3, 0), { manager: { allowScan: true } });
    const users = em.getRepository(User);
    const scanCursor = (await users.scan({ limit: 1 }).page()).cursor as string;
    const queryCursor = (await users.query({ limit: 1 }).page()).cursor as string;
    sent.length = 0;
    expect(() => users.query({ cursor: scanCursor })).toThrow(InvalidArgumentError);
    expect(() => users.scan({ cursor: queryCursor })).toThrow(/Invalid cursor for User: it belongs to another kind of listing\. Pass back the cursor a scan\(\) of User returned/);
    expect(decodeScanCursor(scanCursor, getEntityMetadata(User))).toEqual({ PK: { S: 'user#u0000' }, SK: { S: 'user' } });
    expect(sent).toEqual([]);
  });
});

describe('maxPages and maxReadUnits', () => {
  it('are checked before any request: positive integers and positive numbers', async () => {
    const { em, sent } = listingTable([userItem(1)], { manager: { allowScan: true } });
    const users = em.getRepository(User);
    for (const maxPages of [0, -1, 1.5, '2', Number.NaN]) {
      expect(() => users.query({ maxPages: maxPages as number })).toThrow(/maxPages must be a positive integer/);
      expect(() => users.scan({ maxPages: maxPages as number })).toThrow(/maxPages must be a positive integer/);
      await expect(users.count({ maxPages: maxPages as number })).rejects.toThrow(/maxPages must be a positive integer/);
    }
    for (const maxReadUnits of [0, -0.5, Number.NaN, Infinity, '1']) {
      expect(() => users.query({ maxReadUnits: maxReadUnits as number })).toThrow(/maxReadUnits must be a positive number/);
      await expect(users.count({ maxReadUnits: maxReadUnits as number })).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(sent).toEqual([]);
  });

  it('maxPages: the pages allowed are read, the next is not; the error carries the cursor and what was read', async () => {
    const { em, sent } = listingTable(sparseTable(10, 0), { pageItems: 3 });
    const listing = em.getRepository(User).query({ maxPages: 2 });
    const error = await listing.toArray().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadLimitExceededError);
    const stop = error as ReadLimitExceededError<User>;
    expect([stop.code, stop.limit, stop.max, stop.pagesRead, stop.count]).toEqual(['READ_LIMIT_EXCEEDED', 'maxPages', 2, 2, undefined]);
    expect(names(stop.items as User[])).toEqual(usernames(0, 6));
    expect(stop.summary).toBe('User query() stopped at maxPages 2: 2 page(s) and 1 (estimated) read unit(s) read, and more remain.');
    expect(stop.hint).toContain('error.cursor');
    expect(sent).toHaveLength(2);
    const rest = await em.getRepository(User).query({ cursor: stop.cursor }).toArray();
    expect(names(rest)).toEqual(usernames(6, 10));
  });

  it('a for-await loop gets the entities as they come, then the error; the iterable keeps the cursor', async () => {
    const { em } = listingTable(sparseTable(10, 0), { pageItems: 4 });
    const listing = em.getRepository(User).query({ maxPages: 1 });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const user of listing) seen.push(user.username);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(usernames(0, 4));
    expect((error as ReadLimitExceededError).items).toEqual([]);
    expect((error as ReadLimitExceededError).cursor).toBe(listing.cursor);
  });

  it('a listing that ends within the bounds throws nothing, and a limit reached in the last page allowed neither', async () => {
    const { em } = listingTable(sparseTable(5, 0), { pageItems: 3 });
    await expect(em.getRepository(User).query({ maxPages: 2 }).toArray().then(names)).resolves.toEqual(usernames(0, 5));
    const page = await em.getRepository(User).query({ maxPages: 1, limit: 2 }).page();
    expect([names(page.items), page.cursor !== undefined]).toEqual([usernames(0, 2), true]);
  });

  it('maxReadUnits: the units DynamoDB reports are summed, and asked for only when bounded', async () => {
    const { em, sent } = listingTable(sparseTable(10, 0), { pageItems: 2, unitsPerPage: 2 });
    const error = (await em.getRepository(User).query({ maxReadUnits: 3 }).toArray().catch((e: unknown) => e)) as ReadLimitExceededError;
    expect([error.limit, error.pagesRead, error.readUnits, error.readUnitsEstimated]).toEqual(['maxReadUnits', 2, 4, false]);
    expect(sent.map((c) => c.input.ReturnConsumedCapacity)).toEqual(['TOTAL', 'TOTAL']);
    sent.length = 0;
    await em.getRepository(User).query().toArray();
    expect(sent.every((c) => c.input.ReturnConsumedCapacity === undefined)).toBe(true);
  });

  it('maxReadUnits: computed from the item sizes where the engine reports none, and marked estimated', async () => {
    const { em } = listingTable(sparseTable(10, 0), { pageItems: 2 });
    // Small items: each page rounds up to 4 KB, half a unit (eventually consistent index read).
    const error = (await em.getRepository(User).query({ maxReadUnits: 1 }).toArray().catch((e: unknown) => e)) as ReadLimitExceededError;
    expect([error.pagesRead, error.readUnits, error.readUnitsEstimated]).toEqual([2, 1, true]);
    expect(error.summary).toContain('1 (estimated) read unit(s)');
  });

  it('scan: a stop after pages of other types resumes after them, not after the last entity (nor from the start)', async () => {
    const items = [userItem(0), ...[0, 1, 2, 3, 4, 5].map(groupItem), userItem(1)];
    const { em, sent } = listingTable(items, { manager: { allowScan: true } });
    // u0 g0 g1 (Limit 3) | g2 g3 (Limit 2) | stop
    const error = (await em.getRepository(User).scan({ limit: 2, maxPages: 2 }).toArray().catch((e: unknown) => e)) as ReadLimitExceededError<User>;
    expect(names(error.items as User[])).toEqual(['u0000']);
    sent.length = 0;
    const page = await em.getRepository(User).scan({ limit: 1, cursor: error.cursor }).page();
    expect(sent[0]?.input.ExclusiveStartKey).toEqual({ PK: { S: 'group#g0003' }, SK: { S: 'group' } });
    expect(names(page.items)).toEqual(['u0001']);
  });

  it('count: the count so far and a cursor that counts the rest', async () => {
    const { em, sent } = listingTable(sparseTable(10, 0), { pageItems: 3 });
    const users = em.getRepository(User);
    const error = (await users.count({ maxPages: 2 }).catch((e: unknown) => e)) as ReadLimitExceededError;
    expect([error.code, error.count, error.pagesRead, error.items]).toEqual(['READ_LIMIT_EXCEEDED', 6, 2, []]);
    expect(error.hint).toContain('count({ ...sameOptions, cursor: error.cursor })');
    expect(sent).toHaveLength(2);
    await expect(users.count({ cursor: error.cursor })).resolves.toBe(4);
    await expect(users.count({ select: ['email'] } as never)).rejects.toThrow(/count\(\) takes index, where, filter, createdAfter, createdBefore, cursor, maxPages and maxReadUnits only/);
  });
});

describe('resuming from the error cursor (property)', () => {
  const tables = fc.array(fc.boolean(), { maxLength: 40 }).map((kinds) => kinds.map((isUser, i) => (isUser ? userItem(i) : groupItem(i))));
  const shapes = fc.record({
    pageItems: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
    limit: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    maxPages: fc.integer({ min: 1, max: 4 }),
    mode: fc.constantFrom('toArray' as const, 'iterate' as const),
    descending: fc.boolean(),
  });

  it('a listing stopped and resumed any number of times delivers every entity once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(tables, shapes, async (items, { pageItems, limit, maxPages, mode, descending }) => {
        const { em } = listingTable(items, { pageItems, manager: { allowScan: true } });
        const users = em.getRepository(User);
        const expected = items.filter((item) => item._type?.S === 'user').map((item) => item.username?.S as string);
        const scanned = await drain((cursor) => users.scan({ cursor, limit, maxPages }), mode);
        expect(scanned.seen).toEqual(expected);
        const queried = await drain((cursor) => users.query({ cursor, limit, maxPages, order: descending ? 'desc' : 'asc' }), mode);
        expect(queried.seen).toEqual(descending ? [...expected].reverse() : expected);
      }),
      { numRuns: 150 },
    );
  });

  it('a count stopped and resumed any number of times adds up to the count', async () => {
    await fc.assert(
      fc.asyncProperty(tables, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), async (items, pageItems, maxPages) => {
        const { em } = listingTable(items, { pageItems });
        const users = em.getRepository(User);
        let total = 0;
        let cursor: string | undefined;
        for (;;) {
          try {
            total += await users.count({ cursor, maxPages });
            break;
          } catch (error) {
            if (!(error instanceof ReadLimitExceededError)) throw error;
            total += error.count as number;
            cursor = error.cursor;
          }
        }
        expect(total).toBe(items.filter((item) => item._type?.S === 'user').length);
      }),
      { numRuns: 100 },
    );
  });
});
