/**
 * Environment contract between the Jest parent (global-setup.ts) and the test workers (engines.ts).
 * Workers must decide their engine lanes synchronously at test registration, so everything they need
 * travels in environment variables that globalSetup sets before any worker is forked.
 */

export type EngineName = 'dynalite' | 'plain-dynalite' | 'moto' | 'external' | 'dynamodb-local';

export const ALL_ENGINE_NAMES: readonly EngineName[] = ['dynalite', 'plain-dynalite', 'moto', 'external', 'dynamodb-local'];

/** Set by globalSetup: `http://127.0.0.1:PORT` of the shared moto_server. */
export const MOTO_ENDPOINT_VAR = 'DST_TEST_MOTO_ENDPOINT';
/** Set by globalSetup when the moto lane is requested but could not be started: the reason. */
export const MOTO_UNAVAILABLE_VAR = 'DST_TEST_MOTO_UNAVAILABLE';
/** Set by globalSetup: endpoint of the DynamoDB Local container started through testcontainers. */
export const DYNAMODB_LOCAL_ENDPOINT_VAR = 'DST_TEST_DYNAMODB_LOCAL_ENDPOINT';
/** Set by globalSetup when DYNAMODB_TESTCONTAINERS=1 but the container could not be started. */
export const DYNAMODB_LOCAL_UNAVAILABLE_VAR = 'DST_TEST_DYNAMODB_LOCAL_UNAVAILABLE';

/**
 * Client settings every moto client needs besides localClientConfig's (whose region moto accepts):
 * moto reports its own crashes as HTTP 500 HTML pages, and retrying them only hides them.
 */
export const MOTO_CLIENT_OVERRIDES = { maxAttempts: 1 } as const;

function isEngineName(value: string): value is EngineName {
  return (ALL_ENGINE_NAMES as readonly string[]).includes(value);
}

/** `DYNAMODB_ENGINES=dynalite,moto` restricts the lanes; unset means "every lane that can run". */
export function requestedEngineFilter(env: NodeJS.ProcessEnv = process.env): ReadonlySet<EngineName> | undefined {
  const raw = env.DYNAMODB_ENGINES?.trim();
  if (!raw) return undefined;
  const names = raw.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !isEngineName(name));
  if (unknown.length > 0) {
    throw new Error(`DYNAMODB_ENGINES has unknown engine(s) ${unknown.join(', ')}; known: ${ALL_ENGINE_NAMES.join(', ')}`);
  }
  return new Set(names as EngineName[]);
}

/** Whether a lane should run (or at least be reported as skipped) in this test run. */
export function isEngineWanted(name: EngineName, env: NodeJS.ProcessEnv = process.env): boolean {
  const filter = requestedEngineFilter(env);
  if (filter) return filter.has(name);
  if (name === 'external') return Boolean(env.DYNAMODB_ENDPOINT);
  if (name === 'dynamodb-local') return env.DYNAMODB_TESTCONTAINERS === '1';
  return true;
}

/** CI sets CI=true; there a lane that should exist but does not is a failure, not a skip. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}
