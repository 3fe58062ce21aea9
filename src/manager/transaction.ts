import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityNotFoundError, EntityValidationError, InvalidArgumentError } from '../errors';
import type { AttributeChange } from '../expressions';
import { newWriteId } from '../keys';
import type { EntityMapper } from '../marshalling/entity-mapper';
import { mapperOfEntity, mapperOfTarget } from './entity-target';
import type { EntityTarget } from './entity-target';
import { indexKeysNeedStoredItem, isIndexKeyField } from '../marshalling/index-changes';
import { indexKeysForUpdate } from '../marshalling/managed';
import { patchToChanges } from '../marshalling/patch';
import { identityOfItem } from '../marshalling/stored-item';
import { getItemInput } from '../operations/entity-commands';
import { conditionCheckEntry, updateEntry } from '../operations/transaction-commands';
import { createEntries, deleteEntries, deleteExistingEntries, saveEntries, uniqueUpdateEntries } from '../operations/transaction-entries';
import type { TransactionEntry } from '../operations/transaction-entry';
import { checkedIdentity, incrementAmount, prepareCreate, storedUniques, unchangedStrId } from './actions/entity-checks';
import { checkVersionOption, incrementAsSet } from './actions/entity-updater';
import type { WriteOptions } from './actions/entity-writer';
import { checkConditionsOnRead, checkedReadItem, writeConditions } from './actions/write-conditions';
import type { WriteGuards } from './actions/write-conditions';
import type { ExpectedAttributes } from '../operations/entity-commands';
import type { RepositoryContext } from './context';
import { runTransaction } from '../runners/transaction-runner';
import type { EntityInput, NumericKeys } from './types';
import type { UpdateOptions } from './actions/entity-updater';

type Item = Record<string, AttributeValue>;

/**
 * Collects writes over any entity types and commits them as one TransactWriteItems when the
 * `em.transaction()` callback returns: all of them or none. Methods queue their work and return at
 * once (do not await them); validation runs before anything is sent, and instances get their new
 * uid/version only after the commit.
 */
export class Transaction {
  private readonly pending: Promise<TransactionEntry[]>[] = [];

  constructor(private readonly context: RepositoryContext) {}

  /**
   * Creates an entity (its str id must be free). Returns the instance, stored after the commit. Takes
   * the class and plain input (or an instance), or an instance alone, as `repository.create` does. A
   * child type's target is its scoped repository: `tx.create(em.getRepository(Comment).of(slug), input)`.
   */
  create<T extends object>(entity: T): T;
  create<T extends object>(target: EntityTarget<T>, input: EntityInput<T> | T): T;
  create<T extends object>(target: EntityTarget<T> | T, input?: EntityInput<T> | T): T {
    if (input === undefined && isEntityInstance(target)) return this.createWith(mapperOfEntity(target as T), target as T);
    return this.createWith(mapperOfTarget(target as EntityTarget<T>), input as EntityInput<T> | T);
  }

  private createWith<T extends object>(mapper: EntityMapper<T>, input: EntityInput<T> | T): T {
    const entity = mapper.build(input);
    this.queue(async () => createEntries(this.context.tableName, mapper, await prepareCreate(mapper, entity)));
    return entity;
  }

  /**
   * Creates a new entity or replaces a loaded one at its version (and while its stored fields meet
   * `condition`, if given: else `ConditionFailedError` among the cancellation's failures).
   */
  save<T extends object>(entity: T, options: WriteOptions<T> = {}): T {
    const mapper = mapperOfEntity(entity);
    const conditions = writeConditions(mapper, options.condition);
    if (mapper.identityOf(entity).version === undefined) {
      if (conditions) throw new InvalidArgumentError(`save() of a new ${mapper.meta.className} takes no condition: nothing is stored to meet it.`, mapper.meta.className);
      return this.createWith(mapper, entity);
    }
    this.queue(async () => {
      const expected = checkedIdentity(mapper, mapper.identityOf(entity));
      const strId = unchangedStrId(mapper, entity);
      await mapper.validate(entity);
      const item = mapper.toItem(entity, { uid: expected.uid, version: expected.version + 1 });
      const { uniques } = await this.uniquesOf(mapper, entity, strId, expected);
      return saveEntries(this.context.tableName, mapper, { entity, strId, expected, item, before: uniques, conditions });
    });
    return entity;
  }

  /**
   * Changes some fields of an entity (see `Repository.update`). A change of unique fields reads the
   * entity now and moves its guards; so does a change of index key fields whose new key needs stored
   * values (a key field the patch leaves out; a patch giving every key field of the index reads
   * nothing). The commit then applies only while the values read are still stored (else
   * `TransactionCanceledError`), and an entity missing now (or not at `expectedVersion`) is
   * `EntityNotFoundError` (`VersionConflictError`).
   */
  update<T extends object>(target: EntityTarget<T>, strId: string, patch: Partial<EntityInput<T>>, options: UpdateOptions<T> = {}): void {
    const mapper = mapperOfTarget(target);
    const key = mapper.keyOf(strId);
    const { expectedVersion } = options;
    const conditions = writeConditions(mapper, options.condition);
    this.queue(async () => {
      const { changes, violations } = await patchToChanges(mapper.meta, mapper.plan, patch as Record<string, unknown>);
      if (violations.length > 0) throw new EntityValidationError(mapper.meta.className, violations);
      if (changes.some((change) => mapper.meta.uniqueFields.includes(change.attribute))) {
        const item = await this.fetchItem(key);
        if (!item) throw new EntityNotFoundError(mapper.meta.className, { [mapper.meta.strIdProperty]: strId });
        // At another version than expected, the commit reports VersionConflictError, whatever the condition.
        if (expectedVersion === undefined || expectedVersion === identityOfItem(item).version) {
          checkConditionsOnRead(mapper.meta.className, strId, conditions, item);
        }
        return uniqueUpdateEntries(this.context.tableName, mapper, { strId, item }, changes, expectedVersion, conditions).entries;
      }
      // New index keys that depend on stored values are computed from the item read now; the entry
      // then applies only while those values are still stored (a transaction cannot read inside itself).
      const item = indexKeysNeedStoredItem(mapper.meta, changes) ? await this.fetchAt(mapper, strId, { expectedVersion, conditions }) : undefined;
      return [this.updateOf(mapper, strId, { changes, item }, { expectedVersion, conditions })];
    });
  }

  /**
   * Adds `by` (default 1, may be negative) to a number field, as `Repository.increment`: the engine
   * adds it (ADD), so concurrent increments all count. A field that is part of an index key is read
   * now and set to the sum, valid only while the value read is still stored.
   *
   * @example
   * await em.transaction((tx) => {
   *   tx.create(Favorite, { id: `${user}:${slug}` });
   *   tx.increment(Article, slug, 'favoritesCount');
   * });
   */
  increment<T extends object>(target: EntityTarget<T>, strId: string, field: NumericKeys<T>, by: number | bigint = 1, options: UpdateOptions<T> = {}): void {
    const mapper = mapperOfTarget(target);
    mapper.keyOf(strId);
    checkVersionOption(mapper.meta.className, options.expectedVersion);
    const { kind, amount } = incrementAmount(mapper, field, by);
    const guards = { expectedVersion: options.expectedVersion, conditions: writeConditions(mapper, options.condition) };
    this.queue(async () => {
      if (!isIndexKeyField(mapper.meta, field)) {
        const changes: AttributeChange[] = [{ kind: 'increment', attribute: field, by: amount }];
        return [this.updateOf(mapper, strId, { changes }, guards)];
      }
      const item = await this.fetchAt(mapper, strId, guards);
      const { changes, expected } = incrementAsSet(mapper.meta.className, item, field, kind, amount);
      return [this.updateOf(mapper, strId, { changes, item, expected }, guards)];
    });
  }

  /** The Update entry of a partial update; with the item read, its index keys are computed from it. */
  private updateOf<T extends object>(
    mapper: EntityMapper<T>,
    strId: string,
    computed: { changes: AttributeChange[]; item?: Item; expected?: ExpectedAttributes },
    guards: WriteGuards,
  ): TransactionEntry {
    const { changes, item } = computed;
    const { expectedVersion, conditions } = guards;
    const indexKeys = indexKeysForUpdate(mapper.meta, changes, item);
    const writeId = newWriteId();
    const expectedAttributes = { ...computed.expected, ...indexKeys.expected };
    const update = { changes, writeId, expectedVersion, indexKeys: indexKeys.changes, expectedAttributes, conditions };
    const request = updateEntry(this.context.tableName, mapper.keyOf(strId), update);
    // The version read explains a failure ("now at version n") where the condition ignores it.
    const explained = expectedVersion ?? (item && identityOfItem(item).version);
    const base = { entity: mapper.meta.className, strIdField: mapper.meta.strIdProperty, strId };
    return { ...base, request, operation: 'update', expectedVersion: explained, writeId, ...(conditions ? { conditions } : {}) };
  }

  /**
   * The stored item, at `expectedVersion` and meeting `conditions` if given: EntityNotFoundError,
   * VersionConflictError or ConditionFailedError now, before anything is sent.
   */
  private async fetchAt<T extends object>(mapper: EntityMapper<T>, strId: string, guards: WriteGuards): Promise<Item> {
    return checkedReadItem(mapper, strId, await this.fetchItem(mapper.keyOf(strId)), guards).item;
  }

  /** Deletes a loaded entity at its version (and meeting `condition`, if given), releasing its unique values. */
  delete<T extends object>(entity: T, options: WriteOptions<T> = {}): void {
    const mapper = mapperOfEntity(entity);
    const conditions = writeConditions(mapper, options.condition);
    this.queue(async () => {
      const expected = checkedIdentity(mapper, mapper.identityOf(entity));
      const strId = unchangedStrId(mapper, entity);
      const { uniques } = await this.uniquesOf(mapper, entity, strId, expected);
      return deleteEntries(this.context.tableName, mapper, { strId, expected, before: uniques, conditions });
    });
  }

  /**
   * Deletes an entity by str id, whatever its version, on condition that it exists at the commit (and
   * that its stored fields meet `condition`, if given): a missing one cancels the whole transaction,
   * with `EntityNotFoundError` among the failures. So removing an edge and decrementing its counter
   * never decrements for an edge that is not there. An entity with `@Unique()` fields is read now to
   * release its guards (missing now: `EntityNotFoundError` before anything is sent), and the delete
   * applies only while the values read are still stored.
   *
   * @example
   * await em.transaction((tx) => {
   *   tx.deleteByStr(em.getRepository(Favorite).of(slug), username);
   *   tx.increment(Article, slug, 'favoritesCount', -1);
   * });
   */
  deleteByStr<T extends object>(target: EntityTarget<T>, strId: string, options: WriteOptions<T> = {}): void {
    const mapper = mapperOfTarget(target);
    mapper.keyOf(strId);
    const conditions = writeConditions(mapper, options.condition);
    const { tableName } = this.context;
    this.queue(async () => {
      if (mapper.meta.uniqueFields.length === 0) return deleteExistingEntries(tableName, mapper, strId, { conditions });
      const guards = { expectedVersion: undefined, conditions };
      const { item } = checkedReadItem(mapper, strId, await this.fetchItem(mapper.keyOf(strId)), guards);
      return deleteExistingEntries(tableName, mapper, strId, { stored: item, conditions });
    });
  }

  /** Makes the transaction depend on an entity existing (at `version`, if given) without writing it. */
  conditionCheck<T extends object>(target: EntityTarget<T>, strId: string, options: { version?: number } = {}): void {
    const mapper = mapperOfTarget(target);
    const key = mapper.keyOf(strId);
    const base = { entity: mapper.meta.className, strIdField: mapper.meta.strIdProperty, strId };
    const request = conditionCheckEntry(this.context.tableName, key, options.version);
    this.queue(async () => [{ ...base, request, operation: 'conditionCheck', expectedVersion: options.version }]);
  }

  /** Sends everything queued; called by `em.transaction()` after the callback returned. */
  async commit(): Promise<void> {
    const prepared = await Promise.allSettled(this.pending);
    const failed = prepared.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
    const entries = prepared.flatMap((result) => (result as PromiseFulfilledResult<TransactionEntry[]>).value);
    await runTransaction(this.context.executor, entries);
  }

  /** Settles every queued preparation, so none is left to reject unobserved when the callback failed. */
  async discard(): Promise<void> {
    await Promise.allSettled(this.pending);
  }

  private queue(prepare: () => Promise<TransactionEntry[]>): void {
    const promise = prepare();
    promise.catch(() => undefined); // observed in commit(); never an unhandled rejection meanwhile
    this.pending.push(promise);
  }

  private uniquesOf<T extends object>(mapper: EntityMapper<T>, entity: T, strId: string, expected: { uid: string; version: number }) {
    if (mapper.meta.uniqueFields.length === 0) return Promise.resolve({ uniques: {} });
    return storedUniques(mapper, entity, strId, expected, () => this.fetchItem(mapper.keyOf(strId)));
  }

  private async fetchItem(key: Item): Promise<Item | undefined> {
    return (await this.context.executor.send('GetItem', getItemInput(this.context.tableName, key))).Item;
  }
}

/** An instance of an entity class, as opposed to a class or a scoped repository (which has `target`). */
function isEntityInstance(value: unknown): value is object {
  return typeof value === 'object' && value !== null && typeof (value as { target?: unknown }).target !== 'function';
}
