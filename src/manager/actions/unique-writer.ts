import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityNotFoundError, TransactionCanceledError, VersionConflictError } from '../../errors';
import type { DynamoSingleTableError } from '../../errors';
import type { AttributeChange, AttributeCondition } from '../../expressions';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { identityOfItem } from '../../marshalling/stored-item';
import { itemAfterUpdate } from '../../marshalling/managed';
import type { ExpectedIdentity } from '../../operations/entity-commands';
import { claimEntries, createEntries, deleteEntries, deleteStoredEntries, saveEntries, uniqueUpdateEntries } from '../../operations/transaction-entries';
import type { PreparedCreate } from '../../operations/transaction-entries';
import type { TransactionEntry } from '../../operations/transaction-entry';
import { storedUniques } from './entity-checks';
import type { RepositoryContext } from '../context';
import { retryingMoves } from './moved-retry';
import { checkConditionsOnRead } from './write-conditions';
import { runExplainedTransaction } from '../../runners/transaction-runner';

type Item = Record<string, AttributeValue>;

/** getOrCreate: an existing item can vanish between a failed create and the read that follows. */
const RACE_ATTEMPTS = 3;

/** The item moved on between the read and the write, or concurrent transactions kept conflicting. */
function movedMeanwhile(error: unknown): boolean {
  if (error instanceof VersionConflictError) return true;
  return error instanceof TransactionCanceledError && error.failures.length > 0 && error.failures.every((f) => f.reason === 'TransactionConflict');
}

/**
 * Writes of entities with `@Unique()` fields: the entity and its guard items in one transaction,
 * so a value is claimed, moved or released exactly when the entity changes. Failures surface as the
 * single error that explains them (the entity exists, the value is taken, the copy is stale).
 */
export class UniqueWriter<T extends object> {
  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
    private readonly fetchItem: (strId: string) => Promise<Item | undefined>,
  ) {}

  create(prepared: PreparedCreate<T>): Promise<void> {
    return this.commit(createEntries(this.context.tableName, this.mapper, prepared));
  }

  /**
   * Creates the entity, or returns the existing one: the cancellation reason of the entity's Put
   * carries it (ALL_OLD), so no read follows on engines that return it; else one consistent GetItem.
   */
  async getOrCreate(prepared: PreparedCreate<T>): Promise<[T, boolean]> {
    const entries = createEntries(this.context.tableName, this.mapper, prepared);
    for (let attempt = 1; ; attempt += 1) {
      let returned: Item | undefined;
      (entries[0] as TransactionEntry).onConditionFailed = (stored) => {
        returned = stored;
      };
      try {
        await this.commit(entries);
        return [prepared.entity, true];
      } catch (error) {
        if ((error as DynamoSingleTableError).code !== 'ENTITY_ALREADY_EXISTS') throw error;
        const existing = returned ?? (await this.fetchItem(prepared.strId));
        if (existing) return [this.mapper.fromItem(existing), false];
        if (attempt >= RACE_ATTEMPTS) throw error;
      }
    }
  }

  async save(change: { entity: T; strId: string; expected: ExpectedIdentity; item: Item; conditions?: readonly AttributeCondition[] }): Promise<void> {
    const { uniques } = await storedUniques(this.mapper, change.entity, change.strId, change.expected, this.fetchItem);
    await this.commit(saveEntries(this.context.tableName, this.mapper, { ...change, before: uniques }));
  }

  async delete(entity: T | undefined, strId: string, expected: ExpectedIdentity, conditions?: readonly AttributeCondition[]): Promise<void> {
    const { uniques } = await storedUniques(this.mapper, entity, strId, expected, this.fetchItem);
    await this.commit(deleteEntries(this.context.tableName, this.mapper, { strId, expected, before: uniques, conditions }));
  }

  /**
   * Reads the entity for its unique values, then deletes it and releases them in one transaction;
   * false when absent. Valid whatever the version, so concurrent writes of other fields (a counter)
   * do not make it fail; a change of the unique values or uid in between is read again and retried.
   */
  async deleteByStr(strId: string): Promise<boolean> {
    return this.retryingMoves(async () => {
      const item = await this.fetchItem(strId);
      if (!item) return false;
      await this.commit(deleteStoredEntries(this.context.tableName, this.mapper, strId, item));
      return true;
    });
  }

  /**
   * A partial update that changes unique fields: read the entity, then update it and move its guards
   * in one transaction valid while the unique values, the uid and the index key fields its new index
   * keys were computed from are still stored (and at `expectedVersion`, if given). Without
   * `expectedVersion` the caller asked for no particular version: concurrent writes of other fields
   * do not conflict, and a change of those values in between is read again and retried (last writer wins).
   */
  async update(strId: string, changes: AttributeChange[], expectedVersion: number | undefined, conditions?: readonly AttributeCondition[]): Promise<T> {
    if (expectedVersion !== undefined) return this.updateOnce(strId, changes, expectedVersion, conditions);
    return this.retryingMoves(() => this.updateOnce(strId, changes, undefined, conditions));
  }

  /** Writes the guards of every unique value the stored entity holds (see claimEntries). */
  async claimUniques(strId: string): Promise<T> {
    return this.retryingMoves(async () => {
      const item = await this.fetchItem(strId);
      if (!item) throw this.notFound(strId);
      await this.commit(claimEntries(this.context.tableName, this.mapper, strId, item));
      return this.mapper.fromItem(item);
    });
  }

  private async updateOnce(
    strId: string,
    changes: AttributeChange[],
    expectedVersion: number | undefined,
    conditions: readonly AttributeCondition[] | undefined,
  ): Promise<T> {
    const item = await this.fetchItem(strId);
    if (!item) throw this.notFound(strId);
    const { version } = identityOfItem(item);
    if (expectedVersion !== undefined && expectedVersion !== version) {
      throw new VersionConflictError(this.mapper.meta.className, strId, expectedVersion, version);
    }
    checkConditionsOnRead(this.mapper.meta.className, strId, conditions, item);
    const { entries, writeId, indexKeys } = uniqueUpdateEntries(this.context.tableName, this.mapper, { strId, item }, changes, expectedVersion, conditions);
    await this.commit(entries);
    return this.mapper.fromItem(itemAfterUpdate(item, changes, indexKeys, writeId));
  }

  /** Runs a read-then-transact step again while the item moved on between the read and the write. */
  private retryingMoves<R>(step: () => Promise<R>): Promise<R> {
    return retryingMoves(step, movedMeanwhile);
  }

  private notFound(strId: string): EntityNotFoundError {
    return new EntityNotFoundError(this.mapper.meta.className, { [this.mapper.meta.strIdProperty]: strId });
  }

  private commit(entries: TransactionEntry[]): Promise<void> {
    return runExplainedTransaction(this.context.executor, entries);
  }
}
