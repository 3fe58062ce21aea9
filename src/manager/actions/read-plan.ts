import { InvalidArgumentError } from '../../errors';
import { primaryKeyOf } from '../../keys';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { holdsCondition } from '../../expressions';
import type { AttributeCondition } from '../../expressions';
import { indexKeyOf } from '../../keys/index-key';
import { matchesSortKeyCondition } from '../../keys/index-key-range';
import type { CompiledShape } from '../../marshalling/codec';
import { ATTR } from '../../metadata/attributes';
import { typeIndexStartKey } from '../../operations/entity-commands';
import { typeIndexLayout } from '../../metadata/table-layout';
import type { EntityMetadata, IndexMetadata } from '../../metadata/types';
import { sortKeyExpression } from '../../operations/query-commands';
import { indexKeyCondition, indexNamed } from './key-conditions';
import { createdRange, filterConditions, projectionOf } from './read-options';
import type { ReadOptions, ReadPlan } from './read-plan-types';

export type { ReadOptions, ReadPlan } from './read-plan-types';
import { planChildListing } from './child-listing';


/**
 * Whether an entity read by key after an index query (its stored item, read consistently) still
 * belongs to that query: its current index key is in the query's partition and sort-key range, and
 * it passes the query's filter. Its fields may have changed between the two reads.
 */
export function stillMatches(meta: EntityMetadata, plan: ReadPlan, item: Record<string, AttributeValue>): boolean {
  const { index, keyCondition } = plan;
  if (index === undefined || keyCondition === undefined) return true;
  const key = indexKeyOf(meta, index, item);
  if (key === undefined || key.partition !== keyCondition.partition || !matchesSortKeyCondition(key.sort, keyCondition.sort)) return false;
  return (plan.query?.filter ?? []).every((condition) => holdsCondition(item, condition));
}


/** Every option of `query()`; `count()` takes those of ReadOptions without `select`. */
const QUERY_OPTIONS: ReadonlySet<string> = new Set(['index', 'where', 'filter', 'select', 'createdAfter', 'createdBefore', 'order', 'limit', 'cursor']);

/** `parentStrId`: a child type's repository scoped to one parent, which lists that parent's collection. */
export function planRead(meta: EntityMetadata, plan: CompiledShape, options: ReadOptions, parentStrId?: string): ReadPlan {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${meta.className}: query and count options must be an object.`, meta.className);
  }
  // A misspelt option (`were`) would otherwise read everything it meant to narrow.
  const unknown = Object.keys(options).find((key) => !QUERY_OPTIONS.has(key));
  if (unknown !== undefined) {
    throw new InvalidArgumentError(`${meta.className}: unknown query option ${JSON.stringify(unknown)} (options: ${[...QUERY_OPTIONS].join(', ')}).`, meta.className);
  }
  if (parentStrId !== undefined) return planChildListing(meta, plan, options, parentStrId);
  return options.index === undefined ? planTypeListing(meta, plan, options) : planIndexQuery(meta, plan, options);
}

function otherRead(meta: EntityMetadata): InvalidArgumentError {
  return new InvalidArgumentError(
    `Invalid cursor for ${meta.className}: it belongs to another query (another index, partition or range).`,
    meta.className,
    { hint: 'Pass back the cursor this query returned, with the same index and where.' },
  );
}

function planIndexQuery(meta: EntityMetadata, plan: CompiledShape, options: ReadOptions): ReadPlan {
  const index = indexNamed(meta, options.index);
  if (options.createdAfter !== undefined || options.createdBefore !== undefined) {
    throw new InvalidArgumentError(
      `${meta.className}: createdAfter/createdBefore limit the type listing (no index), not a query of index ${index.name}.`,
      meta.className,
      { hint: `Give ${index.name}'s sort fields in where instead.` },
    );
  }
  const key = indexKeyCondition(meta, plan, index, options.where);
  const filter = filterConditions(meta, plan, options.filter);
  const { readsByKey, selected, projection } = indexReadOf(meta, plan, index, filter, options.select);
  const sort = key.sort?.kind === 'empty' ? undefined : key.sort;
  return {
    query: {
      indexName: index.gsi,
      partition: { attribute: index.partitionAttribute, value: key.partition },
      sort: sort && sortKeyExpression(index.sortAttribute, sort),
      filter,
      projection,
    },
    empty: key.sort?.kind === 'empty',
    index,
    cursorKind: 'indexQuery',
    filtered: filter.length > 0,
    partial: selected !== undefined,
    readsByKey,
    keyCondition: key,
    startKeyOf: (position) => {
      const { partition, sort: sortKey = '' } = position;
      if (position.index !== index.name || partition !== key.partition || !matchesSortKeyCondition(sortKey, key.sort)) throw otherRead(meta);
      const entityKey = primaryKeyOf(meta, position.strId, position.parent);
      return { ...entityKey, [index.partitionAttribute]: { S: partition }, [index.sortAttribute]: { S: sortKey } };
    },
  };
}

/**
 * What an index query returns: the fields selected (partial entities) or, for a keys-only index and a
 * field-list index without select, the keys of entities then read by key. Refuses what the index
 * cannot answer: a filter on a keys-only index, a field a field-list index does not copy.
 */
function indexReadOf(meta: EntityMetadata, plan: CompiledShape, index: IndexMetadata, filter: readonly AttributeCondition[], select: unknown) {
  const keysOnly = index.projection === 'keys';
  if (keysOnly && filter.length > 0) {
    throw new InvalidArgumentError(
      `${meta.className} index ${index.name} holds keys only (projection: 'keys'), so it cannot filter on fields.`,
      meta.className,
      { hint: "Narrow the query with where, or use an index with projection 'all'." },
    );
  }
  const indexKeys = [index.partitionAttribute, index.sortAttribute];
  // Keys-only reads get whole entities by key: a field projection would not apply to them.
  const readsByKey = keysOnly || (index.projection === 'include' && select === undefined);
  const selected = readsByKey ? undefined : projectionOf(meta, plan, select, indexKeys);
  if (index.projection === 'include') {
    checkProjected(meta, index, 'filter', filter.map((condition) => condition.attribute));
    checkProjected(meta, index, 'select', (select as readonly string[] | undefined) ?? []);
  }
  // A field-list index holds more than the keys: read only what finds the entities and resumes after them.
  const projection = readsByKey && !keysOnly ? [ATTR.pk, ATTR.sk, ...indexKeys] : selected;
  return { readsByKey, selected, projection };
}

/** A field-list index answers only from the fields it copies: another field is refused before any request. */
function checkProjected(meta: EntityMetadata, index: IndexMetadata, option: 'filter' | 'select', properties: readonly string[]): void {
  const projected = new Set([...index.nonKeyAttributes, ATTR.pk, ATTR.sk, index.partitionAttribute, index.sortAttribute]);
  const missing = [...new Set(properties)].filter((property) => !projected.has(property));
  if (missing.length === 0) return;
  throw new InvalidArgumentError(
    `${meta.className} index ${index.name} copies only ${index.nonKeyAttributes.join(', ')} (its projection), so ${option} cannot use ` +
      `${missing.join(', ')}; ${option === 'select' ? 'select projected fields, or omit select to read whole entities' : 'filter on projected fields'}.`,
    meta.className,
    { hint: "To use the field, add it to the index's projection (a new index name, then em.reindex())." },
  );
}

function planTypeListing(meta: EntityMetadata, plan: CompiledShape, options: ReadOptions): ReadPlan {
  const typeIndex = typeIndexLayout(meta.typeIndex);
  if (typeIndex === undefined) {
    throw new InvalidArgumentError(
      `${meta.className} is not in a type index (typeIndex: 'none'), so it has no listing or count${meta.parent ? ' across parents' : ''}.`,
      meta.className,
      {
        hint: meta.parent
          ? `Read one parent's collection with getRepository(${meta.className}).of(parent).query() or getWith(), or query one of its @Index declarations.`
          : `Query one of its @Index declarations, or declare @Table('${meta.typeName}', { typeIndex: 'keys' }) and run em.ensureTableExists() and em.reindex(${meta.className}, { fromTypeIndex: 'none' }).`,
      },
    );
  }
  if (options.where !== undefined) {
    const indexes = meta.indexes.map((i) => i.name).join(', ') || 'none';
    throw new InvalidArgumentError(`${meta.className}: where needs an index ({ index, where }); its indexes: ${indexes}.`, meta.className);
  }
  const keysOnly = typeIndex.projection === 'KEYS_ONLY';
  if (keysOnly) refuseFieldsOnKeysOnlyTypeIndex(meta, options);
  const created = createdRange(meta, options.createdAfter, options.createdBefore);
  const filter = filterConditions(meta, plan, options.filter);
  const projection = projectionOf(meta, plan, options.select, []);
  const plain = !keysOnly && created.sort === undefined && filter.length === 0 && projection === undefined;
  return {
    query: plain
      ? undefined
      : {
          indexName: typeIndex.name,
          partition: { attribute: typeIndex.partition.name, value: meta.typeName },
          sort: created.sort,
          filter,
          projection,
        },
    empty: created.empty,
    index: undefined,
    cursorKind: 'typeIndex',
    filtered: filter.length > 0,
    partial: projection !== undefined,
    readsByKey: keysOnly,
    keyCondition: undefined,
    startKeyOf: (position) => {
      const uid = position.uid as string;
      if (!created.contains(uid)) throw otherRead(meta);
      return typeIndexStartKey(meta, position.strId, uid, position.parent);
    },
  };
}

/** A keys-only type index holds no fields: a filter or select would need every entity read first. */
function refuseFieldsOnKeysOnlyTypeIndex(meta: EntityMetadata, options: ReadOptions): void {
  const given = (['filter', 'select'] as const).filter((option) => options[option] !== undefined);
  if (given.length === 0) return;
  throw new InvalidArgumentError(
    `${meta.className}'s type index holds keys only (typeIndex: 'keys'), so its listing cannot ${given.join(' or ')} on fields.`,
    meta.className,
    { hint: "Query an @Index whose key holds the field (projection 'all' for filter and select), or declare typeIndex: 'all'." },
  );
}
