import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityNotFoundError, InvalidArgumentError } from '../errors';
import { scopeParentStrId } from './parent-scope';
import { parentToWriteIn } from './actions/entity-checks';
import { EntityMapper } from '../marshalling/entity-mapper';
import type { Constructor, EntityMetadata } from '../metadata/types';
import type { EntityIterable } from './entity-iterable';
import { EntityLister } from './actions/entity-lister';
import { renameEntity } from './actions/entity-renamer';
import { EntityUpdater } from './actions/entity-updater';
import type { RepositoryUpdateOptions } from './actions/entity-updater';
import { EntityWriter } from './actions/entity-writer';
import type { WriteOptions } from './actions/entity-writer';
import { BatchOperations } from './actions/batch-operations';
import { EntityFinder } from './actions/entity-finder';
import { cascadeDeleteByStr, cascadeDeleteEntity } from './actions/cascade-deleter';
import type { DeleteOptions } from './actions/cascade-deleter';
import { readWithChildren } from './actions/collection-reader';
import type { ChildClasses, WithChildren } from './actions/collection-reader';
import type { RepositoryContext } from './context';
import type { CountOptions, DataKeys, EntityInput, NumericKeys, QueryOptions, ScanOptions, UniqueKeys } from './types';
import type { DeleteManyOptions, GetManyOptions, GetOrCreateOptions, SaveManyOptions } from './types';

type Item = Record<string, AttributeValue>;

/**
 * CRUD for one entity class. Stateless and cheap (safe as a singleton shared by every request): all
 * state lives in DynamoDB, and per-class work was done once when the class was first used.
 */
export class Repository<T extends object> {
  readonly target: Constructor<T>;
  readonly metadata: EntityMetadata;
  private readonly mapper: EntityMapper<T>;
  private readonly context: RepositoryContext;
  private readonly writer: EntityWriter<T>;
  private readonly updater: EntityUpdater<T>;
  private readonly lister: EntityLister<T>;
  private readonly batches: BatchOperations<T>;
  private readonly finder: EntityFinder<T>;

  /**
   * The parent whose item collection this repository reads and writes (a child type's repository made
   * by `of()`); undefined for top-level types and for a child type's unscoped repository.
   */
  readonly parentStrId: string | undefined;

  constructor(context: RepositoryContext, target: Constructor<T>, parentStrId?: string) {
    this.context = context;
    this.target = target;
    const mapper = EntityMapper.of(target);
    this.mapper = parentStrId === undefined ? mapper : mapper.inParent(parentStrId);
    this.metadata = this.mapper.meta;
    this.parentStrId = parentStrId;
    this.finder = new EntityFinder(context, this.mapper);
    const fetchItem = (strId: string) => this.finder.fetchItem(strId);
    // A uid names one entity of the type, whichever parent holds it: getOrCreate with a given uid looks in all.
    this.writer = new EntityWriter(context, this.mapper, (uid) => this.finder.findByUid(uid, true), fetchItem);
    this.updater = new EntityUpdater(context, this.mapper, fetchItem, this.writer.unique);
    this.batches = new BatchOperations(context, this.mapper);
    this.lister = new EntityLister(context, this.mapper, (keys, keep) => this.batches.getByKeys(keys, keep));
  }

  /**
   * The repository of a child type (`@Table(type, { parent })`) within one parent: every method reads
   * and writes that parent's item collection, where the str ids are unique. Takes the parent entity
   * or its str id; cheap (no request, nothing cached), so call it per request.
   *
   * @example
   * const comments = em.getRepository(Comment).of('how-to-train');
   * await comments.create({ id: 'c1', author: 'ada', body: 'Nice' });
   */
  of(parent: object | string): Repository<T> {
    return new Repository(this.context, this.target, scopeParentStrId(this.metadata, parent));
  }

  /** An instance from plain data, checked for unknown properties; nothing is written. */
  build(input: EntityInput<T> | T): T {
    return this.mapper.build(input);
  }

  /**
   * The entity with this str id, created from `input` if there is none: `[entity, created]`.
   * Race-free: one conditional PutItem decides, so concurrent callers get one creator and one uid.
   * `readFirst: true` reads (one consistent GetItem) before writing: cheaper when most calls find it.
   */
  getOrCreate(input: EntityInput<T> | T, options?: GetOrCreateOptions): Promise<[T, boolean]> {
    return this.writer.getOrCreate(input, options);
  }

  /** Writes a new entity; `EntityAlreadyExistsError` when its str id is taken. */
  create(input: EntityInput<T> | T): Promise<T> {
    return this.writer.create(input);
  }

  /**
   * Creates a new entity or replaces a loaded one, guarded by its version (and by `condition` on the
   * stored fields, if given: `ConditionFailedError` when it does not hold). Returns the same instance.
   */
  save(entity: T, options?: WriteOptions<T>): Promise<T> {
    return this.inScopeOf(entity, (scope) => scope.writer.save(entity, options));
  }

  /**
   * Deletes a loaded entity if it is still at the version loaded (`VersionConflictError` otherwise)
   * and its stored fields meet `condition`, if given (`ConditionFailedError` otherwise). A parent's
   * children stay unless `cascade: true` (top-level types): then its whole item collection goes too,
   * in one transaction when it fits, else in steps with the parent deleted last (call again after an
   * interruption to continue).
   */
  delete(entity: T, options?: DeleteOptions<T>): Promise<void> {
    return this.inScopeOf(entity, (scope) =>
      options?.cascade
        ? cascadeDeleteEntity(this.context, scope.mapper, entity, options, () => scope.writer.delete(entity, options))
        : scope.writer.delete(entity, options),
    );
  }

  /**
   * Deletes by str id, whatever its version. Resolves to whether an entity was deleted: false when
   * none had that id; true also when an earlier SDK attempt got no answer (or a 5xx) and the entity
   * is gone now, since that attempt may have deleted it. With `cascade: true` (top-level types) its
   * whole item collection goes too, even when the parent itself is gone already (see `delete`).
   */
  async deleteByStr(strId: string, options?: Pick<DeleteOptions<T>, 'cascade'>): Promise<boolean> {
    if (options?.cascade) return cascadeDeleteByStr(this.context, this.mapper, strId, () => this.deleteByStr(strId));
    return this.writer.deleteByStr(strId);
  }

  /** Refreshes a loaded instance in place from the stored item (one consistent GetItem). */
  async reload(entity: T): Promise<T> {
    const scope = this.scopeOf(entity);
    const strId = this.mapper.storedStrIdOf(entity) ?? this.mapper.strIdOf(entity);
    const item = await scope.fetchItem(strId);
    if (!item) throw new EntityNotFoundError(this.metadata.className, { [this.metadata.strIdProperty]: strId });
    return this.mapper.refresh(entity, item);
  }

  /** One strongly consistent GetItem. */
  async findByStr(strId: string): Promise<T | undefined> {
    const item = await this.fetchItem(strId);
    return item ? this.mapper.fromItem(item) : undefined;
  }

  async getByStr(strId: string): Promise<T> {
    const entity = await this.findByStr(strId);
    if (!entity) throw new EntityNotFoundError(this.metadata.className, { [this.metadata.strIdProperty]: strId });
    return entity;
  }

  /**
   * A parent with its children, in ONE strongly consistent Query of its partition (pages past 1 MB are
   * followed): `entity`, undefined when the parent does not exist, and under each name given that child
   * type's entities in str id order. The whole partition is read and billed (one read unit per 4 KB),
   * child types not given included, but only the types given are decoded. Top-level types only.
   *
   * @example
   * const { entity, comments, favorites } = await articles.getWith('how-to-train', { comments: Comment, favorites: Favorite });
   */
  getWith<C extends ChildClasses>(strId: string, children: C): Promise<WithChildren<T, C>> {
    return readWithChildren(this.context, this.mapper, strId, children);
  }

  /** One query of the type index (eventually consistent: a just-created entity may not be visible yet). */
  findByUid(uid: string): Promise<T | undefined> {
    return this.finder.findByUid(uid, false);
  }

  async getByUid(uid: string): Promise<T> {
    const entity = await this.findByUid(uid);
    if (!entity) throw new EntityNotFoundError(this.metadata.className, { uid });
    return entity;
  }

  /**
   * Moves a loaded entity to a new str id in one transaction, keeping its uid (needs an engine with
   * transactions). `EntityAlreadyExistsError` if the new id is taken; the instance is updated in place.
   */
  rename(entity: T, newStrId: string): Promise<T> {
    return this.inScopeOf(entity, (scope) => renameEntity(this.context, scope.mapper, (strId) => scope.fetchItem(strId), entity, newStrId));
  }

  /**
   * The entity holding a `@Unique()` value: its guard item, then the entity (two consistent GetItems).
   * A scoped repository finds it only when it is in its parent.
   */
  async findByUnique(field: UniqueKeys<T>, value: string | number): Promise<T | undefined> {
    const owner = await this.finder.uniqueOwner(field, value);
    if (owner === undefined || this.metadata.parent === undefined) return owner && this.findByStr(owner.strId);
    const { parentStrId } = owner;
    if (parentStrId === undefined || (this.parentStrId !== undefined && parentStrId !== this.parentStrId)) return undefined;
    return this.of(parentStrId).findByStr(owner.strId);
  }

  /**
   * Writes the guard item of every `@Unique()` value the stored entity holds, where it is missing: for
   * fields made `@Unique()` after data was written (saving an unchanged value writes no guard).
   * `UniqueConstraintError` if another entity already holds a value. Idempotent; one GetItem and one
   * transaction. Returns the entity as stored.
   */
  claimUniques(strId: string): Promise<T> {
    const unique = this.writer.unique;
    if (!unique) {
      const { className } = this.metadata;
      return Promise.reject(new InvalidArgumentError(`claimUniques() needs @Unique() fields, and ${className} has none.`, className));
    }
    return unique.claimUniques(strId);
  }

  async getByUnique(field: UniqueKeys<T>, value: string | number): Promise<T> {
    const entity = await this.findByUnique(field, value);
    if (!entity) throw new EntityNotFoundError(this.metadata.className, { [field]: String(value) });
    return entity;
  }

  /**
   * Number of entities of this type, or of those a query selects (`index`, `where`, `filter`,
   * `createdAfter`/`createdBefore`): `Select: COUNT` queries summed over pages, never a scan. A
   * filter is billed for every item the key condition reads. Index counts are eventually consistent.
   * `maxPages` / `maxReadUnits` bound the pages read: past them, `ReadLimitExceededError` carries
   * the count so far and a `cursor` to count the rest (`count({ ...same, cursor })`).
   */
  count(options?: CountOptions<T>): Promise<number> {
    return this.lister.count(options);
  }

  /**
   * Without `index`: every entity of this type in creation order, from the type index (optionally
   * between `createdAfter` and `createdBefore`). With `index`: the entities whose key fields match
   * `where`, in the index's order. Page by page; `filter` drops entities after the read (each item read
   * is billed), `select` reads only some fields (the entities are then partial: reload to save).
   * Eventually consistent: DynamoDB cannot read its indexes consistently. With `maxPages` /
   * `maxReadUnits`, a page past them is not read: `ReadLimitExceededError` carries the cursor that
   * resumes after the last entity delivered (and, from `toArray()` / `page()`, those entities).
   *
   * @example
   * const page = await articles.query({ index: 'byAuthor', where: { authorId: 'ada' }, order: 'desc', limit: 20 }).page();
   */
  query<const K extends DataKeys<T>>(options: QueryOptions<T> & { select: readonly K[] }): EntityIterable<Pick<T, K>>;
  query(options?: QueryOptions<T>): EntityIterable<T>;
  query(options: QueryOptions<T> = {}): EntityIterable<T> {
    return this.lister.query(options);
  }

  /**
   * The expensive path: a full table Scan filtered to this type. It reads (and bills) every item of
   * every type in the table, so it is refused (`ScanNotAllowedError`, before any request) unless
   * `allowScan: true` is given here or to the EntityManager. Prefer `query()`, which reads only this
   * type. `limit` is sent as the Scan's `Limit` (items read, of every type); pages follow until
   * `limit` entities or the end. `maxPages` / `maxReadUnits` bound it as they bound `query()`.
   */
  scan(options: ScanOptions = {}): EntityIterable<T> {
    return this.lister.scan(options);
  }

  /**
   * Changes only the given fields in one UpdateItem (`undefined` removes a field), validating only
   * those, bumping `version`; with `expectedVersion`, only if the entity is still at that version.
   * Index keys move with their fields: a patch giving every key field of each index it touches is
   * the one request; a new key that needs stored values (a key field the patch leaves out) costs one
   * consistent GetItem first. `condition` (the operators of a query's `filter`) makes the update
   * apply only while the stored fields meet it, in the same request: `ConditionFailedError` otherwise.
   * Resolves to the updated entity; with `returnEntity: false`, to `undefined` (no item in the answer).
   *
   * @example
   * await articles.update('how-to-train', { body }, { condition: { authorId: { eq: userId } } });
   */
  update(strId: string, patch: Partial<EntityInput<T>>, options: RepositoryUpdateOptions<T> & { returnEntity: false }): Promise<undefined>;
  update(strId: string, patch: Partial<EntityInput<T>>, options?: RepositoryUpdateOptions<T> & { returnEntity?: true }): Promise<T>;
  update(strId: string, patch: Partial<EntityInput<T>>, options?: RepositoryUpdateOptions<T>): Promise<T | undefined>;
  update(strId: string, patch: Partial<EntityInput<T>>, options?: RepositoryUpdateOptions<T>): Promise<T | undefined> {
    return this.updater.update(strId, patch, options);
  }

  /**
   * Adds `by` (default 1, may be negative) to a number field atomically, in one UpdateItem; a field
   * that is part of an index key is read first and set to the sum, valid only while unchanged.
   */
  increment(strId: string, field: NumericKeys<T>, by: number | bigint | undefined, options: RepositoryUpdateOptions<T> & { returnEntity: false }): Promise<undefined>;
  increment(strId: string, field: NumericKeys<T>, by?: number | bigint, options?: RepositoryUpdateOptions<T> & { returnEntity?: true }): Promise<T>;
  increment(strId: string, field: NumericKeys<T>, by?: number | bigint, options?: RepositoryUpdateOptions<T>): Promise<T | undefined>;
  increment(strId: string, field: NumericKeys<T>, by?: number | bigint, options?: RepositoryUpdateOptions<T>): Promise<T | undefined> {
    return this.updater.increment(strId, field, by, options);
  }

  /**
   * Many entities by str id, in input order (`undefined` where none exists): BatchGetItem requests of
   * up to 100 keys, strongly consistent unless `consistent: false` (half the read units; a write of
   * the last second may not be seen), at most `concurrency` in flight (default: the EntityManager's
   * `batchConcurrency`, 4). A repeated id is read once and the same instance fills each of its
   * positions. `BatchGetIncompleteError` (with the partial results) if some stay unread.
   */
  getMany(strIds: readonly string[], options?: GetManyOptions): Promise<Array<T | undefined>> {
    return this.batches.getMany(strIds, options);
  }

  /**
   * For imports and seeding: an UNCONDITIONAL put of each entity (last writer wins: no version guard,
   * no already-exists check), 25 per BatchWriteItem, `concurrency` in flight. All are validated before
   * anything is sent. Returns the instances, marked stored; `BatchSaveIncompleteError` lists any not written.
   */
  saveMany(entities: ReadonlyArray<T | EntityInput<T>>, options?: SaveManyOptions): Promise<T[]> {
    return this.batches.saveMany(entities, options);
  }

  /** Unconditional deletes by instance or str id, 25 per BatchWriteItem (see saveMany); `BatchDeleteIncompleteError` lists any left. */
  deleteMany(targets: ReadonlyArray<T | string>, options?: DeleteManyOptions): Promise<void> {
    return this.batches.deleteMany(targets, options);
  }

  /** The repository an entity is written through: see `parentToWriteIn`. */
  private scopeOf(entity: T): Repository<T> {
    const parent = parentToWriteIn(this.mapper, entity);
    return parent === this.parentStrId ? this : this.of(parent as string);
  }

  /** `work` in the entity's scope; a refused scope is a rejection, as every failure of these methods is. */
  private inScopeOf<R>(entity: T, work: (scope: Repository<T>) => Promise<R>): Promise<R> {
    let scope: Repository<T>;
    try {
      scope = this.scopeOf(entity);
    } catch (error) {
      return Promise.reject(error);
    }
    return work(scope);
  }

  private fetchItem(strId: string): Promise<Item | undefined> {
    return this.finder.fetchItem(strId);
  }
}
