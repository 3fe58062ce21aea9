import { EntityManager } from '../../src';
import type { TestEngine } from './engines';
import { FaultInjector, faultyClient } from './faults';

/**
 * An EntityManager on a fresh table of this engine, created in `beforeAll`. Each test file (and each
 * call) gets its own table, so files never see each other's items.
 */
export function useEntityManager(engine: () => TestEngine, suffix = ''): () => EntityManager {
  let manager: EntityManager | undefined;
  beforeAll(async () => {
    manager = new EntityManager({ client: engine().client, tableName: engine().tableName(suffix) });
    await manager.ensureTableExists();
  });
  return () => {
    if (!manager) throw new Error('useEntityManager: the table is created in beforeAll');
    return manager;
  };
}

/** Every item of the table, whatever its type: to prove that a failed write left nothing behind. */
export async function allItems(manager: EntityManager): Promise<Record<string, unknown>[]> {
  const { ScanCommand } = await import('@aws-sdk/client-dynamodb');
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await manager.client.send(new ScanCommand({ TableName: manager.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return items;
}

/**
 * A second EntityManager on the table of `em()` whose every HTTP attempt goes through `faults` (the
 * SDK making `maxAttempts` of them): created in `beforeAll` (after `em`'s), its client destroyed after
 * the file, the faults reset after each test. `faults` exists at once, so tests may hold it.
 */
export function useFaultyEntityManager(
  engine: () => TestEngine,
  em: () => EntityManager,
  maxAttempts = 3,
): { faults: FaultInjector; faultyEm: () => EntityManager } {
  const faults = new FaultInjector();
  let manager: EntityManager | undefined;
  beforeAll(() => {
    const { client } = faultyClient(engine(), { maxAttempts }, faults);
    manager = new EntityManager({ client, tableName: em().tableName });
  });
  afterAll(() => manager?.client.destroy());
  afterEach(() => faults.reset());
  return {
    faults,
    faultyEm: () => {
      if (!manager) throw new Error('useFaultyEntityManager: the manager is created in beforeAll');
      return manager;
    },
  };
}
