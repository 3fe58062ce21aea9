import { InvalidArgumentError } from '../errors';

/**
 * How batch operations retry the part of a batch DynamoDB did not process (`UnprocessedItems`,
 * `UnprocessedKeys`) and whole batch requests that failed transiently (throttling, 5xx, network).
 * This is on top of the SDK's own retries of each request (the client's `maxAttempts`).
 */
export interface BatchRetryOptions {
  /**
   * Requests in a row that may make no progress (an error, or nothing processed) before a batch
   * operation gives up on its remaining items. A request that processes anything resets the count,
   * so a large batch that DynamoDB serves a little at a time still completes. @default 8
   */
  maxAttempts?: number;
  /** Upper bound of the first delay; each further attempt doubles it. @default 25 */
  baseDelayMs?: number;
  /** No delay is ever longer than this. @default 2000 */
  maxDelayMs?: number;
}

export type ResolvedBatchRetry = Readonly<Required<BatchRetryOptions>>;

export const DEFAULT_BATCH_RETRY: ResolvedBatchRetry = Object.freeze({ maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 2000 });

/** Defaults filled in and every value checked, so a typo fails at start-up rather than under load. */
export function resolveBatchRetry(options: BatchRetryOptions | undefined): ResolvedBatchRetry {
  const resolved = { ...DEFAULT_BATCH_RETRY, ...definedEntries(options ?? {}) };
  const { maxAttempts, baseDelayMs, maxDelayMs } = resolved;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidArgumentError(`batchRetry.maxAttempts must be an integer >= 1, got ${String(maxAttempts)}.`);
  }
  for (const [name, value] of Object.entries({ baseDelayMs, maxDelayMs })) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new InvalidArgumentError(`batchRetry.${name} must be a finite number >= 0, got ${String(value)}.`);
    }
  }
  return Object.freeze(resolved);
}

/**
 * How many chunk requests of one getMany/saveMany/deleteMany may be in flight at once, unless the
 * EntityManager's `batchConcurrency` or the call's `concurrency` says otherwise. A request mostly
 * waits on the network, so 4 in flight cut the wall time of a large batch severalfold (2.6x for
 * 1,000 saves at 8 ms per request) while a burst stays small: at most 100 writes or 400 keys in
 * flight, a handful of the SDK's sockets (shared with the application's other requests), and at most
 * 4 chunks backing off together when a table throttles. More pays off only with capacity to spare.
 */
export const DEFAULT_BATCH_CONCURRENCY = 4;

/**
 * `value` when it is a positive integer, `fallback` when it is undefined; anything else is refused
 * (InvalidArgumentError naming `name`) before a request is sent: 0 would send nothing at all, 2.5
 * has no meaning.
 */
export function checkedBatchConcurrency(value: unknown, name: string, fallback: number, entity?: string): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new InvalidArgumentError(`${name} must be an integer >= 1 (chunk requests in flight at once), got ${describe(value)}.`, entity, {
    hint: `1 sends the chunks one after another; the default is ${DEFAULT_BATCH_CONCURRENCY}.`,
  });
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function definedEntries(options: BatchRetryOptions): BatchRetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/**
 * Exponential backoff with full jitter: a uniformly random delay in [0, min(maxDelayMs, baseDelayMs *
 * 2^(attempt-1))). Full jitter spreads out the clients that were throttled together, so they do not
 * all come back at the same moment (see the AWS Architecture Blog, "Exponential Backoff And Jitter").
 * `attempt` is the 1-based number of the attempt that just failed.
 */
export function backoffDelay(
  attempt: number,
  options: Pick<ResolvedBatchRetry, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempt - 1, 30)); // 2^30 already exceeds any sane cap
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

export function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
