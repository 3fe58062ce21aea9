import { NotConfiguredError } from '../errors';
import { EntityMapper } from '../marshalling/entity-mapper';
import { getRegistry } from '../metadata/registry';
import type { Constructor } from '../metadata/types';
import type { EntityManager } from './entity-manager';
import type { EntityIterable } from './entity-iterable';
import type { Repository } from './repository';
import type { RepositoryUpdateOptions } from './actions/entity-updater';
import type { WriteOptions } from './actions/entity-writer';
import type { DeleteOptions } from './actions/cascade-deleter';
import type { ChildClasses, WithChildren } from './actions/collection-reader';
import type { CountOptions, DataKeys, EntityInput, NumericKeys, QueryOptions, ScanOptions, UniqueKeys } from './types';
import type { GetManyOptions, GetOrCreateOptions } from './types';

/** The static side of an Active Record class, as seen by BaseEntity's statics. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EntityClass<T extends BaseEntity> = (new (...args: any[]) => T) & typeof BaseEntity;

const managers = new WeakMap<Constructor<unknown>, EntityManager>();

function managerOf(target: Constructor<unknown>): EntityManager {
  for (let c: unknown = target; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    const manager = managers.get(c as Constructor<unknown>);
    if (manager) return manager;
  }
  throw new NotConfiguredError(target.name);
}

function repositoryOf<T extends BaseEntity>(target: Constructor<unknown>): Repository<T> {
  return managerOf(target).getRepository(target as EntityClass<T>) as Repository<T>;
}

/**
 * Active Record: entity classes that extend BaseEntity get the repository operations as statics
 * (`User.getByStr('john')`) and `save()` / `delete()` / `reload()` on instances.
 *
 * `uid` and `version` are declared with `declare`, so no class field is emitted for them and nothing
 * shadows what the library sets (the `useDefineForClassFields` trap).
 */
export abstract class BaseEntity {
  /** UUIDv7 assigned on create; never changes. */
  declare uid: string;
  /** 1 after create, +1 after each save. */
  declare version: number;

  /** Binds this class and its subclasses (or, called on BaseEntity, every entity) to a manager. */
  static useEntityManager(this: Constructor<unknown>, manager: EntityManager): void {
    managers.set(this, manager);
  }

  static getEntityManager(this: Constructor<unknown>): EntityManager {
    return managerOf(this);
  }

  static getRepository<T extends BaseEntity>(this: EntityClass<T>): Repository<T> {
    return repositoryOf<T>(this);
  }

  /**
   * A child type's repository within one parent (see `Repository.of`): `Comment.of(article).create(...)`.
   * Loaded children then `save()` and `delete()` themselves in the parent they were loaded under.
   */
  static of<T extends BaseEntity>(this: EntityClass<T>, parent: object | string): Repository<T> {
    return repositoryOf<T>(this).of(parent);
  }

  /** An instance from plain data (unknown properties rejected). Needs no EntityManager: nothing is sent. */
  static build<T extends BaseEntity>(this: EntityClass<T>, input: EntityInput<T>): T {
    return EntityMapper.of<T>(this).build(input);
  }

  static async getOrCreate<T extends BaseEntity>(this: EntityClass<T>, input: EntityInput<T>, options?: GetOrCreateOptions): Promise<[T, boolean]> {
    return repositoryOf<T>(this).getOrCreate(input, options);
  }

  static async create<T extends BaseEntity>(this: EntityClass<T>, input: EntityInput<T> | T): Promise<T> {
    return repositoryOf<T>(this).create(input);
  }

  static async getByStr<T extends BaseEntity>(this: EntityClass<T>, strId: string): Promise<T> {
    return repositoryOf<T>(this).getByStr(strId);
  }

  static async findByStr<T extends BaseEntity>(this: EntityClass<T>, strId: string): Promise<T | undefined> {
    return repositoryOf<T>(this).findByStr(strId);
  }

  static async getByUid<T extends BaseEntity>(this: EntityClass<T>, uid: string): Promise<T> {
    return repositoryOf<T>(this).getByUid(uid);
  }

  static async findByUid<T extends BaseEntity>(this: EntityClass<T>, uid: string): Promise<T | undefined> {
    return repositoryOf<T>(this).findByUid(uid);
  }

  /**
   * See `Repository.getWith`: this entity and its children of the types given, in one strongly
   * consistent Query of its partition.
   *
   * @example
   * const { entity, comments } = await Article.getWith('how-to-train', { comments: Comment });
   */
  static async getWith<T extends BaseEntity, C extends ChildClasses>(this: EntityClass<T>, strId: string, children: C): Promise<WithChildren<T, C>> {
    return repositoryOf<T>(this).getWith(strId, children);
  }

  /**
   * See `Repository.getMany`: many entities by str id, in input order; `consistent: false` halves the
   * read units, `concurrency` bounds the requests in flight.
   */
  static async getMany<T extends BaseEntity>(this: EntityClass<T>, strIds: readonly string[], options?: GetManyOptions): Promise<Array<T | undefined>> {
    return repositoryOf<T>(this).getMany(strIds, options);
  }

  /** See `Repository.update`; `returnEntity: false` resolves to `undefined`. */
  static update<T extends BaseEntity>(
    this: EntityClass<T>,
    strId: string,
    patch: Partial<EntityInput<T>>,
    options: RepositoryUpdateOptions<T> & { returnEntity: false },
  ): Promise<undefined>;
  static update<T extends BaseEntity>(
    this: EntityClass<T>,
    strId: string,
    patch: Partial<EntityInput<T>>,
    options?: RepositoryUpdateOptions<T> & { returnEntity?: true },
  ): Promise<T>;
  static update<T extends BaseEntity>(this: EntityClass<T>, strId: string, patch: Partial<EntityInput<T>>, options?: RepositoryUpdateOptions<T>): Promise<T | undefined>;
  static async update<T extends BaseEntity>(
    this: EntityClass<T>,
    strId: string,
    patch: Partial<EntityInput<T>>,
    options?: RepositoryUpdateOptions<T>,
  ): Promise<T | undefined> {
    return repositoryOf<T>(this).update(strId, patch, options);
  }

  /** See `Repository.increment`; `returnEntity: false` resolves to `undefined`. */
  static increment<T extends BaseEntity>(
    this: EntityClass<T>,
    strId: string,
    field: NumericKeys<T>,
    by: number | bigint | undefined,
    options: RepositoryUpdateOptions<T> & { returnEntity: false },
  ): Promise<undefined>;
  static increment<T extends BaseEntity>(
    this: EntityClass<T>,
    strId: string,
    field: NumericKeys<T>,
    by?: number | bigint,
    options?: RepositoryUpdateOptions<T> & { returnEntity?: true },
  ): Promise<T>;
  static increment<T extends BaseEntity>(
    this: EntityClass<T>,
    strId: string,
    field: NumericKeys<T>,
    by?: number | bigint,
    options?: RepositoryUpdateOptions<T>,
  ): Promise<T | undefined>;
  static async increment<T extends BaseEntity>(
    this: EntityClass<T>,
    strId: string,
    field: NumericKeys<T>,
    by?: number | bigint,
    options?: RepositoryUpdateOptions<T>,
  ): Promise<T | undefined> {
    return repositoryOf<T>(this).increment(strId, field, by, options);
  }

  static async findByUnique<T extends BaseEntity>(this: EntityClass<T>, field: UniqueKeys<T>, value: string | number): Promise<T | undefined> {
    return repositoryOf<T>(this).findByUnique(field, value);
  }

  static async getByUnique<T extends BaseEntity>(this: EntityClass<T>, field: UniqueKeys<T>, value: string | number): Promise<T> {
    return repositoryOf<T>(this).getByUnique(field, value);
  }

  /** See `Repository.claimUniques`: writes missing guards of fields made `@Unique()` after data existed. */
  static async claimUniques<T extends BaseEntity>(this: EntityClass<T>, strId: string): Promise<T> {
    return repositoryOf<T>(this).claimUniques(strId);
  }

  static async deleteByStr<T extends BaseEntity>(this: EntityClass<T>, strId: string, options?: Pick<DeleteOptions<T>, 'cascade'>): Promise<boolean> {
    return repositoryOf<T>(this).deleteByStr(strId, options);
  }

  /** See `Repository.count`: all entities of the class, or those a query selects. */
  static async count<T extends BaseEntity>(this: EntityClass<T>, options?: CountOptions<T>): Promise<number> {
    return repositoryOf<T>(this).count(options);
  }

  /** See `Repository.query`: the type listing, or an `@Index` query (eventually consistent). */
  static query<T extends BaseEntity, const K extends DataKeys<T>>(
    this: EntityClass<T>,
    options: QueryOptions<T> & { select: readonly K[] },
  ): EntityIterable<Pick<T, K>>;
  static query<T extends BaseEntity>(this: EntityClass<T>, options?: QueryOptions<T>): EntityIterable<T>;
  static query<T extends BaseEntity>(this: EntityClass<T>, options?: QueryOptions<T>): EntityIterable<T> {
    return repositoryOf<T>(this).query(options);
  }

  /** See `Repository.scan`: the whole table filtered to this class; needs `allowScan`. */
  static scan<T extends BaseEntity>(this: EntityClass<T>, options?: ScanOptions): EntityIterable<T> {
    return repositoryOf<T>(this).scan(options);
  }

  /**
   * Creates or updates this entity (version-guarded; with `condition`, only while the stored fields
   * meet it); resolves to `this` with its new version.
   */
  async save(options?: WriteOptions<this>): Promise<this> {
    return repositoryOf<this>(this.constructor as Constructor<this>).save(this, options);
  }

  /**
   * Deletes this entity if it is still at the version it was loaded at (and meets `condition`, if
   * given); `cascade: true` deletes its children with it (see `Repository.delete`).
   */
  async delete(options?: DeleteOptions<this>): Promise<void> {
    return repositoryOf<this>(this.constructor as Constructor<this>).delete(this, options);
  }

  /** Moves this entity to a new str id in one transaction, keeping its uid. */
  async rename(newStrId: string): Promise<this> {
    return repositoryOf<this>(this.constructor as Constructor<this>).rename(this, newStrId);
  }

  /** Replaces this instance's fields with the stored ones (after a VersionConflictError, say). */
  async reload(): Promise<this> {
    return repositoryOf<this>(this.constructor as Constructor<this>).reload(this);
  }
}

getRegistry().reserved.push({
  base: BaseEntity,
  names: new Set(Object.getOwnPropertyNames(BaseEntity.prototype).filter((name) => name !== 'constructor')),
});
