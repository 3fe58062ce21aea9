import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { createEmbeddedEngine } from './engine';
import type { EmbeddedEngine } from './engine';

export interface LocalDynamoDBOptions {
  /** Directory for an on-disk store (created if missing). In-memory when omitted. */
  path?: string;
  /** TCP port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to the IPv4 loopback so nothing is exposed to the network. */
  host?: string;
  /**
   * Deletes items whose TTL attribute has passed every this many milliseconds, as DynamoDB does
   * eventually. Off by default: tests call `deleteExpiredItems()` to make expiry happen at a known point.
   */
  ttlSweepMs?: number;
}

export interface LocalDynamoDB {
  /** e.g. `http://127.0.0.1:54321`; pass it to `localClientConfig` to build more clients. */
  readonly endpoint: string;
  /** A client already pointed at `endpoint`. It is destroyed by `stop()`. */
  readonly client: DynamoDBClient;
  /** Destroys the client, then closes the server. Safe to call more than once. */
  stop(): Promise<void>;
  /**
   * Deletes now, with their index entries, the items of TTL-enabled tables whose TTL attribute (a Number
   * of epoch seconds) is below `now` (default: the current time); returns how many were deleted.
   */
  deleteExpiredItems(now?: Date): Promise<number>;
}

/** Raised when the local server cannot be loaded, started or stopped; the original error is `cause`. */
export class LocalDynamoDBError extends Error {
  override readonly cause: unknown;

  constructor(message: string, cause?: unknown) {
    super(cause instanceof Error ? `${message}: ${cause.message}` : message);
    this.name = 'LocalDynamoDBError';
    this.cause = cause;
  }
}

/**
 * Client settings for a local engine: dummy credentials and a real region name,
 * so the SDK never looks for real AWS credentials on a developer machine.
 */
export function localClientConfig(
  endpoint: string,
  overrides: Partial<DynamoDBClientConfig> = {},
): DynamoDBClientConfig {
  return {
    endpoint,
    // A real region name: local engines accept any, but moto answers a made-up one with an HTTP 500.
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // A loopback server does not throttle; a couple of retries only cover a dropped keep-alive socket.
    maxAttempts: 2,
    ...overrides,
  };
}

/**
 * Starts the embedded DynamoDB-compatible engine (dynalite's storage, completed with transactions,
 * conditional-failure returns, TTL and online indexes: see the README's Engines section) on the
 * loopback interface. Tables become ACTIVE immediately, so tests need no waiting. Requires `dynalite`
 * as a dev dependency of the caller.
 */
export async function startLocalDynamoDB(options: LocalDynamoDBOptions = {}): Promise<LocalDynamoDB> {
  const host = options.host ?? '127.0.0.1';
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const engine = await loadEngine(options.path, options.ttlSweepMs);
  const port = await listen(engine.server, options.port ?? 0, host);
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const client = new DynamoDBClient(localClientConfig(endpoint));
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    client,
    stop: () => (stopping ??= stopServer(client, engine, endpoint)),
    deleteExpiredItems: (now) => engine.deleteExpiredItems(now?.getTime()),
  };
}

async function loadEngine(path: string | undefined, ttlSweepMs: number | undefined): Promise<EmbeddedEngine> {
  try {
    return await createEmbeddedEngine({ path, ttlSweepMs });
  } catch (error) {
    throw new LocalDynamoDBError(
      'dynalite could not be loaded; install dynalite as a dev dependency to use dynamo-single-table/testing',
      error,
    );
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: Error): void => {
      reject(new LocalDynamoDBError(`the local engine could not listen on ${host}:${port}`, error));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      const address = server.address();
      resolvePort(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

async function stopServer(client: DynamoDBClient, engine: EmbeddedEngine, endpoint: string): Promise<void> {
  // The client first: its keep-alive sockets would otherwise hold server.close() open.
  client.destroy();
  try {
    await engine.close();
  } catch (error) {
    throw new LocalDynamoDBError(`the local engine at ${endpoint} did not shut down cleanly`, error);
  }
}
