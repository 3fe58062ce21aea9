import type { Server } from 'node:http';
import { loadDynaliteModules } from './dynalite-modules';
import { ENGINE_ROUTES } from './routes';
import { createEmbeddedServer } from './server';
import type { EngineContext } from './server';
import { patchConditionCheck } from './single-writes';
import { deleteExpiredItems, startExpirySweeper } from './ttl';

/**
 * The embedded engine: dynalite's storage, validation and expression evaluation, completed with what
 * dynalite lacks (see routes.ts). Independent of the ORM: it imports nothing of it.
 */
export interface EmbeddedEngine {
  readonly server: Server;
  readonly context: EngineContext;
  /** Deletes now the items whose TTL attribute is below `now` (epoch ms) in TTL-enabled tables; returns how many. */
  deleteExpiredItems(now?: number): Promise<number>;
  close(): Promise<void>;
}

export interface EmbeddedEngineOptions {
  /** Directory of an on-disk store; in memory when omitted. */
  path?: string;
  /** Deletes expired items every this many milliseconds, as DynamoDB does eventually; off when omitted. */
  ttlSweepMs?: number;
}

export async function createEmbeddedEngine(options: EmbeddedEngineOptions = {}): Promise<EmbeddedEngine> {
  const modules = await loadDynaliteModules();
  patchConditionCheck(modules.db);
  const dynaliteOptions = { path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  const embedded = createEmbeddedServer(modules, dynaliteOptions, ENGINE_ROUTES);
  const stopSweeper = options.ttlSweepMs ? startExpirySweeper(embedded.context, options.ttlSweepMs) : () => undefined;
  return {
    ...embedded,
    deleteExpiredItems: (now) => deleteExpiredItems(embedded.context, now),
    close: () => {
      stopSweeper();
      return embedded.close();
    },
  };
}
