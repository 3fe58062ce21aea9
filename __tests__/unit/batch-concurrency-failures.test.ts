import { BatchDeleteIncompleteError, BatchGetIncompleteError, BatchSaveIncompleteError } from '../../src';
import type { DynamoDBRequestError } from '../../src';
import { awsError } from '../support/fake-client';
import { batchSetup, groupsNamed, keysOf } from '../support/fake-batch-table';
import { random } from '../support/fault-model';
import type { Group } from '../fixtures/entities';

/**
 * A chunk that gives up while others are in flight: the chunks in flight run to their end (their
 * retries included), none is started after, and the error lists exactly what was and was not done,
 * every entity in exactly one of the two lists.
 */

const pk = (name: string) => `group#${name}`;
const names = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `g${from + i}`);
const carries = (name: string) => (keys: string[]) => keys.includes(pk(name));
const refused = () => awsError('ValidationException');
const http500 = () => awsError('InternalServerError', { $metadata: { httpStatusCode: 500 } });

/**
 * Orders requests without timing: `opened` settles on the first macrotask after `open()`. A failed
 * request reaches the batch runner through microtasks only (the retries here wait 0 ms), so by then
 * the chunk that failed has given up, however loaded the machine is.
 */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => undefined as void;
  const opened = new Promise<void>((resolve) => {
    open = () => void setTimeout(resolve, 0);
  });
  return { opened, open };
}

describe('saveMany with a chunk that gives up', () => {
  it('finishes the chunks in flight, starts no other, and lists exactly the unsaved entities', async () => {
    const inChunk2 = carries('g25');
    const chunk2GaveUp = gate();
    const run = batchSetup({
      concurrency: 3,
      // Chunk 2 is refused at once; chunks 1 and 3 are answered after that, and chunk 1 must then resend 4 writes.
      latency: (_, __, keys) => (inChunk2(keys) ? 0 : chunk2GaveUp.opened),
      fail: (_, __, keys) => {
        if (!inChunk2(keys)) return;
        chunk2GaveUp.open();
        throw refused();
      },
      unprocessed: (_, call) => (call === 1 ? 4 : 0),
    });
    const input = groupsNamed(150); // 6 chunks
    const error = (await run.groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;

    expect(error).toBeInstanceOf(BatchSaveIncompleteError);
    expect(run.sent.map(keysOf)).toEqual([names(25), names(25, 25), names(25, 50), names(4, 21)].map((keys) => keys.map(pk)));
    expect(error.saved).toEqual([...input.slice(0, 25), ...input.slice(50, 75)]);
    expect(error.unsaved).toEqual([...input.slice(25, 50), ...input.slice(75)]);
    expect(error.outcomeUnknown).toEqual([]);
    expect((error.cause as DynamoDBRequestError).awsErrorName).toBe('ValidationException');
    expect(error.message).toMatch(/saved 50 entities but not 100: "g25", "g26"/);
    expect([...run.stored.keys()].sort()).toEqual(error.saved.map((g) => pk(g.name)).sort());
    for (const group of error.saved) expect([group.version, typeof group.uid]).toEqual([1, 'string']);
    for (const group of error.unsaved) expect([group.uid, group.version]).toEqual([undefined, undefined]);
  });

  it('reports every chunk that gave up while in flight, in input order; cause is the first to give up', async () => {
    const [inChunk2, inChunk4] = [carries('g25'), carries('g75')];
    const [chunk4GaveUp, chunk2GaveUp] = [gate(), gate()];
    const attempts = { chunk2: 0, chunk4: 0 };
    const run = batchSetup({
      concurrency: 4,
      maxAttempts: 2,
      // Chunk 4 is throttled twice and gives up first; then chunk 2 gets two 500s; then chunks 1 and 3 succeed.
      latency: (_, __, keys) => (inChunk4(keys) ? 0 : inChunk2(keys) ? chunk4GaveUp.opened : chunk2GaveUp.opened),
      fail: (_, __, keys) => {
        if (inChunk4(keys)) {
          if ((attempts.chunk4 += 1) === 2) chunk4GaveUp.open();
          throw awsError('ProvisionedThroughputExceededException');
        }
        if (inChunk2(keys)) {
          if ((attempts.chunk2 += 1) === 2) chunk2GaveUp.open();
          throw http500();
        }
      },
    });
    const input = groupsNamed(100);
    const error = (await run.groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;

    expect(attempts).toEqual({ chunk2: 2, chunk4: 2 });
    expect(error.unsaved).toEqual([...input.slice(25, 50), ...input.slice(75)]);
    expect(error.outcomeUnknown).toEqual(input.slice(25, 50)); // a 500 may have been applied; a throttle was not
    expect(error.saved).toEqual([...input.slice(0, 25), ...input.slice(50, 75)]);
    expect((error.cause as DynamoDBRequestError).awsErrorName).toBe('ProvisionedThroughputExceededException');
    expect(run.stored.size).toBe(50);
  });
});

describe('getMany and deleteMany with a chunk that gives up', () => {
  it('getMany lists exactly the unread ids and carries what the other chunks read', async () => {
    const inChunk2 = carries('g100');
    const chunk2GaveUp = gate();
    let failing = false;
    const run = batchSetup({
      concurrency: 2,
      latency: (_, __, keys) => (failing && !inChunk2(keys) ? chunk2GaveUp.opened : 0),
      fail: (_, __, keys) => {
        if (!failing || !inChunk2(keys)) return;
        chunk2GaveUp.open();
        throw refused();
      },
    });
    await run.groups.saveMany(groupsNamed(400));
    failing = true;
    run.sent.length = 0;
    const ids = [...names(500)];
    const error = (await run.groups.getMany(ids).catch((e: unknown) => e)) as BatchGetIncompleteError<Group>;

    expect(error).toBeInstanceOf(BatchGetIncompleteError);
    expect(run.sent.map((c) => keysOf(c)[0])).toEqual([pk('g0'), pk('g100')]); // chunks 3 to 5 never sent
    expect(error.unreadStrIds).toEqual(names(400, 100));
    expect(error.results.map((g) => g?.name)).toEqual(ids.map((id, i) => (i < 100 ? id : undefined)));
  });

  it('deleteMany lists exactly the ids not deleted, flagging the ones whose request may have landed', async () => {
    const inChunk1 = carries('g0');
    const chunk1GaveUp = gate();
    let [failing, attempts] = [false, 0];
    const run = batchSetup({
      concurrency: 2,
      maxAttempts: 2,
      latency: (_, __, keys) => (failing && !inChunk1(keys) ? chunk1GaveUp.opened : 0),
      fail: (_, __, keys) => {
        if (!failing || !inChunk1(keys)) return;
        if ((attempts += 1) === 2) chunk1GaveUp.open();
        throw http500();
      },
    });
    await run.groups.saveMany(groupsNamed(100));
    failing = true;
    const error = (await run.groups.deleteMany(names(100)).catch((e: unknown) => e)) as BatchDeleteIncompleteError;

    expect(error).toBeInstanceOf(BatchDeleteIncompleteError);
    expect(error.undeletedStrIds).toEqual([...names(25), ...names(50, 50)]);
    expect(error.outcomeUnknownStrIds).toEqual(names(25));
    expect([...run.stored.keys()].sort()).toEqual(error.undeletedStrIds.map(pk).sort());
  });
});

describe('no chunk lost or reported twice', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);

  it.each(seeds)('seed %i: random sizes, concurrency, latencies, failures and unprocessed items', async (seed) => {
    const next = random(seed);
    const concurrency = 1 + Math.floor(next() * 6);
    const run = batchSetup({
      concurrency,
      maxAttempts: 2,
      latency: () => Math.floor(next() * 4),
      fail: () => {
        const roll = next();
        if (roll < 0.04) throw refused();
        if (roll < 0.08) throw http500();
        if (roll < 0.12) throw awsError('ThrottlingException');
      },
      unprocessed: (_, __, size) => (next() < 0.3 ? Math.floor(next() * (size + 1)) : 0),
    });
    const input = groupsNamed(Math.floor(next() * 300));
    const outcome = await run.groups.saveMany(input).then(
      (saved) => ({ saved, unsaved: [] as Group[] }),
      (error: unknown) => error as BatchSaveIncompleteError<Group>,
    );
    expect(run.flight.max).toBeLessThanOrEqual(concurrency);
    // saved and unsaved partition the input, each in input order
    const order = new Map<Group, number>(input.map((group, i) => [group, i]));
    const positions = (list: readonly Group[]) => list.map((group) => order.get(group) as number);
    expect([...positions(outcome.saved), ...positions(outcome.unsaved)].sort((a, b) => a - b)).toEqual(input.map((_, i) => i));
    for (const list of [outcome.saved, outcome.unsaved]) expect(positions(list)).toEqual([...positions(list)].sort((a, b) => a - b));
    // the fake applies nothing of a failed request, so exactly the saved ones are stored
    expect([...run.stored.keys()].sort()).toEqual(outcome.saved.map((g) => pk(g.name)).sort());

    const ids = [...run.stored.keys()].map((key) => key.slice('group#'.length));
    const read = await run.groups.getMany([...ids].reverse()).then(
      (results) => ({ results, unreadStrIds: [] as readonly string[] }),
      (error: unknown) => error as BatchGetIncompleteError<Group>,
    );
    const unread = new Set(read.unreadStrIds);
    expect(unread.size).toBe(read.unreadStrIds.length);
    expect(read.results.map((g) => g?.name)).toEqual([...ids].reverse().map((id) => (unread.has(id) ? undefined : id)));
  });
});
