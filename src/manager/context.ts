import type { RequestExecutor } from '../client/executor';
import type { ResolvedBatchRetry } from '../client/retry';

/**
 * What every operation behind a repository needs: where to send requests and which table. Its own
 * module, so that the operations need not import the repository that uses them.
 */
export interface RepositoryContext {
  readonly executor: RequestExecutor;
  readonly tableName: string;
  /** Retries of getMany/saveMany/deleteMany; the defaults when absent. */
  readonly batchRetry?: ResolvedBatchRetry;
  /** Chunk requests of one getMany/saveMany/deleteMany in flight at once; the default when absent. */
  readonly batchConcurrency?: number;
  /** `scan()` without `allowScan` on the call is allowed (the EntityManager's `allowScan`). */
  readonly allowScan?: boolean;
}
