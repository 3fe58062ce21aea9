import type { AttributeValue, QueryCommandInput, QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError, isDynamoSingleTableError, TableSchemaMismatchError } from '../../errors';
import type { DynamoDBRequestError } from '../../errors';
import { decodeCursor, encodeCursor, parentStrIdOfItem, strIdOfItem } from '../../keys';
import type { CursorPosition, ItemKey } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { markPartial } from '../../marshalling/stored-state';
import { ATTR, TYPE_KEYS_INDEX_NAME } from '../../metadata/attributes';
import type { EntityMetadata, IndexMetadata } from '../../metadata/types';
import { countByTypeInput, queryByTypeInput } from '../../operations/entity-commands';
import { keyCountInput, keyQueryInput } from '../../operations/query-commands';
import { EMPTY_SOURCE, EntityIterable, checkLimit } from '../entity-iterable';
import type { ListingBounds, PageSource } from '../entity-iterable';
import type { RepositoryContext } from '../context';
import { ReadBudget, checkReadLimits, isBounded, keyReadUnits, measuredInput, pageReadUnits, sumUnits } from '../read-budget';
import type { CountOptions, QueryOptions, ScanOptions } from '../types';
import { scanEntities } from './table-scan';
import { planRead, stillMatches } from './read-plan';
import type { ReadPlan } from './read-plan';

type Item = Record<string, AttributeValue>;

/**
 * Reads whole entities by primary key, in order (undefined where none is stored, or where `keep`
 * refuses the stored item): the batch machinery.
 */
export type GetByKeys<T> = (keys: readonly ItemKey[], keep?: (item: Item) => boolean) => Promise<Array<T | undefined>>;

/** An entity of a keys-only index query, with the index item it was found by (the cursor's position). */
interface KeyedEntity<T> {
  indexItem: Item;
  entity: T;
}

/**
 * Listing and counting one entity type: type-index queries, `@Index` queries, and the table scan as
 * the expensive path.
 */
export class EntityLister<T extends object> {
  private readonly metadata: EntityMetadata;

  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
    private readonly getByKeys: GetByKeys<T>,
  ) {
    this.metadata = mapper.meta;
  }

  /**
   * Number of entities matching: `Select: COUNT` queries, page after page (a keys-only index reads no
   * entity). From `cursor`, only those after it; past `maxPages` / `maxReadUnits`, a
   * `ReadLimitExceededError` with the count so far and the cursor to count the rest from.
   */
  async count(options: CountOptions<T> = {}): Promise<number> {
    const { className } = this.metadata;
    const { select, limit, order, cursor, maxPages, maxReadUnits, ...selection } = (options ?? {}) as QueryOptions<T>;
    if ([select, limit, order].some((given) => given !== undefined)) {
      throw new InvalidArgumentError('count() takes index, where, filter, createdAfter, createdBefore, cursor, maxPages and maxReadUnits only.', className);
    }
    const limits = checkReadLimits({ maxPages, maxReadUnits }, className);
    const plan = planRead(this.metadata, this.mapper.plan, selection, this.mapper.parentStrId);
    const position = cursor === undefined ? undefined : decodeCursor(cursor, this.metadata, plan.cursorKind);
    let startKey = position && plan.startKeyOf(position);
    if (plan.empty) return 0;
    const budget = new ReadBudget(limits, className, 'count()');
    const measure = isBounded(limits);
    let total = 0;
    do {
      // Before the first page nothing was read, so the bounds stop only a later one: startKey is set.
      budget.check(() => ({ cursor: this.cursorAfter(plan, startKey as Item), count: total }));
      const input = plan.query
        ? keyCountInput(this.context.tableName, plan.query, startKey)
        : countByTypeInput(this.context.tableName, this.metadata, startKey);
      const output = await this.sendQuery(measuredInput(input, measure), plan.index);
      budget.add(measure ? pageReadUnits('Query', input, output) : undefined);
      total += output.Count ?? 0;
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  /**
   * Entities in index order (creation order for the type listing), page by page. Index reads are
   * eventually consistent: a write may take a moment to show.
   */
  query(options: QueryOptions<T> = {}): EntityIterable<T> {
    const { limit: givenLimit, order, cursor, maxPages, maxReadUnits, ...selection } = options ?? {};
    const { className } = this.metadata;
    const limit = checkLimit(givenLimit, className);
    const limits = checkReadLimits({ maxPages, maxReadUnits }, className);
    const bounds: ListingBounds = { limits, entity: className, operation: 'query()' };
    const descending = checkOrder(order, className);
    const plan = planRead(this.metadata, this.mapper.plan, selection, this.mapper.parentStrId);
    const position = cursor === undefined ? undefined : decodeCursor(cursor, this.metadata, plan.cursorKind);
    const startKey = position && plan.startKeyOf(position);
    if (plan.empty) return EntityIterable.over<T, never>(EMPTY_SOURCE, () => undefined as never, undefined, limit);
    if (plan.readsByKey) return this.keysOnlyQuery(plan, descending, startKey, limit, bounds);
    const measure = isBounded(limits);
    const source: PageSource = {
      fetch: async (from, pageLimit) => {
        const request = { startKey: from, limit: pageLimit, descending };
        const input = plan.query
          ? keyQueryInput(this.context.tableName, { ...plan.query, ...request })
          : queryByTypeInput(this.context.tableName, this.metadata, request);
        const output = await this.sendQuery(measuredInput(input, measure), plan.index);
        const units = measure ? pageReadUnits('Query', input, output) : undefined;
        return { items: output.Items ?? [], lastKey: output.LastEvaluatedKey, units };
      },
      cursorAfter: (item) => this.cursorAfter(plan, item),
      // A Query's LastEvaluatedKey is an item of this very query (its key condition names the type).
      cursorAt: (key) => this.cursorAfter(plan, key),
      filtered: plan.filtered,
    };
    const decode = plan.partial ? (item: Item) => this.partialEntity(item) : (item: Item) => this.mapper.fromItem(item);
    return new EntityIterable(source, decode, startKey, limit, bounds);
  }

  /**
   * A keys-only index holds keys (and a field-list index queried without select, only some fields):
   * each page's entities are then read by key (BatchGetItem), kept in index order. One deleted
   * between the two reads is skipped, and so is one whose fields changed so that it no longer matches
   * the query (its key condition or filter), or, in a keys-only type index, one replaced by another
   * entity of the same id (a new uid: it is listed at its own place); the cursor still follows the index items.
   */
  private keysOnlyQuery(plan: ReadPlan, descending: boolean, startKey: ItemKey | undefined, limit: number | undefined, bounds: ListingBounds) {
    const query = plan.query as NonNullable<ReadPlan['query']>;
    const { index } = plan;
    const measure = isBounded(bounds.limits);
    const source: PageSource<KeyedEntity<T>> = {
      fetch: async (from, pageLimit) => {
        const input = keyQueryInput(this.context.tableName, { ...query, startKey: from, limit: pageLimit, descending });
        const output = await this.sendQuery(measuredInput(input, measure), index);
        const indexItems = output.Items ?? [];
        const keys = indexItems.map((item) => ({ [ATTR.pk]: item[ATTR.pk] as AttributeValue, [ATTR.sk]: item[ATTR.sk] as AttributeValue }));
        // The entities' BatchGetItem is estimated from the items it found: its answer stays in the batch machinery.
        const found: Item[] = [];
        const matches = matcherOf(this.metadata, plan, indexItems);
        const keep = measure ? (item: Item) => found.push(item) > 0 && matches(item) : matches;
        const entities = indexItems.length > 0 ? await this.getByKeys(keys, keep) : [];
        const items = indexItems.flatMap((indexItem, i) => {
          const entity = entities[i];
          return entity === undefined ? [] : [{ indexItem, entity }];
        });
        const units = measure ? sumUnits(pageReadUnits('Query', input, output), keyReadUnits(keys, found)) : undefined;
        return { items, lastKey: output.LastEvaluatedKey, units };
      },
      cursorAfter: (record) => this.cursorAfter(plan, record.indexItem),
      cursorAt: (key) => this.cursorAfter(plan, key),
      filtered: plan.filtered,
    };
    return EntityIterable.over(source, (record: KeyedEntity<T>) => record.entity, startKey, limit, bounds);
  }

  /**
   * The expensive path: a full table Scan filtered to this type. It reads (and bills) every item of
   * every type in the table, so it needs `allowScan` (here or on the EntityManager). Prefer `query()`.
   */
  scan(options: ScanOptions = {}): EntityIterable<T> {
    return scanEntities(this.context, this.mapper, options);
  }

  private partialEntity(item: Item): T {
    const entity = this.mapper.fromItem(item);
    markPartial(entity);
    return entity;
  }

  private cursorAfter(plan: ReadPlan, item: Item): string {
    const position = this.positionOf(item);
    const { index } = plan;
    if (plan.cursorKind === 'children') return encodeCursor('children', position, this.metadata);
    if (!index) return encodeCursor('typeIndex', { ...position, uid: item[ATTR.uid]?.S as string }, this.metadata);
    const partition = item[index.partitionAttribute]?.S as string;
    return encodeCursor('indexQuery', { ...position, index: index.name, partition, sort: item[index.sortAttribute]?.S as string }, this.metadata);
  }

  /** The entity an item is of: its str id, and a child's parent. */
  private positionOf(item: Item): CursorPosition {
    const strId = this.strIdOfItem(item);
    return this.metadata.parent === undefined ? { strId } : { strId, parent: parentStrIdOfItem(this.metadata, item) };
  }

  /** A Query; an index the table lacks (DynamoDB's ValidationException) says how to add it. */
  private async sendQuery(input: QueryCommandInput, index: IndexMetadata | undefined): Promise<QueryCommandOutput> {
    try {
      return await this.context.executor.send('Query', input, this.metadata.className);
    } catch (error) {
      const { className } = this.metadata;
      const missing = index
        ? `global secondary index ${index.gsi} (of ${className} index ${index.name})`
        : input.IndexName === TYPE_KEYS_INDEX_NAME && `global secondary index ${TYPE_KEYS_INDEX_NAME} (the type index of ${className}, typeIndex: 'keys')`;
      if (missing && isMissingIndex(error)) {
        throw new TableSchemaMismatchError(this.context.tableName, [`${missing} is missing; run em.ensureTableExists(), which adds the indexes the entities need`]);
      }
      throw error;
    }
  }

  private strIdOfItem(item: Item): string {
    return strIdOfItem(this.metadata, item);
  }
}

/**
 * Whether an entity read by key still belongs to the query that found its index item: see
 * stillMatches; where the index items carry the uid (the type index), the same uid, i.e. the same entity.
 */
function matcherOf(meta: EntityMetadata, plan: ReadPlan, indexItems: readonly Item[]): (item: Item) => boolean {
  if (plan.index !== undefined) return (item) => stillMatches(meta, plan, item);
  const uids = new Map(indexItems.map((item) => [keyText(item), item[ATTR.uid]?.S]));
  return (item) => uids.get(keyText(item)) === item[ATTR.uid]?.S;
}

function keyText(item: Item): string {
  return `${item[ATTR.pk]?.S ?? ''}\u0000${item[ATTR.sk]?.S ?? ''}`;
}

function isMissingIndex(error: unknown): boolean {
  if (!isDynamoSingleTableError(error, 'DYNAMODB_REQUEST_FAILED')) return false;
  const request = error as DynamoDBRequestError;
  return request.awsErrorName === 'ValidationException' && /specified index|index.*(not|does not) exist/i.test(request.message);
}

function checkOrder(order: unknown, entity: string): boolean {
  if (order === undefined || order === 'asc') return false;
  if (order === 'desc') return true;
  throw new InvalidArgumentError(`order must be 'asc' or 'desc', got ${JSON.stringify(order)}.`, entity);
}
