import { EntityManager, InvalidArgumentError } from '../../src';
import { fakeClient } from '../support/fake-client';
import { batchSetup, groupsNamed, keysOf, requestSizes } from '../support/fake-batch-table';
import type { Latency } from '../support/fake-batch-table';

/**
 * Chunks of getMany/saveMany/deleteMany in parallel: how many requests are in flight at once, and
 * what comes back, by the requests the fake table saw and the order it answered them in.
 * batch-concurrency-failures.test.ts covers chunks that give up.
 */

const pk = (name: string) => `group#${name}`;
const names = (count: number, from = 0) => Array.from({ length: count }, (_, i) => `g${from + i}`);
/** A few milliseconds per request, varying, so that requests overlap and finish out of order. */
const jitter: Latency = (_, call) => 1 + ((call * 7) % 5);

describe('requests in flight', () => {
  it('are at most the call\'s concurrency, overriding the manager\'s, for getMany, saveMany and deleteMany', async () => {
    for (const concurrency of [1, 2, 5]) {
      const run = batchSetup({ latency: jitter, concurrency: 3 });
      const saved = await run.groups.saveMany(groupsNamed(250), { concurrency }); // 10 chunks of 25
      expect([run.flight.max, run.stored.size]).toEqual([concurrency, 250]);

      run.flight.max = 0;
      const found = await run.groups.getMany(names(1000), { concurrency }); // 10 chunks of 100
      expect(run.flight.max).toBe(concurrency);
      expect(found.map((g) => g?.name)).toEqual(names(1000).map((name, i) => (i < 250 ? name : undefined)));

      run.flight.max = 0;
      await run.groups.deleteMany(saved, { concurrency });
      expect([run.flight.max, run.stored.size]).toEqual([concurrency, 0]);
    }
  });

  it('are at most the manager\'s batchConcurrency, and 4 by default', async () => {
    const configured = batchSetup({ latency: jitter, concurrency: 2 });
    await configured.groups.saveMany(groupsNamed(250));
    expect(configured.flight.max).toBe(2);

    const byDefault = batchSetup({ latency: jitter });
    await byDefault.groups.saveMany(groupsNamed(250));
    await byDefault.groups.getMany(names(1000));
    expect(byDefault.flight.max).toBe(4);
    expect(requestSizes(byDefault.sent)).toEqual([...Array<number>(10).fill(25), ...Array<number>(10).fill(100)]);
  });

  it('count a chunk\'s retries in its slot: resent unprocessed items never add a request beyond the bound', async () => {
    // Every full chunk leaves its last 5 writes unprocessed; the resend of those 5 succeeds.
    const run = batchSetup({ latency: jitter, concurrency: 2, unprocessed: (_, __, size) => (size === 25 ? 5 : 0) });
    await run.groups.saveMany(groupsNamed(250));
    expect(run.flight.max).toBe(2);
    expect(requestSizes(run.sent).sort((a, b) => a - b)).toEqual([...Array<number>(10).fill(5), ...Array<number>(10).fill(25)]);
    expect(run.stored.size).toBe(250);
  });
});

describe('results', () => {
  it('getMany returns input order when later chunks answer first, with missing and repeated ids across chunks', async () => {
    // The first request is the slowest: 5 chunks, answered last to first.
    const run = batchSetup({ latency: (operation, call) => (operation === 'BatchGetItem' ? 60 - call * 10 : 0), concurrency: 5 });
    await run.groups.saveMany(groupsNamed(450));
    run.flight.finished.length = 0;
    const ids = [...names(450).reverse(), 'missing-1', 'g3', 'missing-2', 'g449'];
    const found = await run.groups.getMany(ids);
    expect(run.flight.finished).toEqual([5, 4, 3, 2, 1]);
    expect(found.map((g) => g?.name)).toEqual(ids.map((id) => (id.startsWith('missing') ? undefined : id)));
    expect(found[ids.length - 3]).toBe(found[ids.indexOf('g3')]); // one instance per repeated id
    expect(found[ids.length - 1]).toBe(found[0]);
  });

  it('saveMany returns the input instances in input order, each marked stored, when later chunks answer first', async () => {
    const run = batchSetup({ latency: (_, call) => 50 - call * 10, concurrency: 4 });
    const input = groupsNamed(100);
    const saved = await run.groups.saveMany(input);
    expect(run.flight.finished).toEqual([4, 3, 2, 1]);
    expect(saved).toHaveLength(100);
    saved.forEach((group, i) => expect(group).toBe(input[i]));
    for (const group of saved) expect([group.version, run.stored.get(pk(group.name))?.uid?.S]).toEqual([1, group.uid]);
  });
});

describe('concurrency 1', () => {
  it('sends the chunks one after another, each retried to the end before the next starts, as before', async () => {
    const run = batchSetup({ latency: jitter, concurrency: 1, unprocessed: (_, __, size) => (size === 25 ? 3 : 0) });
    const input = groupsNamed(75);
    await run.groups.saveMany(input);
    const chunks = [names(25), names(25, 25), names(25, 50)].map((chunk) => chunk.map(pk));
    expect(run.sent.map(keysOf)).toEqual(chunks.flatMap((chunk) => [chunk, chunk.slice(22)]));
    expect(run.flight.max).toBe(1);
    expect(run.flight.finished).toEqual([1, 2, 3, 4, 5, 6]);

    run.sent.length = 0;
    await run.groups.getMany(names(250), { concurrency: 1 });
    expect(run.sent.map(keysOf)).toEqual([names(100), names(100, 100), names(50, 200)].map((chunk) => chunk.map(pk)));
    expect(run.flight.max).toBe(1);
  });
});

describe('an invalid concurrency', () => {
  const invalid: unknown[] = [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, '4', null, true];

  it.each(invalid)('%p is refused by the EntityManager', (value) => {
    const { client } = fakeClient();
    expect(() => new EntityManager({ client, tableName: 'app', batchConcurrency: value as number })).toThrow(InvalidArgumentError);
    expect(() => new EntityManager({ client, tableName: 'app', batchConcurrency: value as number })).toThrow(/^batchConcurrency must be an integer >= 1/);
  });

  it.each(invalid)('%p is refused by getMany, saveMany and deleteMany before any request', async (value) => {
    const run = batchSetup();
    const options = { concurrency: value as number };
    await expect(run.groups.getMany(['g1'], options)).rejects.toThrow(/^getMany\(\) option concurrency must be an integer >= 1/);
    await expect(run.groups.saveMany(groupsNamed(3), options)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(run.groups.deleteMany(['g1'], options)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(run.sent).toEqual([]);
  });

  it('undefined means the default', async () => {
    const run = batchSetup({ latency: jitter, concurrency: undefined });
    await run.groups.saveMany(groupsNamed(250), { concurrency: undefined });
    expect(run.flight.max).toBe(4);
  });
});
