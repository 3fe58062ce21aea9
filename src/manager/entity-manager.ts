import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../errors';
import { RequestExecutor } from '../client/executor';
import type { CapacityReporting } from '../client/executor';
import type { Logger } from '../client/logger';
import type { Constructor } from '../metadata/types';
import { Repository } from './repository';
import { ensureTable } from './table-setup';
import type { EnsureTableOptions } from './table-setup';

export interface EntityManagerOptions {
  /** Your DynamoDBClient; the EntityManager never destroys it. */
  client: DynamoDBClient;
  /** The one table every entity type of this manager lives in. */
  tableName: string;
  /** Receives debug logs of every request (operation, duration, consumed capacity). */
  logger?: Logger;
  /** Ask DynamoDB to report consumed capacity on each request (logged at debug level). @default 'NONE' */
  returnConsumedCapacity?: CapacityReporting;
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
  private readonly repositories = new Map<Function, Repository<object>>();
  private tableReady: Promise<void> | undefined;

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
    this.executor = new RequestExecutor(options.client, {
      logger: options.logger,
      returnConsumedCapacity: options.returnConsumedCapacity,
    });
  }

  /** The repository of an entity class (one per class, cached). Validates the class's decorators. */
  getRepository<T extends object>(target: Constructor<T>): Repository<T> {
    let repository = this.repositories.get(target);
    if (!repository) {
      repository = new Repository<object>({ executor: this.executor, tableName: this.tableName }, target);
      this.repositories.set(target, repository);
    }
    return repository as Repository<T>;
  }

  /**
   * Creates the table and its index if missing and waits until they are usable. Idempotent; concurrent
   * calls share one attempt. `TableSchemaMismatchError` if a table of another layout has the name.
   */
  ensureTableExists(options: EnsureTableOptions = {}): Promise<void> {
    this.tableReady ??= ensureTable(this.executor, this.tableName, options).catch((error: unknown) => {
      this.tableReady = undefined; // a failed attempt may be retried
      throw error;
    });
    return this.tableReady;
  }
}
