/**
 * Jest globalSetup of the integration project: starts the shared engines once per run and hands their
 * endpoints to the workers through environment variables (see engine-env.ts).
 */
import {
  DYNAMODB_LOCAL_ENDPOINT_VAR,
  DYNAMODB_LOCAL_UNAVAILABLE_VAR,
  MOTO_ENDPOINT_VAR,
  MOTO_UNAVAILABLE_VAR,
  isCi,
  isEngineWanted,
  requestedEngineFilter,
} from './engine-env';
import { startDynamoDBLocalContainer } from './dynamodb-local-container';
import type { DynamoDBLocalContainer } from './dynamodb-local-container';
import { MotoUnavailableError, startMoto } from './moto-server';
import type { MotoServer } from './moto-server';

/** Read back by global-teardown.ts (globalSetup and globalTeardown share the parent's globalThis). */
export interface SharedEngines {
  moto?: MotoServer;
  dynamodbLocal?: DynamoDBLocalContainer;
}
export const SHARED_ENGINES_KEY = '__dynamoSingleTableSharedEngines';

function announce(message: string): void {
  process.stderr.write(`\n[engines] ${message}\n`);
}

async function setUpMoto(shared: SharedEngines): Promise<void> {
  try {
    shared.moto = await startMoto();
    process.env[MOTO_ENDPOINT_VAR] = shared.moto.endpoint;
    if (process.env.DST_TEST_VERBOSE) announce(`moto_server up at ${shared.moto.endpoint} in ${shared.moto.startupMs} ms`);
  } catch (error) {
    const reason = error instanceof MotoUnavailableError ? error.message : `moto_server failed to start: ${String(error)}`;
    // In CI the moto lane is part of the contract: a missing moto must fail the run, not shrink it.
    if (isCi()) throw new Error(`CI=true requires the moto lane: ${reason}`);
    process.env[MOTO_UNAVAILABLE_VAR] = reason;
    announce(`moto lane SKIPPED: ${reason}`);
  }
}

async function setUpDynamoDBLocal(shared: SharedEngines): Promise<void> {
  try {
    shared.dynamodbLocal = await startDynamoDBLocalContainer();
    process.env[DYNAMODB_LOCAL_ENDPOINT_VAR] = shared.dynamodbLocal.endpoint;
  } catch (error) {
    const reason = (error as Error).message;
    process.env[DYNAMODB_LOCAL_UNAVAILABLE_VAR] = reason;
    announce(`dynamodb-local lane SKIPPED: ${reason}`);
  }
}

export default async function globalSetup(): Promise<void> {
  requestedEngineFilter(); // fail fast on a typo in DYNAMODB_ENGINES
  const shared: SharedEngines = {};
  (globalThis as Record<string, unknown>)[SHARED_ENGINES_KEY] = shared;
  const starts: Promise<void>[] = [];
  if (isEngineWanted('moto')) starts.push(setUpMoto(shared));
  if (isEngineWanted('dynamodb-local')) {
    if (process.env.DYNAMODB_TESTCONTAINERS === '1') starts.push(setUpDynamoDBLocal(shared));
    else process.env[DYNAMODB_LOCAL_UNAVAILABLE_VAR] = 'set DYNAMODB_TESTCONTAINERS=1 to start DynamoDB Local';
  }
  await Promise.all(starts);
}
