import { EntityManager } from '../../src';
import type { TestEngine } from './engines';

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
