import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../errors';
import { RequestExecutor } from '../client/executor';
import type { CapacityReporting } from '../client/executor';
import type { Logger } from '../client/logger';
import { meteredCall } from '../client/cost';
import type { CostReporting } from '../client/cost';
import type { TracerLike } from '../client/tracing';
import type { CostHooks } from '../client/cost';
import { meterRepository } from './metered';
import { DEFAULT_BATCH_CONCURRENCY, checkedBatchConcurrency, resolveBatchRetry } from '../client/retry';
import type { BatchRetryOptions, ResolvedBatchRetry } from '../client/retry';
import { getEntityMetadata } from '../metadata/entity-metadata';
import type { Constructor } from '../metadata/types';
import { Repository } from './repository';
import type { RepositoryContext } from './context';
import { Transaction } from './transaction';
import { transactGetEntities } from './transact-get';
import type { EntityRef, LoadedRefs } from './transact-get';
import { ensureTable } from '../runners/table-setup';
import type { EnsureTableOptions } from '../runners/table-setup';
import { reindexEntities } from './actions/reindexer';
import type { ReindexOptions, ReindexResult } from './actions/reindexer';

export type { ReindexOptions, ReindexProgress, ReindexResult, ReindexSkipped } from './actions/reindexer';

export interface EntityManagerOptions {
  /** Your DynamoDBClient; the EntityManager never destroys it. */
  client: DynamoDBClient;
  /** The one table every entity type of this manager lives in. */
  tableName: string;
  /** Receives debug logs of every request (operation, duration, consumed capacity). */
  logger?: Logger;
  /** Ask DynamoDB to report consumed capacity on each request (logged at debug level). @default 'NONE' */
  returnConsumedCapacity?: CapacityReporting;
  /** Retries of unprocessed items and failed requests in getMany/saveMany/deleteMany (backoff with full jitter). */
  batchRetry?: BatchRetryOptions;
  /**
   * How many chunk requests of one getMany/saveMany/deleteMany may be in flight at once (a call's
   * `concurrency` overrides it). `1` sends them one after another. A positive integer. @default 4
   */
  batchConcurrency?: number;
  /**
   * The entity classes stored in this table. `ensureTableExists()` creates (and records) the GSIs of
   * their `@Index` declarations only. Give it when one process uses several tables, so that a table
   * does not get the indexes of another table's entities. @default every decorated class in the process
   */
  entities?: readonly Constructor[];
  /**
   * Let every `scan()` of this manager read the whole table without `allowScan: true` on the call
   * (a call's own `allowScan: false` still refuses). Off by default: a Scan reads and bills every
   * item of every type, so `scan()` throws `ScanNotAllowedError` unless opted in. @default false
   */
  allowScan?: boolean;
  /**
   * Receives what each request and each API call cost: requests, read and write units (as DynamoDB
   * reports them, or computed from item sizes and marked `estimated`), retries and duration. Turns on
   * `returnConsumedCapacity: 'TOTAL'` unless it is set.
   */
  costs?: CostHooks;
  /**
   * An OpenTelemetry tracer (`trace.getTracer('dynamo-single-table')` from `@opentelemetry/api`): one
   * span per API call, a child of the active span, with the call's requests and units as attributes.
   */
  tracer?: TracerLike;
}

const TABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]{3,255}$/;

/**
 * Binds entity classes to one table through one client. Holds no per-request state: share one
 * instance across the application.
 */
export class EntityManager {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly executor: RequestExecutor;
  private readonly repositories = new Map<Constructor, Repository<object>>();
  private tableReady: Promise<void> | undefined;
  private readonly context: RepositoryContext;
  private readonly batchRetry: ResolvedBatchRetry;
  private readonly batchConcurrency: number;
  private readonly entities: readonly Constructor[] | undefined;
  private readonly allowScan: boolean;
  private readonly logger: Logger | undefined;
  /** Where call costs go; undefined without `costs` and `tracer`, and then nothing is metered. */
  private readonly reporting: CostReporting | undefined;

  constructor(options: EntityManagerOptions) {
    if (!options || typeof options.client?.send !== 'function') {
      throw new InvalidArgumentError('EntityManager needs { client: DynamoDBClient, tableName }.');
    }
    if (typeof options.tableName !== 'string' || !TABLE_NAME_PATTERN.test(options.tableName)) {
      throw new InvalidArgumentError(
        `tableName must be 3-255 characters of letters, digits, "_", "-" or ".", got ${JSON.stringify(options.tableName)}.`,
      );
    }
    this.client = options.client;
    this.tableName = options.tableName;
    this.batchRetry = resolveBatchRetry(options.batchRetry);
    this.batchConcurrency = checkedBatchConcurrency(options.batchConcurrency, 'batchConcurrency', DEFAULT_BATCH_CONCURRENCY);
    this.entities = checkedEntities(options.entities);
    if (options.allowScan !== undefined && typeof options.allowScan !== 'boolean') {
      throw new InvalidArgumentError(`allowScan must be true or false, got ${String(options.allowScan)}.`);
    }
    this.allowScan = options.allowScan ?? false;
    this.logger = options.logger;
    this.executor = new RequestExecutor(options.client, {
      logger: options.logger,
      returnConsumedCapacity: options.returnConsumedCapacity,
      costs: options.costs ?? (options.tracer ? {} : undefined),
    });
    const hooks = this.executor.costs;
    this.reporting = hooks && { hooks, logger: options.logger, tracer: options.tracer };
    this.context = { executor: this.executor, tableName: this.tableName };
  }

  /** The repository of an entity class (one per class, cached). Validates the class's decorators. */
  getRepository<T extends object>(target: Constructor<T>): Repository<T> {
    let repository = this.repositories.get(target);
    if (!repository) {
      const { executor, tableName, batchRetry, batchConcurrency, allowScan } = this;
      repository = new Repository<object>({ executor, tableName, batchRetry, batchConcurrency, allowScan }, target);
      if (this.reporting) repository = meterRepository(repository, this.reporting);
      this.repositories.set(target, repository);
    }
    return repository as Repository<T>;
  }

  /**
   * Runs `work` and commits every write it queued on `tx` as one TransactWriteItems (at most 100
   * items, unique guards included): all or nothing. A failed condition cancels everything and throws
   * `TransactionCanceledError` with one mapped reason per failed item. Needs an engine with transactions.
   *
   * @example
   * await em.transaction((tx) => {
   *   tx.update(Account, 'alice', { balance: 90 }, { expectedVersion: 3 });
   *   tx.create(Transfer, { id: 't-1', amount: 10 });
   * });
   */
  transaction<R>(work: (tx: Transaction) => R | Promise<R>): Promise<R> {
    return this.metered('transaction', () => this.runTransaction(work));
  }

  private async runTransaction<R>(work: (tx: Transaction) => R | Promise<R>): Promise<R> {
    const tx = new Transaction(this.context);
    let result: R;
    try {
      result = await work(tx);
    } catch (error) {
      await tx.discard();
      throw error;
    }
    await tx.commit();
    return result;
  }

  /** Reads up to 100 entities of any types as one consistent snapshot (TransactGetItems), in order. */
  async transactGet<const R extends readonly EntityRef[]>(refs: R): Promise<LoadedRefs<R>> {
    return (await this.metered('transactGet', () => transactGetEntities(this.context, refs))) as LoadedRefs<R>;
  }

  /**
   * Creates the table with every index the registered entities need, or adds the missing indexes to an
   * existing table (one UpdateTable each), and waits until they are usable. Idempotent; concurrent
   * calls share one attempt, and calls from several processes are safe. `TableSchemaMismatchError`,
   * with nothing changed, if the table has another key, an index of another shape, or an `@Index` moved
   * to another GSI since the table's layout record was written. `UnsupportedByEngineError` on an engine
   * that cannot add an index to an existing table (dynalite).
   */
  ensureTableExists(options: EnsureTableOptions = {}): Promise<void> {
    // Shared while in flight only: the table may be deleted after a success, so each later call
    // checks again (one DescribeTable) and recreates it, as TableNotFoundError's message advises.
    this.tableReady ??= ensureTable(this.executor, this.tableName, options, this.entities).finally(() => {
      this.tableReady = undefined;
    });
    return this.tableReady;
  }

  /**
   * Writes the index keys of every stored `target` entity whose keys differ from what its `@Index`
   * declarations imply: after adding an index to a type with existing items, or changing one. Reads
   * the type index page by page (one Query per page) and sends one UpdateItem per entity that changes,
   * with only its index key attributes, never overwriting a concurrent save. Idempotent (a second run
   * writes nothing) and resumable from the `cursor` of a run stopped by `maxPages` or an error (the
   * last `onProgress` cursor).
   *
   * @example
   * let cursor: string | undefined;
   * do {
   *   ({ cursor } = await em.reindex(Article, { cursor, maxPages: 10 }));
   * } while (cursor);
   */
  reindex(target: Constructor, options: ReindexOptions = {}): Promise<ReindexResult> {
    return this.metered('reindex', () => reindexEntities(this.context, target, options), target?.name);
  }

  /** `work` as one API call whose cost goes to the `costs` hooks and the tracer; just `work()` without. */
  private metered<R>(call: string, work: () => Promise<R>, entity?: string): Promise<R> {
    return this.reporting ? meteredCall(this.reporting, call, entity, work) : work();
  }
}

/** Each listed class must be an entity (validated now, so a mistake surfaces at start-up). */
function checkedEntities(entities: unknown): readonly Constructor[] | undefined {
  if (entities === undefined) return undefined;
  if (!Array.isArray(entities)) throw new InvalidArgumentError('entities must be an array of entity classes.');
  for (const target of entities) getEntityMetadata(target as Constructor);
  return [...(entities as Constructor[])];
}
