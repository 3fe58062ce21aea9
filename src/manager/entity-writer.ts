import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityAlreadyExistsError, InvalidArgumentError, VersionConflictError } from '../errors';
import { isConditionFailure } from '../client/executor';
import { isUid, newUid } from '../keys';
import type { EntityIdentity, EntityMapper } from '../marshalling/entity-mapper';
import { ATTR } from '../metadata/attributes';
import { createItemInput, deleteVersionedInput, replaceItemInput } from '../operations/entity-commands';
import type { RepositoryContext } from './repository';

type Item = Record<string, AttributeValue>;

/** An existing item can vanish between a failed create and the read that follows; retry that often. */
const GET_OR_CREATE_ATTEMPTS = 3;

/** The write paths of a repository. Every check runs before the request; nothing half-writes. */
export class EntityWriter<T extends object> {
  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
    private readonly findByUid: (uid: string) => Promise<T | undefined>,
    private readonly fetchItem: (strId: string) => Promise<Item | undefined>,
  ) {}

  async create(input: unknown): Promise<T> {
    const { entity, strId, identity, item } = await this.prepareNew(input);
    try {
      await this.context.executor.send('PutItem', createItemInput(this.context.tableName, item), this.className);
    } catch (error) {
      if (isConditionFailure(error)) throw this.alreadyExists(strId, error);
      throw error;
    }
    this.mapper.markStored(entity, strId, identity);
    return entity;
  }

  async getOrCreate(input: unknown): Promise<[T, boolean]> {
    const { entity, strId, identity, item, uidGiven } = await this.prepareNew(input);
    if (uidGiven) {
      const existing = await this.findByUid(identity.uid);
      if (existing) return [existing, false];
    }
    const request = createItemInput(this.context.tableName, item);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.context.executor.send('PutItem', request, this.className);
        this.mapper.markStored(entity, strId, identity);
        return [entity, true];
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // The existing item rides on the error where the engine honours ALL_OLD; else one consistent read.
        const existing = error.item ?? (await this.fetchItem(strId));
        if (existing) return [this.mapper.fromItem(existing), false];
        if (attempt >= GET_OR_CREATE_ATTEMPTS) throw this.alreadyExists(strId, error);
      }
    }
  }

  async save(entity: T): Promise<T> {
    if (!(entity instanceof this.mapper.meta.target)) {
      throw new InvalidArgumentError(
        `save() takes a ${this.className} instance; use create() or getOrCreate() for plain data.`,
        this.className,
      );
    }
    const current = this.mapper.identityOf(entity);
    if (current.version === undefined) return this.create(entity);
    const expected = this.checkedIdentity(current);
    const strId = this.unchangedStrId(entity);
    await this.mapper.validate(entity);
    const next = { uid: expected.uid, version: expected.version + 1 };
    const item = this.mapper.toItem(entity, next);
    try {
      await this.context.executor.send('PutItem', replaceItemInput(this.context.tableName, item, expected), this.className);
    } catch (error) {
      if (isConditionFailure(error)) throw this.conflict(strId, expected, error.item, error);
      throw error;
    }
    this.mapper.markStored(entity, strId, next);
    return entity;
  }

  async delete(entity: T): Promise<void> {
    const expected = this.checkedIdentity(this.mapper.identityOf(entity));
    const strId = this.unchangedStrId(entity);
    const input = deleteVersionedInput(this.context.tableName, this.mapper.keyOf(strId), expected);
    try {
      await this.context.executor.send('DeleteItem', input, this.className);
    } catch (error) {
      if (isConditionFailure(error)) throw this.conflict(strId, expected, error.item, error);
      throw error;
    }
  }

  /** Everything a create needs, computed and checked before any request. */
  private async prepareNew(input: unknown) {
    const entity = this.mapper.build(input);
    await this.mapper.validate(entity);
    const given = this.mapper.identityOf(entity);
    if (given.version !== undefined) {
      throw new EntityAlreadyExistsError(this.className, this.mapper.meta.strIdProperty, this.mapper.strIdOf(entity));
    }
    if (given.uid !== undefined && !isUid(given.uid)) {
      throw new InvalidArgumentError(`uid must be a lower-case UUID, got ${JSON.stringify(given.uid)}.`, this.className);
    }
    const identity: EntityIdentity = { uid: given.uid ?? newUid(), version: 1 };
    const item = this.mapper.toItem(entity, identity);
    const strId = item[this.mapper.meta.strIdProperty]?.S as string;
    return { entity, strId, identity, item, uidGiven: given.uid !== undefined };
  }

  private checkedIdentity(identity: Partial<EntityIdentity>): EntityIdentity {
    const { uid, version } = identity;
    if (!isUid(uid) || typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new InvalidArgumentError(
        `This ${this.className} has no valid uid/version (uid ${JSON.stringify(uid)}, version ${String(version)}): ` +
          'only entities that were loaded or created can be saved over or deleted.',
        this.className,
      );
    }
    return { uid, version };
  }

  private unchangedStrId(entity: T): string {
    const strId = this.mapper.strIdOf(entity);
    const stored = this.mapper.storedStrIdOf(entity);
    if (stored !== undefined && stored !== strId) {
      const field = this.mapper.meta.strIdProperty;
      throw new InvalidArgumentError(
        `${this.className}.${field} changed from ${JSON.stringify(stored)} to ${JSON.stringify(strId)}: the str id is ` +
          'the primary key and cannot be changed by save(). Create a new entity with the new id and delete the old one.',
        this.className,
      );
    }
    return strId;
  }

  private conflict(strId: string, expected: EntityIdentity, stored: Item | undefined, cause: unknown): VersionConflictError {
    const storedUid = stored?.[ATTR.uid]?.S;
    const actual = stored === undefined ? undefined : storedUid === expected.uid ? Number(stored[ATTR.version]?.N) : null;
    return new VersionConflictError(this.className, strId, expected.version, actual, cause);
  }

  private alreadyExists(strId: string, cause: unknown): EntityAlreadyExistsError {
    return new EntityAlreadyExistsError(this.className, this.mapper.meta.strIdProperty, strId, cause);
  }

  private get className(): string {
    return this.mapper.meta.className;
  }
}
