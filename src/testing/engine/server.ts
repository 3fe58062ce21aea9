import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { DynaliteModules, DynaliteStore, EngineError, Item } from './dynalite-modules';

/**
 * The embedded engine's HTTP front: requests for operations the engine adds or completes go to its
 * own actions, every other request to dynalite's handler untouched. Both share one dynalite store.
 */

/** What an engine action gets: the store, dynalite's modules, and the engine's own state. */
export interface EngineContext {
  readonly store: DynaliteStore;
  readonly modules: DynaliteModules;
  /** Per-engine state an action keeps between requests (idempotency tokens, TTL settings...). */
  readonly state: Map<string, unknown>;
}

/** An operation of the engine: the request body parsed, the answer to send (or an EngineError thrown). */
export type EngineAction = (context: EngineContext, data: Item) => Promise<unknown>;

/**
 * An operation the engine takes over only for some requests (e.g. PutItem asking for
 * `ReturnValuesOnConditionCheckFailure`); the others still go to dynalite.
 */
export interface EngineRoute {
  readonly action: EngineAction;
  readonly applies?: (data: Item) => boolean;
}

export interface EmbeddedServer {
  readonly server: Server;
  readonly context: EngineContext;
  /** Closes the HTTP server, then the store. */
  close(): Promise<void>;
}

/** Starts nothing: builds the server (call `listen`). dynalite's store is captured as dynalite creates it. */
export function createEmbeddedServer(modules: DynaliteModules, options: Record<string, unknown>, routes: ReadonlyMap<string, EngineRoute>): EmbeddedServer {
  const store = captureStore(modules, options);
  const inner = store.server;
  const dynaliteHandler = inner.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
  const context: EngineContext = { store: store.store, modules, state: new Map() };
  const server = createServer((req, res) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const route = routes.get(operation);
    if (route === undefined) return dynaliteHandler(req, res);
    void handle(req, res, route, context, dynaliteHandler);
  });
  return {
    server,
    context,
    close: () => closeAll(server, store.store),
  };
}

function captureStore(modules: DynaliteModules, options: Record<string, unknown>): { server: Server; store: DynaliteStore } {
  const { db } = modules;
  const create = db.create;
  let store: DynaliteStore | undefined;
  db.create = (storeOptions) => (store = create(storeOptions));
  try {
    const server = modules.dynalite(options);
    return { server, store: store as DynaliteStore };
  } finally {
    db.create = create;
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  route: EngineRoute,
  context: EngineContext,
  dynaliteHandler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<void> {
  const body = await readBody(req);
  let data: Item;
  try {
    data = JSON.parse(body || '{}') as Item;
  } catch {
    return send(res, 400, { __type: 'com.amazon.coral.service#SerializationException' });
  }
  if (route.applies && !route.applies(data)) return replay(req, res, body, dynaliteHandler);
  try {
    send(res, 200, (await route.action(context, data)) ?? {});
  } catch (error) {
    const failure = error as EngineError;
    if (failure.statusCode && failure.body) return send(res, failure.statusCode, failure.body);
    send(res, 500, { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: String(failure.message ?? failure) });
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Hands a request whose body was read to dynalite, as if it arrived now. */
function replay(req: IncomingMessage, res: ServerResponse, body: string, dynaliteHandler: (req: IncomingMessage, res: ServerResponse) => void): void {
  req.removeAllListeners('data');
  req.removeAllListeners('end');
  dynaliteHandler(req, res);
  req.emit('data', Buffer.from(body, 'utf8'));
  req.emit('end');
}

function send(res: ServerResponse, status: number, data: unknown): void {
  const body = JSON.stringify(data);
  res.statusCode = status;
  res.setHeader('x-amzn-RequestId', randomBytes(39).toString('base64').toUpperCase().replace(/\+|\//g, '0'));
  res.setHeader('Content-Type', 'application/x-amz-json-1.0');
  res.setHeader('Content-Length', Buffer.byteLength(body, 'utf8'));
  res.end(body);
}

async function closeAll(server: Server, store: DynaliteStore): Promise<void> {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  await new Promise<void>((resolve, reject) => {
    const done = (error?: Error | null) => (error ? reject(error) : resolve());
    if (store.lifecycleManager) store.lifecycleManager.gracefulClose(done);
    else store.db.close(done);
  });
}
