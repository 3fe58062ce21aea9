import { MetadataError } from '../errors';
import { ATTR, TYPE_INDEX_NAME, TYPE_KEYS_INDEX_NAME } from './attributes';
import { getEntityMetadata } from './entity-metadata';
import { gsiNames, INDEX_FAMILIES } from './index-slots';
import { getRegistry } from './registry';
import type { Constructor, IndexMetadata, SharedProjection, TypeIndexMode } from './types';

/**
 * The physical layout of the one table: its key attributes and its global secondary indexes. The
 * only description of it: creating the table, checking an existing one and building requests all
 * read it, so an index added here reaches all three.
 */

export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

export interface IndexLayout {
  readonly name: string;
  readonly partition: KeyAttribute;
  readonly sort?: KeyAttribute;
  /** What the index copies of each item. */
  readonly projection: 'ALL' | 'KEYS_ONLY' | 'INCLUDE';
  /** For INCLUDE: the attributes copied besides the keys. */
  readonly nonKeyAttributes?: readonly string[];
}

export interface TableLayout {
  readonly partition: KeyAttribute;
  readonly sort: KeyAttribute;
  readonly indexes: readonly IndexLayout[];
}

/** Lists, counts and uid look-ups of every type: sparse (only entity items carry `_type`). */
export const TYPE_INDEX: IndexLayout & { readonly sort: KeyAttribute } = {
  name: TYPE_INDEX_NAME,
  partition: { name: ATTR.type, type: 'S' },
  sort: { name: ATTR.uid, type: 'S' },
  projection: 'ALL',
};

/** The type index of `typeIndex: 'keys'` types: keys only, so a write that moves no key costs it nothing. */
export const TYPE_KEYS_INDEX: IndexLayout & { readonly sort: KeyAttribute } = {
  name: TYPE_KEYS_INDEX_NAME,
  partition: { name: ATTR.typeKeys, type: 'S' },
  sort: { name: ATTR.uid, type: 'S' },
  projection: 'KEYS_ONLY',
};

export type TypeIndexLayout = typeof TYPE_INDEX;

/** The type index items written with `mode` are in; undefined for `'none'`. */
export function typeIndexLayout(mode: TypeIndexMode): TypeIndexLayout | undefined {
  if (mode === 'all') return TYPE_INDEX;
  return mode === 'keys' ? TYPE_KEYS_INDEX : undefined;
}

/** String PK/SK and the type index. No local secondary index: an LSI caps each partition at 10 GB. */
export const TABLE_LAYOUT: TableLayout = {
  partition: { name: ATTR.pk, type: 'S' },
  sort: { name: ATTR.sk, type: 'S' },
  indexes: [TYPE_INDEX],
};

/** DynamoDB's limit of global secondary indexes per table. */
const MAX_GSIS = 20;
/** DynamoDB's limit of non-key attributes projected into a table's indexes, summed over the indexes. */
export const MAX_PROJECTED_ATTRIBUTES = 100;

/** The generic GSI of one slot: string keys, shared by every entity type whose `@Index` takes the slot. */
export function gsiLayout(projection: SharedProjection, slot: number): IndexLayout {
  const names = gsiNames(projection, slot);
  return {
    name: names.gsi,
    partition: { name: names.partitionAttribute, type: 'S' },
    sort: { name: names.sortAttribute, type: 'S' },
    projection: INDEX_FAMILIES[projection].projectionType,
  };
}

/** The GSI of its own of an index with a field list: string keys, INCLUDE of the fields and what hydrates an entity. */
export function includeGsiLayout(index: IndexMetadata): IndexLayout {
  return {
    name: index.gsi,
    partition: { name: index.partitionAttribute, type: 'S' },
    sort: { name: index.sortAttribute, type: 'S' },
    projection: 'INCLUDE',
    nonKeyAttributes: index.nonKeyAttributes,
  };
}

/**
 * The entity classes with `@Index` declarations among `entities` (the classes of one table), or among
 * every class registered in the process when no list is given.
 */
export function indexedClasses(entities?: readonly Constructor[]): Constructor[] {
  const indexed = new Set(getRegistry().indexes.map((record) => record.target));
  return entities === undefined ? [...indexed] : [...new Set(entities)].filter((target) => indexed.has(target));
}

/**
 * The layout the entities need (those given, else every registered one): the base layout plus one
 * GSI per slot any `@Index` takes and one per index with a field list. Each class with indexes is
 * validated here (a MetadataError names its mistake), so a table is never created for declarations
 * that would be refused on first use.
 */
export function tableLayoutOfEntities(entities?: readonly Constructor[]): TableLayout {
  const targets = indexedClasses(entities);
  const gsis = new Map<string, IndexLayout>();
  for (const target of targets) {
    for (const index of getEntityMetadata(target).indexes) {
      gsis.set(index.gsi, index.projection === 'include' ? includeGsiLayout(index) : gsiLayout(index.projection, index.slot));
    }
  }
  const typeIndexes = needsKeysOnlyTypeIndex(entities) ? [TYPE_INDEX, TYPE_KEYS_INDEX] : [TYPE_INDEX];
  const indexes = [...typeIndexes, ...[...gsis.values()].sort((a, b) => compareGsiNames(a.name, b.name))];
  if (indexes.length > MAX_GSIS) {
    throw new MetadataError(
      `The entities need ${indexes.length} global secondary indexes (${indexes.map((i) => i.name).join(', ')}); ` +
        `DynamoDB allows ${MAX_GSIS} per table.`,
      undefined,
      {
        hint:
          'Share slots: indexes of different entity types may take the same slot ' +
          "(an index with a field-list projection has a GSI of its own; 'all' or 'keys' share).",
      },
    );
  }
  checkProjectedAttributes(indexes);
  return { ...TABLE_LAYOUT, indexes };
}

/** Whether one of the entities (those given, else every registered one) is a `typeIndex: 'keys'` type. */
function needsKeysOnlyTypeIndex(entities?: readonly Constructor[]): boolean {
  const targets = entities && new Set(entities);
  // The declared option, not getEntityMetadata: a broken class elsewhere in the process must not fail this table.
  return getRegistry().tables.some((record) => (!targets || targets.has(record.target)) && record.options?.typeIndex === 'keys');
}

function checkProjectedAttributes(indexes: readonly IndexLayout[]): void {
  const including = indexes.filter((index) => index.nonKeyAttributes !== undefined);
  const total = including.reduce((sum, index) => sum + (index.nonKeyAttributes?.length ?? 0), 0);
  if (total > MAX_PROJECTED_ATTRIBUTES) {
    const counts = including.map((index) => `${index.name}: ${index.nonKeyAttributes?.length ?? 0}`).join(', ');
    throw new MetadataError(
      `The field-list projections of the entities' indexes copy ${total} non-key attributes (${counts}; each counts the fields ` +
        `listed plus uid, version and the str id); DynamoDB allows ${MAX_PROJECTED_ATTRIBUTES} over all the indexes of a table.`,
      undefined,
      { hint: "List fewer fields, or use projection: 'all'." },
    );
  }
}

/** gsi1, gsi2, ..., gsi10, then gsik1..., then the GSIs of field-list indexes (`article.byTag`) by name. */
function compareGsiNames(a: string, b: string): number {
  const [, familyA = '~' + a, slotA = '0'] = /^([a-z]+)([0-9]+)$/.exec(a) ?? [];
  const [, familyB = '~' + b, slotB = '0'] = /^([a-z]+)([0-9]+)$/.exec(b) ?? [];
  return familyA === familyB ? Number(slotA) - Number(slotB) : familyA < familyB ? -1 : 1;
}
