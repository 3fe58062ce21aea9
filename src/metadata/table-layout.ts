import { MetadataError } from '../errors';
import { ATTR, TYPE_INDEX_NAME } from './attributes';
import { getEntityMetadata } from './entity-metadata';
import { gsiNames, INDEX_FAMILIES } from './index-slots';
import { getRegistry } from './registry';
import type { IndexProjection } from './types';

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
  readonly projection: 'ALL' | 'KEYS_ONLY';
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

/** String PK/SK and the type index. No local secondary index: an LSI caps each partition at 10 GB. */
export const TABLE_LAYOUT: TableLayout = {
  partition: { name: ATTR.pk, type: 'S' },
  sort: { name: ATTR.sk, type: 'S' },
  indexes: [TYPE_INDEX],
};

/** DynamoDB's limit of global secondary indexes per table. */
const MAX_GSIS = 20;

/** The generic GSI of one slot: string keys, shared by every entity type whose `@Index` takes the slot. */
export function gsiLayout(projection: IndexProjection, slot: number): IndexLayout {
  const names = gsiNames(projection, slot);
  return {
    name: names.gsi,
    partition: { name: names.partitionAttribute, type: 'S' },
    sort: { name: names.sortAttribute, type: 'S' },
    projection: INDEX_FAMILIES[projection].projectionType,
  };
}

/**
 * The layout the registered entities need: the base layout plus one GSI per slot any `@Index`
 * takes. Each class with indexes is validated here (a MetadataError names its mistake), so a table
 * is never created for declarations that would be refused on first use.
 */
export function tableLayoutOfEntities(): TableLayout {
  const targets = new Set(getRegistry().indexes.map((record) => record.target));
  const slots = new Map<string, IndexLayout>();
  for (const target of targets) {
    for (const index of getEntityMetadata(target).indexes) slots.set(index.gsi, gsiLayout(index.projection, index.slot));
  }
  const indexes = [TYPE_INDEX, ...[...slots.values()].sort((a, b) => compareGsiNames(a.name, b.name))];
  if (indexes.length > MAX_GSIS) {
    throw new MetadataError(
      `The entities need ${indexes.length} global secondary indexes (${indexes.map((i) => i.name).join(', ')}); ` +
        `DynamoDB allows ${MAX_GSIS} per table. Share slots: indexes of different entity types may take the same slot.`,
    );
  }
  return { ...TABLE_LAYOUT, indexes };
}

/** gsi1, gsi2, ..., gsi10, then gsik1...: by family, then by slot number. */
function compareGsiNames(a: string, b: string): number {
  const [, familyA = '', slotA = '0'] = /^([a-z]+)([0-9]+)$/.exec(a) ?? [];
  const [, familyB = '', slotB = '0'] = /^([a-z]+)([0-9]+)$/.exec(b) ?? [];
  return familyA === familyB ? Number(slotA) - Number(slotB) : familyA < familyB ? -1 : 1;
}
