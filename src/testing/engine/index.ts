import type { Server } from 'node:http';
import { loadDynaliteModules } from './dynalite-modules';
import { ENGINE_ROUTES } from './routes';
import { createEmbeddedServer } from './server';
import type { EngineContext } from './server';
import { patchConditionCheck } from './single-writes';

/**
 * The embedded engine: dynalite's storage, validation and expression evaluation, completed with what
 * dynalite lacks (see routes.ts). Independent of the ORM: it imports nothing of it.
 */
export interface EmbeddedEngine {
  readonly server: Server;
  readonly context: EngineContext;
  close(): Promise<void>;
}

export interface EmbeddedEngineOptions {
  /** Directory of an on-disk store; in memory when omitted. */
  path?: string;
}

export async function createEmbeddedEngine(options: EmbeddedEngineOptions = {}): Promise<EmbeddedEngine> {
  const modules = await loadDynaliteModules();
  patchConditionCheck(modules.db);
  const dynaliteOptions = { path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
  return createEmbeddedServer(modules, dynaliteOptions, ENGINE_ROUTES);
}
