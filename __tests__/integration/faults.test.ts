import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchDeleteIncompleteError,
  BatchGetIncompleteError,
  BatchSaveIncompleteError,
  DynamoDBRequestError,
  EntityManager,
} from '../../src';
import type { BatchRetryOptions } from '../../src';
import { describeEachEngine } from '../support/engines';
import { faultyClient } from '../support/faults';
import type { Fault, FaultRule } from '../support/faults';
import { allItems, useEntityManager } from '../support/tables';
import { Group } from '../fixtures/entities';

/** Our own retries, fast: the delays themselves are unit-tested. */
const FAST_RETRY: BatchRetryOptions = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 20 };

type Scenario = [name: string, sdkMaxAttempts: number, fault: Fault, times: number];

/** Faults a batch operation must ride out: our retries (SDK maxAttempts 1) or the SDK's own. */
const RECOVERABLE: Scenario[] = [
  ['throttling (our retries)', 1, { kind: 'throttle' }, 2],
  ['throttling (SDK retries)', 3, { kind: 'throttle' }, 1],
  ['HTTP 500 (our retries)', 1, { kind: 'http500' }, 2],
  ['a connection dropped after the engine applied the request (our retries)', 1, { kind: 'dropAfterApply' }, 2],
  ['a connection dropped after the engine applied the request (SDK retries)', 2, { kind: 'dropAfterApply' }, 1],
  ['partial Unprocessed* (5 per request)', 1, { kind: 'unprocessed', count: 5 }, 3],
];

describeEachEngine('Faults', (engine, lane) => {
  if (lane.name === 'external') {
    test.skip('all tests — skipped on external: injected faults edit signed requests, which real DynamoDB refuses', () => undefined);
    return;
  }
  const em = useEntityManager(engine);
  const clients: DynamoDBClient[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });

  /** A manager on the shared table whose requests go through a FaultInjector. */
  function faulty(
    sdkMaxAttempts: number,
    rule?: Omit<FaultRule, 'operation'> & { operation?: FaultRule['operation'] },
    batchRetry = FAST_RETRY,
    batchConcurrency?: number,
  ) {
    const { client, faults } = faultyClient(engine(), { maxAttempts: sdkMaxAttempts });
    clients.push(client);
    if (rule) faults.inject({ operation: () => true, ...rule });
    const manager = new EntityManager({ client, tableName: em().tableName, batchRetry, batchConcurrency });
    return { groups: manager.getRepository(Group), faults };
  }

  let runs = 0;
  /** Str ids of their own for each test, so the checks below see only that test's items. */
  function newGroups(count: number) {
    runs += 1;
    const prefix = `run${runs}-`;
    const input = Array.from({ length: count }, (_, i) => ({ name: `${prefix}${String(i).padStart(3, '0')}`, title: `T${i}` }));
    return { prefix, input };
  }

  /** What is stored under a prefix: str id -> "uid@version". */
  async function stored(prefix: string): Promise<Record<string, string>> {
    const items = (await allItems(em())) as Array<Record<string, any>>;
    const mine = items.filter((item) => (item.PK.S as string).startsWith(`group#${prefix}`));
    return Object.fromEntries(mine.map((item) => [(item.PK.S as string).slice('group#'.length), `${item.uid.S}@${item.version.N}`]));
  }
  const identities = (groups: Group[]) => Object.fromEntries(groups.map((g) => [g.name, `${g.uid}@${g.version}`]));

  describe('batch operations complete despite', () => {
    it.each(RECOVERABLE)('%s: saveMany stores every entity exactly once', async (_, sdkMaxAttempts, fault, times) => {
      const { groups, faults } = faulty(sdkMaxAttempts, { operation: 'BatchWriteItem', fault, times });
      const { prefix, input } = newGroups(60);
      const saved = await groups.saveMany(input);
      expect(faults.injected).toHaveLength(times);
      expect(saved.every((g) => g.version === 1)).toBe(true);
      expect(await stored(prefix)).toEqual(identities(saved));
    });

    it.each(RECOVERABLE)('%s: saveMany over loaded entities moves each to the next version exactly once', async (_, sdkMaxAttempts, fault, times) => {
      const { prefix, input } = newGroups(30);
      await em().getRepository(Group).saveMany(input);
      const loaded = (await em().getRepository(Group).getMany(input.map((g) => g.name))) as Group[];
      const { groups, faults } = faulty(sdkMaxAttempts, { operation: 'BatchWriteItem', fault, times });
      await groups.saveMany(loaded);
      expect(faults.injected).toHaveLength(times);
      expect(loaded.every((g) => g.version === 2)).toBe(true);
      expect(await stored(prefix)).toEqual(identities(loaded));
    });

    it.each(RECOVERABLE)('%s: getMany reads every entity', async (_, sdkMaxAttempts, fault, times) => {
      const { input } = newGroups(30);
      await em().getRepository(Group).saveMany(input);
      const { groups, faults } = faulty(sdkMaxAttempts, { operation: 'BatchGetItem', fault, times });
      const ids = [...input.map((g) => g.name), 'run-missing'];
      const found = await groups.getMany(ids);
      expect(faults.injected).toHaveLength(times);
      expect(found.map((g) => g?.title)).toEqual([...input.map((g) => g.title), undefined]);
    });

    it.each(RECOVERABLE)('%s: deleteMany deletes every entity', async (_, sdkMaxAttempts, fault, times) => {
      const { prefix, input } = newGroups(60);
      const saved = await em().getRepository(Group).saveMany(input);
      const { groups, faults } = faulty(sdkMaxAttempts, { operation: 'BatchWriteItem', fault, times });
      await groups.deleteMany([...saved.slice(0, 30), ...saved.slice(30).map((g) => g.name)]);
      expect(faults.injected).toHaveLength(times);
      expect(await stored(prefix)).toEqual({});
    });
  });

  describe('when faults outlast the retries, the typed error tells exactly what was done', () => {
    const GIVE_UP_FAST: BatchRetryOptions = { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 };

    it('saveMany under endless throttling after the first chunk: the rest are listed, untouched and not stored', async () => {
      const { groups } = faulty(1, { operation: 'BatchWriteItem', fault: { kind: 'throttle' }, skip: 1 }, GIVE_UP_FAST);
      const { prefix, input } = newGroups(60);
      const instances = input.map((g) => groups.build(g));
      const error = (await groups.saveMany(instances).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;
      expect(error).toBeInstanceOf(BatchSaveIncompleteError);
      expect([error.saved, error.unsaved, error.outcomeUnknown]).toEqual([instances.slice(0, 25), instances.slice(25), []]);
      expect(error.unsaved.every((g) => g.uid === undefined && g.version === undefined)).toBe(true);
      expect(await stored(prefix)).toEqual(identities(instances.slice(0, 25)));
      // The listed entities can be saved again as they are.
      await em().getRepository(Group).saveMany(error.unsaved as Group[]);
      expect(Object.keys(await stored(prefix))).toHaveLength(60);
    });

    it('saveMany under dropped connections, one chunk at a time: entities whose request was applied unanswered are flagged, not claimed', async () => {
      const { groups } = faulty(1, { operation: 'BatchWriteItem', fault: { kind: 'dropAfterApply' }, skip: 1 }, GIVE_UP_FAST, 1);
      const { prefix, input } = newGroups(60);
      const error = (await groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;
      expect(error).toBeInstanceOf(BatchSaveIncompleteError);
      expect(error.cause).toBeInstanceOf(DynamoDBRequestError);
      expect([error.saved.length, error.unsaved.length, error.outcomeUnknown.length]).toEqual([25, 35, 25]);
      expect(error.outcomeUnknown).toEqual(error.unsaved.slice(0, 25));
      // The second chunk really was applied (the engine answered; the answer was lost); the third never sent.
      const names = Object.keys(await stored(prefix)).sort();
      expect(names).toEqual(input.slice(0, 50).map((g) => g.name));
    });

    it('saveMany under dropped connections, chunks in parallel: every chunk in flight is flagged, none claimed', async () => {
      const { groups } = faulty(1, { operation: 'BatchWriteItem', fault: { kind: 'dropAfterApply' }, skip: 1 }, GIVE_UP_FAST, 3);
      const { prefix, input } = newGroups(60);
      const error = (await groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;
      expect(error).toBeInstanceOf(BatchSaveIncompleteError);
      // The 3 chunks went out together: one answered, two applied with their answers lost.
      expect([error.saved.length, error.unsaved.length, error.outcomeUnknown.length]).toEqual([25, 35, 35]);
      expect(error.outcomeUnknown).toEqual(error.unsaved);
      expect([...error.saved, ...error.unsaved].map((g) => g.name).sort()).toEqual(input.map((g) => g.name));
      expect(Object.keys(await stored(prefix)).sort()).toEqual(input.map((g) => g.name));
    });

    it('getMany under endless partial UnprocessedKeys: exactly the keys never served are named', async () => {
      const { input } = newGroups(10);
      await em().getRepository(Group).saveMany(input);
      const { groups } = faulty(1, { operation: 'BatchGetItem', fault: { kind: 'unprocessed', count: 2 } }, GIVE_UP_FAST);
      const ids = input.map((g) => g.name);
      const error = (await groups.getMany(ids).catch((e: unknown) => e)) as BatchGetIncompleteError<Group>;
      expect(error).toBeInstanceOf(BatchGetIncompleteError);
      expect(error.unreadStrIds).toEqual(ids.slice(8));
      expect(error.results.map((g) => g?.name)).toEqual([...ids.slice(0, 8), undefined, undefined]);
    });

    it('deleteMany under endless HTTP 500s after the first chunk: the ids left are listed and still stored', async () => {
      const { prefix, input } = newGroups(40);
      await em().getRepository(Group).saveMany(input);
      const { groups } = faulty(1, { operation: 'BatchWriteItem', fault: { kind: 'http500' }, skip: 1 }, GIVE_UP_FAST);
      const ids = input.map((g) => g.name);
      const error = (await groups.deleteMany(ids).catch((e: unknown) => e)) as BatchDeleteIncompleteError;
      expect(error).toBeInstanceOf(BatchDeleteIncompleteError);
      expect(error.undeletedStrIds).toEqual(ids.slice(25));
      expect(error.outcomeUnknownStrIds).toEqual(ids.slice(25)); // a 500 leaves it open
      expect(Object.keys(await stored(prefix)).sort()).toEqual(ids.slice(25));
    });
  });

  describe('single-item operations with a fault before the engine applies the request', () => {
    const FAULTS: Array<[string, Fault]> = [
      ['throttling', { kind: 'throttle' }],
      ['HTTP 500', { kind: 'http500' }],
    ];

    it.each(FAULTS)('%s: create, getByStr and save complete when the SDK may retry', async (_, fault) => {
      const { groups, faults } = faulty(3, { fault, times: 1 });
      const { prefix } = newGroups(0);
      const created = await groups.create({ name: `${prefix}a`, title: 'one' });
      faults.inject({ operation: () => true, fault, times: 1 });
      const loaded = await groups.getByStr(`${prefix}a`);
      loaded.title = 'two';
      faults.inject({ operation: () => true, fault, times: 1 });
      await groups.save(loaded);
      expect(faults.injected.map((f) => f.operation)).toEqual(['PutItem', 'GetItem', 'PutItem']);
      expect([loaded.uid, loaded.version]).toEqual([created.uid, 2]);
      expect(await stored(prefix)).toEqual({ [`${prefix}a`]: `${created.uid}@2` });
    });

    it.each(FAULTS)('%s: create, getByStr and save fail with a retryable DynamoDBRequestError when it may not', async (_, fault) => {
      const { groups, faults } = faulty(1);
      const { prefix } = newGroups(0);
      const expectRetryableFailure = async (operation: () => Promise<unknown>) => {
        faults.inject({ operation: () => true, fault, times: 1 });
        const error = await operation().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DynamoDBRequestError);
        expect((error as DynamoDBRequestError).retryable).toBe(true);
      };
      await expectRetryableFailure(() => groups.create({ name: `${prefix}a` }));
      expect(await stored(prefix)).toEqual({});
      const existing = await em().getRepository(Group).create({ name: `${prefix}b`, title: 'one' });
      await expectRetryableFailure(() => groups.getByStr(`${prefix}b`));
      existing.title = 'two';
      await expectRetryableFailure(() => groups.save(existing));
      expect(existing.version).toBe(1);
      expect(await stored(prefix)).toEqual({ [`${prefix}b`]: `${existing.uid}@1` });
    });

    // A dropped connection after the engine applied a single-item write: see dropped-connections.test.ts.
  });
});
