import type { AttributeValue, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { EntityAlreadyExistsError, InvalidArgumentError, VersionConflictError } from '../../errors';
import type { EntityIdentity, EntityMapper } from '../../marshalling/entity-mapper';
import { checkedIdentity, holdsUniques, prepareCreate, unchangedStrId, unchangedUniques } from './entity-checks';
import { UniqueWriter } from './unique-writer';
import { createItemInput, deleteByKeyInput, deleteVersionedInput, replaceItemInput } from '../../operations/entity-commands';
import type { HeldUniques } from '../../operations/entity-commands';
import { heldUniques } from '../../operations/transaction-entries';
import type { AttemptLog } from '../../client/attempt-log';
import { sendConditional } from '../../runners/conditional-write';
import { identityOfItem, writeIdOf } from '../../marshalling/stored-item';
import type { ConditionalOutcome } from '../../runners/conditional-write';
import type { RepositoryContext } from '../context';
import type { AttributeCondition } from '../../expressions';
import type { Filter, GetOrCreateOptions } from '../types';
import { conditionFailure, writeConditions } from './write-conditions';

/** Options of `save()` and `delete()` of a loaded entity. */
export interface WriteOptions<T = unknown> {
  /**
   * Write only if the stored entity's fields meet these conditions (the operators of a query's
   * `filter`), checked by DynamoDB in the same request; `ConditionFailedError` otherwise. A save of
   * a new entity (a create) refuses a condition: there is nothing stored to meet it.
   */
  condition?: Filter<T>;
}

type Item = Record<string, AttributeValue>;

function checkedReadFirst(className: string, options: GetOrCreateOptions): boolean {
  const readFirst = (options ?? {}).readFirst;
  if (readFirst === undefined || typeof readFirst === 'boolean') return readFirst ?? false;
  throw new InvalidArgumentError(`getOrCreate() option readFirst must be true or false, got ${JSON.stringify(readFirst)}.`, className);
}

/** An existing item can vanish between a failed create and the read that follows; retry that often. */
const GET_OR_CREATE_ATTEMPTS = 3;

/** The write paths of a repository. Every check runs before the request; nothing half-writes. */
export class EntityWriter<T extends object> {
  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
    private readonly findByUid: (uid: string) => Promise<T | undefined>,
    private readonly fetchItem: (strId: string) => Promise<Item | undefined>,
  ) {
    this.unique = mapper.meta.uniqueFields.length > 0 ? new UniqueWriter(context, mapper, fetchItem) : undefined;
  }

  /** Set for entities with `@Unique()` fields: their writes go through transactions. */
  readonly unique: UniqueWriter<T> | undefined;

  async create(input: unknown): Promise<T> {
    const prepared = await prepareCreate(this.mapper, input);
    if (this.unique) {
      await this.unique.create(prepared);
      return prepared.entity;
    }
    const { entity, strId, identity, item } = prepared;
    const outcome = await this.putConditionally(createItemInput(this.context.tableName, item), strId, false);
    if (!outcome.applied) throw this.alreadyExists(strId, outcome.error);
    this.mapper.markStored(entity, strId, identity, item);
    return entity;
  }

  async getOrCreate(input: unknown, options: GetOrCreateOptions = {}): Promise<[T, boolean]> {
    const readFirst = checkedReadFirst(this.className, options);
    const prepared = await prepareCreate(this.mapper, input);
    const { entity, strId, identity, item, uidGiven } = prepared;
    // A type in no type index cannot be looked up by uid: its given uid is kept, unchecked (documented).
    if (uidGiven && this.mapper.meta.typeIndex !== 'none') {
      const existing = await this.findByUid(identity.uid);
      if (existing) return [existing, false];
    }
    // A read is 1 read unit where a refused put costs the write units of the item (2x in a
    // transaction). A miss goes on to the conditional create below, which alone decides a race.
    if (readFirst) {
      const stored = await this.fetchItem(strId);
      if (stored) return [this.mapper.fromItem(stored), false];
    }
    if (this.unique) return this.unique.getOrCreate(prepared);
    const request = createItemInput(this.context.tableName, item);
    for (let attempt = 1; ; attempt += 1) {
      const outcome = await this.putConditionally(request, strId, true);
      if (outcome.applied) {
        this.mapper.markStored(entity, strId, identity, item);
        return [entity, true];
      }
      // The existing item rides on the error where the engine honours ALL_OLD; else one consistent read.
      if (outcome.stored) return [this.mapper.fromItem(outcome.stored), false];
      if (attempt >= GET_OR_CREATE_ATTEMPTS) throw this.alreadyExists(strId, outcome.error);
    }
  }

  async save(entity: T, options: WriteOptions<T> = {}): Promise<T> {
    if (!(entity instanceof this.mapper.meta.target)) {
      throw new InvalidArgumentError(
        `save() takes a ${this.className} instance.`,
        this.className,
        { hint: 'Use create() or getOrCreate() for plain data.' },
      );
    }
    const conditions = writeConditions(this.mapper, options.condition);
    const current = this.mapper.identityOf(entity);
    if (current.version === undefined) {
      if (conditions) {
        throw new InvalidArgumentError(`save() of a new ${this.className} takes no condition: nothing is stored to meet it.`, this.className);
      }
      return this.create(entity);
    }
    const expected = checkedIdentity(this.mapper, current);
    const strId = unchangedStrId(this.mapper, entity);
    await this.mapper.validate(entity);
    const next = { uid: expected.uid, version: expected.version + 1 };
    const item = this.mapper.toItem(entity, next);
    // Unique values unchanged since loaded: no guard moves, so no transaction (half the write units).
    // The put is then correct only while the stored item holds those same values, and the version
    // guard alone does not promise that (see replaceItemInput): the condition says so too.
    const kept = this.unique && unchangedUniques(this.mapper, entity);
    if (this.unique && !kept) {
      await this.unique.save({ entity, strId, expected, item, conditions });
      return entity;
    }
    const held = kept ? heldUniques(this.mapper, kept) : undefined;
    const input = replaceItemInput(this.context.tableName, item, expected, conditions, held);
    const outcome = await this.putConditionally(input, strId, !!conditions);
    if (!outcome.applied) throw this.failure(strId, { ...expected, held }, conditions, outcome.stored, outcome.error);
    this.mapper.markStored(entity, strId, next, item);
    return entity;
  }

  /** Idempotent: an entity already gone counts as deleted; one changed or re-created since is a conflict. */
  async delete(entity: T, options: WriteOptions<T> = {}): Promise<void> {
    const conditions = writeConditions(this.mapper, options.condition);
    const expected = checkedIdentity(this.mapper, this.mapper.identityOf(entity));
    const strId = unchangedStrId(this.mapper, entity);
    if (this.unique) return this.unique.delete(entity, strId, expected, conditions);
    const input = deleteVersionedInput(this.context.tableName, this.mapper.keyOf(strId), expected, conditions);
    const request = { operation: 'DeleteItem' as const, input };
    const outcome = await sendConditional(this.context.executor, { request, entity: this.className }, () => this.fetchItem(strId));
    if (!outcome.applied) throw this.failure(strId, expected, conditions, outcome.stored, outcome.error);
  }

  /** Unconditional; whether an entity was deleted (see `Repository.deleteByStr`). */
  async deleteByStr(strId: string): Promise<boolean> {
    const key = this.mapper.keyOf(strId);
    // With unique fields the guards must go too: read the values, then delete all in one transaction.
    if (this.unique) return this.unique.deleteByStr(strId);
    const attempts: AttemptLog = { uncertain: 0 };
    const output = await this.context.executor.send('DeleteItem', deleteByKeyInput(this.context.tableName, key), this.className, attempts);
    // An earlier attempt that got no answer (or a 5xx) may have deleted the entity, its answer with
    // the deleted item lost: the entity is gone, and that counts as deleted. Refused attempts (4xx,
    // e.g. throttling) deleted nothing, so they do not count.
    return output.Attributes !== undefined || attempts.uncertain > 0;
  }

  /**
   * The stored entity at the version loaded (holding the unique values `held`, if given): the
   * caller's condition failed; otherwise a version conflict. At the version but holding other
   * unique values, it is another entity created with the same uid: "deleted or replaced".
   */
  private failure(
    strId: string,
    expected: EntityIdentity & { held?: HeldUniques },
    conditions: readonly AttributeCondition[] | undefined,
    stored: Item | undefined,
    cause: unknown,
  ): Error {
    const found = stored && identityOfItem(stored);
    const atVersion = stored !== undefined && found?.uid === expected.uid && found.version === expected.version;
    if (atVersion && expected.held && !holdsUniques(stored, expected.held)) {
      return new VersionConflictError(this.className, strId, expected.version, null, cause);
    }
    return (atVersion && conditionFailure(this.className, strId, conditions, stored, cause)) || this.conflict(strId, expected, stored, cause);
  }

  private putConditionally(input: PutItemCommandInput, strId: string, needStored: boolean): Promise<ConditionalOutcome> {
    const write = { request: { operation: 'PutItem' as const, input }, writeId: writeIdOf(input.Item as Item), needStored, entity: this.className };
    return sendConditional(this.context.executor, write, () => this.fetchItem(strId));
  }

  private conflict(strId: string, expected: EntityIdentity, stored: Item | undefined, cause: unknown): VersionConflictError {
    const found = stored && identityOfItem(stored);
    const actual = found === undefined ? undefined : found.uid === expected.uid ? found.version : null;
    return new VersionConflictError(this.className, strId, expected.version, actual, cause);
  }

  private alreadyExists(strId: string, cause: unknown): EntityAlreadyExistsError {
    return new EntityAlreadyExistsError(this.className, this.mapper.meta.strIdProperty, strId, cause);
  }

  private get className(): string {
    return this.mapper.meta.className;
  }
}
