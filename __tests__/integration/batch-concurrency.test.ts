import type { HttpRequest } from '@smithy/core/protocols';
import type { HttpHandlerOptions } from '@smithy/types';
import { BatchDeleteIncompleteError, BatchGetIncompleteError, BatchSaveIncompleteError, EntityManager } from '../../src';
import { describeEachEngine } from '../support/engines';
import type { TestEngine } from '../support/engines';
import { FaultInjector, faultyClient } from '../support/faults';
import { allItems, useEntityManager } from '../support/tables';
import { Group } from '../fixtures/entities';

/**
 * Large batches with their chunks in parallel, on every engine: the bound on requests in flight (as
 * the HTTP handler sees them), results in input order, and, with faults injected into whichever
 * chunks happen to be in flight, an error whose lists match what the table holds afterwards.
 */

/** A FaultInjector that also records how many HTTP requests were in flight at once. */
class FlightRecorder extends FaultInjector {
  now = 0;
  max = 0;

  override async handle(request: HttpRequest, options?: HttpHandlerOptions) {
    this.now += 1;
    this.max = Math.max(this.max, this.now);
    try {
      return await super.handle(request, options);
    } finally {
      this.now -= 1;
    }
  }
}

const SIZE = 1000;
const nameOf = (i: number) => `item-${String(i).padStart(4, '0')}`;
const inputOf = (count: number) => Array.from({ length: count }, (_, i) => ({ name: nameOf(i), title: `T${i}` }));
const storedNames = async (em: EntityManager) =>
  (await allItems(em)).map((item) => String((item as { PK: { S: string } }).PK.S).slice('group#'.length)).sort();

/** A manager on `em()`'s table whose requests go through a FlightRecorder; the SDK does not retry. */
function recordedManager(engine: TestEngine, em: EntityManager, batchConcurrency?: number) {
  const { client, faults } = faultyClient(engine, { maxAttempts: 1 }, new FlightRecorder());
  const manager = new EntityManager({ client, tableName: em.tableName, batchConcurrency, batchRetry: { maxAttempts: 2, baseDelayMs: 1 } });
  return { groups: manager.getRepository(Group), faults: faults as FlightRecorder, destroy: () => client.destroy() };
}

describeEachEngine('Batch chunks in parallel', (engine) => {
  describe('1,000 entities', () => {
    const em = useEntityManager(engine, 'bc-large');

    it.each([[undefined, 4], [8, 8], [1, 1]])('batchConcurrency %p: at most %i request(s) in flight, everything done, in input order', async (option, bound) => {
      const { groups, faults, destroy } = recordedManager(engine(), em(), option);
      try {
        const saved = await groups.saveMany(inputOf(SIZE));
        expect(saved.map((g) => [g.name, g.version])).toEqual(inputOf(SIZE).map((g) => [g.name, 1]));
        expect(await storedNames(em())).toEqual(inputOf(SIZE).map((g) => g.name));

        const ids = [...saved.map((g) => g.name)].reverse().flatMap((id, i) => (i % 97 === 0 ? [id, `missing-${i}`] : [id]));
        const found = await groups.getMany(ids);
        expect(found.map((g) => g?.name)).toEqual(ids.map((id) => (id.startsWith('missing') ? undefined : id)));
        expect(found.map((g) => g?.uid)).toEqual(ids.map((id) => saved.find((g) => g.name === id)?.uid));

        await groups.deleteMany(saved.map((g) => g.name));
        expect(await allItems(em())).toEqual([]);
        expect([faults.count('BatchWriteItem'), faults.count('BatchGetItem')]).toEqual([80, Math.ceil(ids.length / 100)]);
        expect(faults.max).toBeLessThanOrEqual(bound);
        if (bound > 1) expect(faults.max).toBeGreaterThan(1);
      } finally {
        destroy();
      }
    }, 120_000);
  });

  describe('with faults in the chunks in flight', () => {
    const em = useEntityManager(engine, 'bc-faults');

    it('unprocessed items of parallel chunks are resent until all are written and read', async () => {
      const { groups, faults, destroy } = recordedManager(engine(), em(), 6);
      try {
        let seen = 0;
        faults.inject({ operation: (op) => op.startsWith('Batch') && ++seen % 3 === 0, fault: { kind: 'unprocessed', count: 7 } });
        const saved = await groups.saveMany(inputOf(300));
        const found = await groups.getMany(saved.map((g) => g.name));
        expect(found.map((g) => g?.uid)).toEqual(saved.map((g) => g.uid));
        expect(faults.injected.length).toBeGreaterThan(3);
        expect(faults.max).toBeLessThanOrEqual(6);
        faults.reset();
        await groups.deleteMany(saved);
        expect(await allItems(em())).toEqual([]);
      } finally {
        destroy();
      }
    }, 120_000);

    it('when chunks give up, saved and unsaved split the input exactly as the table does; resending unsaved completes it', async () => {
      const { groups, faults, destroy } = recordedManager(engine(), em(), 4);
      try {
        faults.inject({ operation: 'BatchWriteItem', fault: { kind: 'throttle' }, skip: 10 });
        const input = inputOf(500).map((data) => groups.build(data));
        const error = (await groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;
        expect(error).toBeInstanceOf(BatchSaveIncompleteError);
        expect([...error.saved, ...error.unsaved].sort((a, b) => a.name.localeCompare(b.name))).toEqual(input);
        expect(error.saved).toHaveLength(10 * 25);
        expect(error.outcomeUnknown).toEqual([]); // a throttle is a refusal: nothing of it was applied
        expect(await storedNames(em())).toEqual(error.saved.map((g) => g.name).sort());
        // 10 requests written, then at most 4 chunks in flight, 2 attempts each; none started after a give-up
        expect(faults.count('BatchWriteItem')).toBeLessThanOrEqual(10 + 4 * 2);

        faults.reset();
        await groups.saveMany(error.unsaved as Group[]);
        expect(await storedNames(em())).toEqual(input.map((g) => g.name));

        let reads = 0;
        faults.inject({ operation: (op) => op === 'BatchGetItem' && ++reads > 2, fault: { kind: 'throttle' } });
        const ids = input.map((g) => g.name);
        const unread = (await groups.getMany(ids).catch((e: unknown) => e)) as BatchGetIncompleteError<Group>;
        expect(unread).toBeInstanceOf(BatchGetIncompleteError);
        // 2 chunks read (whichever reached the engine first), the 3 others throttled or never sent
        expect(unread.unreadStrIds).toHaveLength(300);
        expect(unread.unreadStrIds).toEqual(ids.filter((id) => unread.unreadStrIds.includes(id)));
        expect(unread.results.map((g) => g?.name)).toEqual(ids.map((id) => (unread.unreadStrIds.includes(id) ? undefined : id)));

        faults.reset();
        faults.inject({ operation: 'BatchWriteItem', fault: { kind: 'http500' }, skip: 6 });
        const failedDelete = (await groups.deleteMany(ids).catch((e: unknown) => e)) as BatchDeleteIncompleteError;
        expect(failedDelete).toBeInstanceOf(BatchDeleteIncompleteError);
        expect(await storedNames(em())).toEqual(failedDelete.undeletedStrIds); // a 500 injected here was never forwarded
        expect(failedDelete.outcomeUnknownStrIds.every((id) => failedDelete.undeletedStrIds.includes(id))).toBe(true);
        expect(failedDelete.outcomeUnknownStrIds.length).toBeGreaterThan(0);
        faults.reset();
        await groups.deleteMany(failedDelete.undeletedStrIds);
        expect(await allItems(em())).toEqual([]);
      } finally {
        destroy();
      }
    }, 120_000);
  });
});
