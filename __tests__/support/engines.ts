/**
 * Runs integration tests once per DynamoDB engine ("lane"). Which lanes exist is decided synchronously
 * from the environment (see engine-env.ts), so skipped lanes and skipped tests show up by name.
 *
 *   describeEachEngine('Repository', (engine) => {
 *     it('writes', async () => { await engine().client.send(...) });
 *     testWhen((caps) => caps.transactions, 'needs TransactWriteItems', 'writes atomically', async () => {...});
 *   });
 */
import path from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { localClientConfig, startLocalDynamoDB } from '../../src/testing';
import {
  DYNAMODB_LOCAL_ENDPOINT_VAR,
  DYNAMODB_LOCAL_UNAVAILABLE_VAR,
  MOTO_CLIENT_OVERRIDES,
  MOTO_ENDPOINT_VAR,
  MOTO_UNAVAILABLE_VAR,
  isEngineWanted,
} from './engine-env';
import type { EngineName } from './engine-env';

export type { EngineName } from './engine-env';
export { createKeyValueTable, waitForTableActive, waitForTableDeleted } from './engine-tables';
import { startPlainDynalite } from './plain-dynalite';

export interface EngineCapabilities {
  /** TransactWriteItems / TransactGetItems are implemented. */
  transactions: boolean;
  /** A failed condition check returns the stored item when asked with ReturnValuesOnConditionCheckFailure: ALL_OLD. */
  returnValuesOnConditionCheckFailure: boolean;
  /** Items whose TTL attribute is in the past are actually deleted (eventually). */
  ttl: boolean;
  /** UpdateTable can add a global secondary index to an existing table (GlobalSecondaryIndexUpdates Create). */
  onlineIndexCreation: boolean;
  /** The table's ConsumedCapacity follows DynamoDB's rounding (per item, per 1 KB / 4 KB, halved for eventual reads); index copies may be left out. */
  billedCapacity: boolean;
}

export interface TestEngine {
  readonly name: EngineName;
  readonly client: DynamoDBClient;
  readonly endpoint: string;
  readonly capabilities: EngineCapabilities;
  /** A table name unique to this test file + engine + call, safe to create. */
  tableName(suffix?: string): string;
}

/** What is known about a lane at registration time, before any server or client exists. */
export interface EngineLane {
  readonly name: EngineName;
  readonly capabilities: EngineCapabilities;
  /** Set when the lane was wanted but cannot run: its tests are registered as one visible skip. */
  readonly unavailableReason?: string;
}

export type CapabilityPredicate = (capabilities: EngineCapabilities) => boolean;

const CAPABILITIES: Record<EngineName, EngineCapabilities> = {
  dynalite: { transactions: true, returnValuesOnConditionCheckFailure: true, ttl: true, onlineIndexCreation: true, billedCapacity: true },
  'plain-dynalite': { transactions: false, returnValuesOnConditionCheckFailure: false, ttl: false, onlineIndexCreation: false, billedCapacity: true },
  moto: { transactions: true, returnValuesOnConditionCheckFailure: true, ttl: false, onlineIndexCreation: true, billedCapacity: false },
  external: { transactions: true, returnValuesOnConditionCheckFailure: true, ttl: true, onlineIndexCreation: true, billedCapacity: true },
  'dynamodb-local': { transactions: true, returnValuesOnConditionCheckFailure: true, ttl: true, onlineIndexCreation: true, billedCapacity: true },
};

/** `DYNAMODB_CAPABILITIES=ttl=false,transactions=true` adjusts the external and dynamodb-local lanes. */
function capabilitiesFor(name: EngineName): EngineCapabilities {
  const capabilities = { ...CAPABILITIES[name] };
  if (name !== 'external' && name !== 'dynamodb-local') return capabilities;
  for (const entry of (process.env.DYNAMODB_CAPABILITIES ?? '').split(',').filter(Boolean)) {
    const [key, value = 'true'] = entry.trim().split('=');
    if (!(key in capabilities)) throw new Error(`DYNAMODB_CAPABILITIES: unknown capability ${JSON.stringify(key)}`);
    capabilities[key as keyof EngineCapabilities] = value === 'true' || value === '1';
  }
  return capabilities;
}

function laneUnavailableReason(name: EngineName): string | undefined {
  const env = process.env;
  switch (name) {
    case 'dynalite':
    case 'plain-dynalite':
      return undefined;
    case 'moto':
      if (env[MOTO_ENDPOINT_VAR]) return undefined;
      return env[MOTO_UNAVAILABLE_VAR] ?? 'moto_server was not started (run through jest.config.js globalSetup)';
    case 'external':
      return env.DYNAMODB_ENDPOINT ? undefined : 'DYNAMODB_ENDPOINT is not set';
    case 'dynamodb-local':
      if (env[DYNAMODB_LOCAL_ENDPOINT_VAR]) return undefined;
      return env[DYNAMODB_LOCAL_UNAVAILABLE_VAR] ?? 'the DynamoDB Local container was not started (DYNAMODB_TESTCONTAINERS=1)';
  }
}

/** The lanes of this run, decided synchronously from the environment. */
export function engineLanes(): EngineLane[] {
  const names: EngineName[] = ['dynalite', 'plain-dynalite', 'moto', 'external', 'dynamodb-local'];
  return names
    .filter((name) => isEngineWanted(name))
    .map((name) => ({ name, capabilities: capabilitiesFor(name), unavailableReason: laneUnavailableReason(name) }));
}

interface RunningEngine {
  engine: TestEngine;
  /** Tables handed out by tableName(); dropped at the end on engines that outlive the test file. */
  handedOutTables: string[];
  stop(): Promise<void>;
}

function externalClientConfig(endpoint: string): DynamoDBClientConfig {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'local';
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) return localClientConfig(endpoint, { region, maxAttempts: 3 });
  return localClientConfig(endpoint, {
    region,
    maxAttempts: 3,
    credentials: { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, sessionToken: AWS_SESSION_TOKEN },
  });
}

async function connect(name: EngineName): Promise<{ client: DynamoDBClient; endpoint: string; stop(): Promise<void> }> {
  const remote = (endpoint: string, config: DynamoDBClientConfig) => {
    const client = new DynamoDBClient(config);
    return { client, endpoint, stop: async () => client.destroy() };
  };
  switch (name) {
    case 'dynalite':
      return startLocalDynamoDB();
    case 'plain-dynalite':
      return startPlainDynalite();
    case 'moto': {
      const endpoint = process.env[MOTO_ENDPOINT_VAR] as string;
      return remote(endpoint, localClientConfig(endpoint, MOTO_CLIENT_OVERRIDES));
    }
    case 'external':
      return remote(process.env.DYNAMODB_ENDPOINT as string, externalClientConfig(process.env.DYNAMODB_ENDPOINT as string));
    case 'dynamodb-local': {
      const endpoint = process.env[DYNAMODB_LOCAL_ENDPOINT_VAR] as string;
      return remote(endpoint, localClientConfig(endpoint));
    }
  }
}

/** Per process, so two files running in the same worker still get distinct names. */
let tableCounter = 0;
const RUN_TOKEN = `${Date.now().toString(36).slice(-5)}${process.pid.toString(36)}`;

function uniqueTableName(lane: EngineLane, suffix: string): string {
  const testFile = path.basename(expect.getState().testPath ?? 'unknown', '.test.ts');
  tableCounter += 1;
  const raw = ['dst', testFile, lane.name, RUN_TOKEN, String(tableCounter), suffix].filter(Boolean).join('-');
  // DynamoDB table names: 3-255 characters of [a-zA-Z0-9_.-].
  return raw.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 255);
}

async function startLane(lane: EngineLane): Promise<RunningEngine> {
  const { client, endpoint, stop } = await connect(lane.name);
  const handedOutTables: string[] = [];
  const engine: TestEngine = {
    name: lane.name,
    client,
    endpoint,
    capabilities: lane.capabilities,
    tableName(suffix = '') {
      const name = uniqueTableName(lane, suffix);
      handedOutTables.push(name);
      return name;
    },
  };
  return { engine, handedOutTables, stop };
}

async function stopLane(running: RunningEngine): Promise<void> {
  // dynalite is in-memory and per file: dropping it drops its tables. Shared engines keep tables
  // until told, so drop every table this file was given (most will exist; missing ones are fine).
  if (running.engine.name !== 'dynalite' && running.engine.name !== 'plain-dynalite') {
    await Promise.allSettled(
      running.handedOutTables.map((TableName) => running.engine.client.send(new DeleteTableCommand({ TableName }))),
    );
  }
  await running.stop();
}

/** The lane whose describeEachEngine body is being registered right now (registration is synchronous). */
let registeringLane: EngineLane | undefined;

/**
 * Registers one `describe(`${title} [${engine}]`)` block per lane. `engine()` is valid inside hooks and
 * tests; `lane` is the registration-time view, for deciding what to register.
 */
export function describeEachEngine(title: string, body: (engine: () => TestEngine, lane: EngineLane) => void): void {
  for (const lane of engineLanes()) {
    describe(`${title} [${lane.name}]`, () => {
      if (lane.unavailableReason !== undefined) {
        test.skip(`all tests — skipped on ${lane.name}: ${lane.unavailableReason}`, () => undefined);
        return;
      }
      registerLane(lane, body);
    });
  }
}

function registerLane(lane: EngineLane, body: (engine: () => TestEngine, lane: EngineLane) => void): void {
  let running: RunningEngine | undefined;
  beforeAll(async () => {
    running = await startLane(lane);
  });
  const engine = (): TestEngine => {
    if (!running) throw new Error(`engine() for ${lane.name} is only available inside hooks and tests`);
    return running.engine;
  };
  registeringLane = lane;
  try {
    body(engine, lane);
  } finally {
    registeringLane = undefined;
  }
  // Registered after the body so the body's own afterAll hooks still have a live client.
  afterAll(async () => {
    if (running) await stopLane(running);
    running = undefined;
  });
}

/**
 * Inside a describeEachEngine body: registers `test(name, fn)` when `needs(capabilities)` holds for the
 * lane being registered, otherwise `test.skip(`${name} — skipped on ${lane}: ${reason}`)`.
 */
export function testWhen(
  needs: CapabilityPredicate,
  reason: string,
  name: string,
  fn: jest.ProvidesCallback,
  timeoutMs?: number,
): void {
  const lane = registeringLane;
  if (!lane) throw new Error(`testWhen(${JSON.stringify(name)}) must be called inside a describeEachEngine body`);
  if (needs(lane.capabilities)) test(name, fn, timeoutMs);
  else test.skip(`${name} — skipped on ${lane.name}: ${reason}`, () => undefined);
}
