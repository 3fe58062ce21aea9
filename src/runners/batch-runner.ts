import { DynamoDBRequestError } from '../errors';
import { backoffDelay, sleep } from '../client/retry';
import type { ResolvedBatchRetry } from '../client/retry';
import { chunk } from '../operations/batch-commands';

/** What is left of a batch after its retries: `left` in input order, and why it stopped. */
export interface BatchOutcome<E> {
  left: E[];
  /** The error of the last request, if it failed; undefined when DynamoDB kept returning them unprocessed. */
  failure: unknown;
  /** Entries of `left` sent in a request whose outcome is unknown (it may have been applied). */
  outcomeUnknown: Set<E>;
}

/** Sends one request for `entries` and resolves to the entries DynamoDB did not process. */
export type SendBatch<E> = (entries: E[]) => Promise<E[]>;

/**
 * Sends `entries` in chunks of `size`, at most `concurrency` chunks at a time (1: one after the
 * other). Each chunk is retried on its own (`untilProcessed`) and keeps its slot while it waits, so at
 * most `concurrency` requests are in flight. Once a chunk gives up, no further chunk is started (a
 * throttled table is not hammered further); chunks already started run to their end, retries
 * included, so that what they did is known rather than abandoned mid-request. Chunks never started
 * are part of what is left, so the caller can tell exactly what was done.
 */
export async function runBatch<E>(
  entries: E[],
  size: number,
  send: SendBatch<E>,
  retry: ResolvedBatchRetry,
  concurrency = 1,
): Promise<BatchOutcome<E>> {
  const chunks = chunk(entries, size);
  const outcomes: Array<BatchOutcome<E> | undefined> = [];
  let next = 0;
  let stoppedBy: BatchOutcome<E> | undefined;
  const worker = async () => {
    while (stoppedBy === undefined && next < chunks.length) {
      const index = next++;
      const outcome = await untilProcessed(chunks[index] as E[], send, retry);
      outcomes[index] = outcome;
      if (outcome.left.length > 0) stoppedBy ??= outcome;
    }
  };
  // untilProcessed settles every failure into its outcome, so no worker rejects and none is orphaned.
  await Promise.all(Array.from({ length: Math.min(concurrency, chunks.length) }, worker));
  return {
    left: chunks.flatMap((part, index) => outcomes[index]?.left ?? part),
    // Why the batch stopped: the first chunk to give up (others that gave up while in flight are in `left` too).
    failure: stoppedBy?.failure,
    outcomeUnknown: new Set(outcomes.flatMap((outcome) => [...(outcome?.outcomeUnknown ?? [])])),
  };
}

/**
 * Sends one chunk until DynamoDB has processed all of it, resending what it returned unprocessed and
 * what failed transiently, with backoff and jitter between attempts. `maxAttempts` counts attempts in
 * a row without progress: a request that processes anything resets it, so a large chunk that
 * DynamoDB serves a little at a time still completes.
 */
async function untilProcessed<E>(part: E[], send: SendBatch<E>, retry: ResolvedBatchRetry): Promise<BatchOutcome<E>> {
  let pending = part;
  let failure: unknown;
  const unknown = new Set<E>();
  for (let stalled = 0; ; ) {
    try {
      const unprocessed = await send(pending);
      stalled = unprocessed.length < pending.length ? 0 : stalled + 1;
      pending = unprocessed;
      failure = undefined;
    } catch (error) {
      if (mayHaveBeenApplied(error)) for (const entry of pending) unknown.add(entry);
      failure = error;
      stalled += 1;
      if (!isTransient(error)) break;
    }
    if (pending.length === 0 || stalled >= retry.maxAttempts) break;
    await sleep(backoffDelay(stalled, retry));
  }
  return { left: pending, failure, outcomeUnknown: new Set(pending.filter((entry) => unknown.has(entry))) };
}

/** Throttling, 5xx and lost connections: the same request may succeed later. */
function isTransient(error: unknown): boolean {
  return error instanceof DynamoDBRequestError && error.retryable;
}

/**
 * A 4xx answer means DynamoDB refused the whole request. Without an answer (lost connection), with a
 * 5xx, or after SDK retries (an earlier attempt may have been applied and its answer lost) nobody knows.
 */
function mayHaveBeenApplied(error: unknown): boolean {
  if (!(error instanceof DynamoDBRequestError)) return true;
  const status = error.httpStatusCode;
  return status === undefined || status >= 500 || (error.attempts ?? 1) > 1;
}
