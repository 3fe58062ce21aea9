import { backoffDelay, sleep } from '../../client/retry';

/** Read-then-write steps retried after the item moved on between the read and the write. */
export const MOVED_ATTEMPTS = 12;

/**
 * Runs a read-then-write step again while it fails because the item moved on between the read and
 * the write (`moved` says which failures mean that): each such failure means another writer made
 * progress, so a few attempts with jittered backoff let every writer through. The last failure is
 * thrown once the attempts are spent.
 */
export async function retryingMoves<R>(step: () => Promise<R>, moved: (error: unknown) => boolean): Promise<R> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      if (!moved(error) || attempt >= MOVED_ATTEMPTS) throw error;
      await sleep(backoffDelay(attempt, { baseDelayMs: 10, maxDelayMs: 200 }));
    }
  }
}
