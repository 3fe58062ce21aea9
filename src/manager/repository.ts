import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityNotFoundError, InvalidArgumentError } from '../errors';
import type { RequestExecutor } from '../client/executor';
import { decodeCursor, encodeCursor, isUid, partitionKeyOf, primaryKeyOf } from '../keys';
import type { ItemKey } from '../keys';
import { EntityMapper } from '../marshalling/entity-mapper';
import { ATTR } from '../metadata/attributes';
import type { Constructor, EntityMetadata } from '../metadata/types';
import {
  countByTypeInput,
  deleteByKeyInput,
  getItemInput,
  queryByTypeInput,
  queryByUidInput,
  scanTypeInput,
} from '../operations/entity-commands';
import { EntityIterable, checkLimit } from './entity-iterable';
import type { EntityInput, ListOptions, QueryOptions } from './types';
import { EntityWriter } from './entity-writer';

type Item = Record<string, AttributeValue>;

export interface RepositoryContext {
  readonly executor: RequestExecutor;
  readonly tableName: string;
}

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

  constructor(context: RepositoryContext, target: Constructor<T>) {
    this.context = context;
    this.target = target;
    this.mapper = EntityMapper.of(target);
    this.metadata = this.mapper.meta;
    this.writer = new EntityWriter(context, this.mapper, (uid) => this.findByUid(uid), (strId) => this.fetchItem(strId));
  }

  /** An instance from plain data, checked for unknown properties; nothing is written. */
  build(input: EntityInput<T> | T): T {
    return this.mapper.build(input);
  }

  /**
   * The entity with this str id, created from `input` if there is none: `[entity, created]`.
   * Race-free: one conditional PutItem decides, so concurrent callers get one creator and one uid.
   */
  getOrCreate(input: EntityInput<T> | T): Promise<[T, boolean]> {
    return this.writer.getOrCreate(input);
  }

  /** Writes a new entity; `EntityAlreadyExistsError` when its str id is taken. */
  create(input: EntityInput<T> | T): Promise<T> {
    return this.writer.create(input);
  }

  /** Creates a new entity or replaces a loaded one, guarded by its version. Returns the same instance. */
  save(entity: T): Promise<T> {
    return this.writer.save(entity);
  }

  /** Deletes a loaded entity if it is still at the version loaded; `VersionConflictError` otherwise. */
  delete(entity: T): Promise<void> {
    return this.writer.delete(entity);
  }

  /** Deletes by str id, whatever its version. Resolves to whether an entity was deleted. */
  async deleteByStr(strId: string): Promise<boolean> {
    const key = this.mapper.keyOf(strId);
    const output = await this.context.executor.send('DeleteItem', deleteByKeyInput(this.context.tableName, key), this.metadata.className);
    return output.Attributes !== undefined;
  }

  /** Refreshes a loaded instance in place from the stored item (one consistent GetItem). */
  async reload(entity: T): Promise<T> {
    const strId = this.mapper.storedStrIdOf(entity) ?? this.mapper.strIdOf(entity);
    const item = await this.fetchItem(strId);
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

  /** One query of the type index (eventually consistent: a just-created entity may not be visible yet). */
  async findByUid(uid: string): Promise<T | undefined> {
    if (!isUid(uid)) {
      throw new InvalidArgumentError(`uid must be a lower-case UUID, got ${JSON.stringify(uid)}.`, this.metadata.className);
    }
    const input = queryByUidInput(this.context.tableName, this.metadata.typeName, uid);
    const output = await this.context.executor.send('Query', input, this.metadata.className);
    const item = output.Items?.[0];
    return item ? this.mapper.fromItem(item) : undefined;
  }

  async getByUid(uid: string): Promise<T> {
    const entity = await this.findByUid(uid);
    if (!entity) throw new EntityNotFoundError(this.metadata.className, { uid });
    return entity;
  }

  /** Number of entities of this type: `Select: COUNT` queries of the type index, never a scan. */
  async count(): Promise<number> {
    let total = 0;
    let startKey: ItemKey | undefined;
    do {
      const input = countByTypeInput(this.context.tableName, this.metadata.typeName, startKey);
      const output = await this.context.executor.send('Query', input, this.metadata.className);
      total += output.Count ?? 0;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  /** All entities of this type in creation order, from the type index, page by page. */
  query(options: QueryOptions = {}): EntityIterable<T> {
    const { typeName, className } = this.metadata;
    const limit = checkLimit(options.limit, className);
    const descending = checkOrder(options.order, className);
    const position = options.cursor === undefined ? undefined : decodeCursor(options.cursor, className, true);
    const startKey = position && { ...primaryKeyOf(this.metadata, position.strId), [ATTR.type]: { S: typeName }, [ATTR.uid]: { S: position.uid as string } };
    const source = {
      fetch: async (from: ItemKey | undefined, pageLimit: number | undefined) => {
        const input = queryByTypeInput(this.context.tableName, typeName, { startKey: from, limit: pageLimit, descending });
        const output = await this.context.executor.send('Query', input, className);
        return { items: output.Items ?? [], lastKey: output.LastEvaluatedKey };
      },
      cursorAfter: (item: Item) => encodeCursor({ strId: this.strIdOfItem(item), uid: item[ATTR.uid]?.S as string }),
    };
    return new EntityIterable(source, (item) => this.mapper.fromItem(item), startKey, limit);
  }

  /**
   * The expensive path: a full table Scan filtered to this type. It reads (and bills) every item of
   * every type in the table. Prefer `query()`, which reads only this type.
   */
  scan(options: ListOptions = {}): EntityIterable<T> {
    const { className } = this.metadata;
    const limit = checkLimit(options.limit, className);
    const position = options.cursor === undefined ? undefined : decodeCursor(options.cursor, className, false);
    const source = {
      fetch: async (from: ItemKey | undefined) => {
        const input = scanTypeInput(this.context.tableName, this.metadata.typeName, from);
        const output = await this.context.executor.send('Scan', input, className);
        return { items: output.Items ?? [], lastKey: output.LastEvaluatedKey };
      },
      cursorAfter: (item: Item) => encodeCursor({ strId: this.strIdOfItem(item) }),
    };
    const startKey = position && primaryKeyOf(this.metadata, position.strId);
    return new EntityIterable(source, (item) => this.mapper.fromItem(item), startKey, limit);
  }

  private async fetchItem(strId: string): Promise<Item | undefined> {
    const key = this.mapper.keyOf(strId);
    const output = await this.context.executor.send('GetItem', getItemInput(this.context.tableName, key), this.metadata.className);
    return output.Item;
  }

  private strIdOfItem(item: Item): string {
    const pk = item[ATTR.pk]?.S as string;
    return pk.slice(partitionKeyOf(this.metadata.typeName, '').length);
  }
}

function checkOrder(order: unknown, entity: string): boolean {
  if (order === undefined || order === 'asc') return false;
  if (order === 'desc') return true;
  throw new InvalidArgumentError(`order must be 'asc' or 'desc', got ${JSON.stringify(order)}.`, entity);
}
