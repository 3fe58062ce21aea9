import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBRequestError,
  EntityNotFoundError,
  EntityValidationError,
  InvalidArgumentError,
  ItemTooLargeError,
  VersionConflictError,
} from '../../errors';
import { isConditionFailure } from '../../client/executor';
import type { AttributeChange } from '../../expressions';
import { newWriteId } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { holdsAttributes, indexKeysNeedStoredItem, isIndexKeyField } from '../../marshalling/index-changes';
import { indexKeysForUpdate } from '../../marshalling/managed';
import { incrementedAttribute, patchToChanges } from '../../marshalling/patch';
import { incrementAmount } from './entity-checks';
import { LIMITS } from '../../metadata/attributes';
import { holdsWrite, identityOfItem } from '../../marshalling/stored-item';
import { updateItemInput } from '../../operations/update-commands';
import type { EntityUpdate } from '../../operations/update-commands';
import type { RepositoryContext } from '../context';
import { retryingMoves } from './moved-retry';
import type { UniqueWriter } from './unique-writer';
import type { EntityInput, Filter } from '../types';
import { checkedReadItem, conditionFailure, writeConditions } from './write-conditions';
import type { WriteGuards } from './write-conditions';

type Item = Record<string, AttributeValue>;
type Expected = Record<string, AttributeValue | undefined>;
type UpdateGuards = WriteGuards & { returnEntity: boolean };
/** An update as sent, and whether it answers with the entity. Always every field (one object shape). */
type Update = Required<Pick<EntityUpdate, 'changes' | 'writeId' | 'returnValues'>> & Omit<EntityUpdate, 'changes' | 'writeId' | 'returnValues'> & { returnEntity: boolean };

export interface UpdateOptions<T = unknown> {
  /** Apply only if the stored entity is at this version; `VersionConflictError` otherwise. */
  expectedVersion?: number;
  /**
   * Apply only if the stored entity's fields meet these conditions (the operators of a query's
   * `filter`), checked by DynamoDB in the same request; `ConditionFailedError` otherwise.
   */
  condition?: Filter<T>;
}

/** Options of a repository's `update()` and `increment()` (a transaction's return nothing anyway). */
export interface RepositoryUpdateOptions<T = unknown> extends UpdateOptions<T> {
  /**
   * `false`: resolve to `undefined` instead of the updated entity, and ask DynamoDB for no item back
   * (`ReturnValues: NONE`): a smaller answer, same capacity units. Nothing is lost: a success proves
   * the write applied, and a refused one learns the stored item from `ALL_OLD` on the failed
   * condition, as before. @default true
   */
  returnEntity?: boolean;
}


/**
 * An increment computed from the item read (its field is an index key field, whose key needs the new
 * value): a set of the sum, valid while the value read is still stored.
 */
export function incrementAsSet(className: string, item: Item, field: string, kind: 'number' | 'bigint', amount: AttributeValue) {
  const sink: { property: string; constraints: Record<string, string> }[] = [];
  const value = incrementedAttribute(kind, item[field], amount, field, sink);
  if (!value) throw new EntityValidationError(className, sink);
  const changes: AttributeChange[] = [{ kind: 'set', attribute: field, value }];
  return { changes, expected: { [field]: item[field] } as Expected };
}

export function checkVersionOption(className: string, version: unknown): void {
  if (version !== undefined && (typeof version !== 'number' || !Number.isInteger(version) || version < 1)) {
    throw new InvalidArgumentError(`expectedVersion must be a positive integer, got ${String(version)}.`, className);
  }
}

/**
 * The update to send: a fresh write id, the caller's guards, and what it answers. Every field is set
 * (undefined when unused), so all updates share one object shape.
 */
function updateOf(changes: readonly AttributeChange[], guards: UpdateGuards, indexKeys?: readonly AttributeChange[], expectedAttributes?: Expected): Update {
  return {
    changes,
    indexKeys,
    writeId: newWriteId(),
    expectedVersion: guards.expectedVersion,
    conditions: guards.conditions,
    expectedAttributes,
    returnEntity: guards.returnEntity,
    returnValues: guards.returnEntity ? 'ALL_NEW' : 'NONE',
  };
}

/** The stored values an update was computed from changed before it was sent: read again and retry. */
class ReadValuesMoved extends Error {
  constructor(readonly conflict: VersionConflictError) {
    super(conflict.message);
  }
}

/**
 * Partial updates and counters: one UpdateItem each, returning the updated entity. A patch that
 * gives every key field of each index it touches computes the new keys alone. When the new index
 * keys depend on stored values (a key field the patch leaves out, a counter that is a key field),
 * the item is read first and the update applies only while those values (and the uid read) are
 * unchanged; a change in between is read again and retried.
 */
export class EntityUpdater<T extends object> {
  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
    private readonly fetchItem: (strId: string) => Promise<Item | undefined>,
    private readonly unique: UniqueWriter<T> | undefined,
  ) {}

  async update(strId: string, patch: Partial<EntityInput<T>>, options: RepositoryUpdateOptions<T> = {}): Promise<T | undefined> {
    const key = this.mapper.keyOf(strId);
    const guards = this.guardsOf(options);
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch) || Object.keys(patch).length === 0) {
      throw new InvalidArgumentError(`update() of ${this.className} needs a non-empty object of fields to change.`, this.className);
    }
    const { meta, plan } = this.mapper;
    // Settles at once unless class-validator must run: awaited only then.
    const patched = patchToChanges(meta, plan, patch as Record<string, unknown>);
    const { changes, violations } = patched instanceof Promise ? await patched : patched;
    if (violations.length > 0) throw new EntityValidationError(this.className, violations);
    const { uniqueFields } = meta;
    if (this.unique && uniqueFields.length > 0 && changes.some((change) => uniqueFields.includes(change.attribute))) {
      const updated = await this.unique.update(strId, changes, guards.expectedVersion, guards.conditions);
      return guards.returnEntity ? updated : undefined;
    }
    // An entity without indexes has no index keys to move.
    if (meta.indexes.length === 0) return this.apply(strId, key, updateOf(changes, guards));
    if (indexKeysNeedStoredItem(meta, changes)) return this.readThenApply(strId, key, guards, () => ({ changes }));
    return this.apply(strId, key, updateOf(changes, guards, indexKeysForUpdate(meta, changes).changes));
  }

  async increment(strId: string, field: string, by: number | bigint = 1, options: RepositoryUpdateOptions<T> = {}): Promise<T | undefined> {
    const key = this.mapper.keyOf(strId);
    checkVersionOption(this.className, options.expectedVersion);
    const { kind: type, amount } = incrementAmount(this.mapper, field, by);
    const guards = this.guardsOf(options);
    if (isIndexKeyField(this.mapper.meta, field)) {
      // Its index key needs the new value, so the sum is computed here from the value read.
      return this.readThenApply(strId, key, guards, (item) => incrementAsSet(this.className, item, field, type, amount));
    }
    const changes: AttributeChange[] = [{ kind: 'increment', attribute: field, by: amount }];
    return this.apply(strId, key, updateOf(changes, guards));
  }

  /**
   * Reads the item (at `expectedVersion`, if given, and meeting the caller's condition: else nothing
   * is sent), then sends the update whose index keys it computed from the values read, valid while
   * they are still stored. A change of them in between
   * is read again and retried; after the attempts are spent it is a VersionConflictError.
   */
  private async readThenApply(
    strId: string,
    key: Item,
    guards: UpdateGuards,
    changesOf: (item: Item) => { changes: AttributeChange[]; expected?: Expected },
  ): Promise<T | undefined> {
    const attempt = async () => {
      const { item, version } = checkedReadItem(this.mapper, strId, await this.fetchItem(strId), guards);
      const { changes, expected = {} } = changesOf(item);
      const indexKeys = indexKeysForUpdate(this.mapper.meta, changes, item);
      const expectedAttributes = { ...expected, ...indexKeys.expected };
      return this.apply(strId, key, updateOf(changes, guards, indexKeys.changes, expectedAttributes), version);
    };
    try {
      return await retryingMoves(attempt, (error) => error instanceof ReadValuesMoved);
    } catch (error) {
      throw error instanceof ReadValuesMoved ? error.conflict : error;
    }
  }

  /**
   * Sends the update; `readVersion` is the version read before (explains a conflict). Without
   * `returnEntity` the answer carries no item: success alone says the write applied, and the
   * lost-answer check below reads the item of the failed condition, not the answer's.
   */
  private async apply(strId: string, key: Item, update: Update, readVersion?: number): Promise<T | undefined> {
    const input = updateItemInput(this.context.tableName, key, update);
    try {
      const output = await this.context.executor.send('UpdateItem', input, this.className);
      return update.returnEntity ? this.mapper.fromItem(output.Attributes as Item) : undefined;
    } catch (error) {
      if (!isConditionFailure(error)) throw this.translate(error, strId);
      const stored = error.item ?? (await this.fetchItem(strId));
      // Our own write, applied by an earlier attempt whose answer was lost (other writes may have
      // followed it): done, not a conflict. The entity returned is the item as stored now.
      if (holdsWrite(stored, update.writeId)) return update.returnEntity ? this.mapper.fromItem(stored as Item) : undefined;
      if (!stored) throw this.notFound(strId);
      const actual = identityOfItem(stored).version;
      const conflict = new VersionConflictError(this.className, strId, update.expectedVersion ?? readVersion ?? actual, actual, error);
      const versionHeld = update.expectedVersion === undefined || update.expectedVersion === actual;
      if (!versionHeld) throw conflict;
      // The library's guards held but for values read that moved since (retried): the caller's
      // condition failing on the item as stored is the answer; otherwise it is why the write failed.
      const moved = update.expectedAttributes !== undefined && !holdsAttributes(stored, update.expectedAttributes);
      const failed = conditionFailure(this.className, strId, update.conditions, stored, error, moved);
      if (failed) throw failed;
      if (moved) throw new ReadValuesMoved(conflict);
      throw conflict;
    }
  }

  private translate(error: unknown, strId: string): unknown {
    if (error instanceof DynamoDBRequestError && error.awsErrorName === 'ValidationException' && /size/i.test(error.message)) {
      return new ItemTooLargeError(this.className, strId, undefined, LIMITS.itemBytes);
    }
    return error;
  }

  /** The options checked before any request: the guards of the write, and what it answers. */
  private guardsOf(options: RepositoryUpdateOptions<T>): UpdateGuards {
    checkVersionOption(this.className, options.expectedVersion);
    const { returnEntity = true, condition } = options;
    if (typeof returnEntity !== 'boolean') {
      throw new InvalidArgumentError(`returnEntity must be true or false, got ${JSON.stringify(returnEntity)}.`, this.className);
    }
    const conditions = condition === undefined ? undefined : writeConditions(this.mapper, condition);
    return { expectedVersion: options.expectedVersion, conditions, returnEntity };
  }

  private notFound(strId: string): EntityNotFoundError {
    return new EntityNotFoundError(this.className, { [this.mapper.meta.strIdProperty]: strId });
  }

  private get className(): string {
    return this.mapper.meta.className;
  }
}
