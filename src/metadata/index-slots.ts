import { MetadataError } from '../errors';
import { getRegistry } from './registry';
import type { IndexRecord } from './registry';
import type { Constructor, SharedProjection } from './types';

/**
 * Which generic GSI holds each `@Index` of a class. GSIs are shared by every entity type (their key
 * values start with the type and index name), so a table needs as many GSIs per projection as the
 * class with the most indexes of that projection, not one per index.
 */

/** The physical GSI family of a projection: its name prefix and DynamoDB's projection type. */
export const INDEX_FAMILIES: Readonly<Record<SharedProjection, { prefix: string; projectionType: 'ALL' | 'KEYS_ONLY' }>> = {
  all: { prefix: 'gsi', projectionType: 'ALL' },
  keys: { prefix: 'gsik', projectionType: 'KEYS_ONLY' },
};

/** DynamoDB allows 20 GSIs per table; the type index takes one. */
export const MAX_INDEX_SLOTS = 19;

export interface GsiNames {
  readonly gsi: string;
  readonly partitionAttribute: string;
  readonly sortAttribute: string;
}

export function gsiNames(projection: SharedProjection, slot: number): GsiNames {
  const name = INDEX_FAMILIES[projection].prefix + String(slot);
  return { gsi: name, partitionAttribute: `_${name}pk`, sortAttribute: `_${name}sk` };
}

/**
 * The GSI of its own of an index with a field list (INCLUDE): `<type>.<index>`, keys
 * `_gsi.<type>.<index>.pk`/`.sk`. Type and index names contain no `.`, so no two indexes share them,
 * and no slot GSI (`gsi1`) or the type index can take them.
 */
export function ownGsiNames(typeName: string, indexName: string): GsiNames {
  const name = `${typeName}.${indexName}`;
  return { gsi: name, partitionAttribute: `_gsi.${name}.pk`, sortAttribute: `_gsi.${name}.sk` };
}

/**
 * `_gsi3pk`, `_gsik1sk`, `_gsi.article.byTag.pk`...: attribute names of index keys, which entity
 * fields may not take (and which a reindex removes when no declared index uses them).
 */
export const INDEX_KEY_ATTRIBUTE = /^_gsi(k?[0-9]+(pk|sk)|\..+\.(pk|sk))$/;

export interface AssignedSlot {
  readonly record: IndexRecord;
  /** `'include'`: a field list, which takes no slot (slot 0). */
  readonly projection: SharedProjection | 'include';
  readonly slot: number;
}

/**
 * The `@Index` declarations of a class, top to bottom (decorators run bottom-up), each with its slot:
 * `options.slot` when pinned, else its 1-based position among the class's indexes of that projection.
 * An index with a field list has a GSI of its own and takes no slot.
 */
export function assignIndexSlots(target: Constructor): AssignedSlot[] {
  const records = getRegistry()
    .indexes.filter((record) => record.target === target)
    .reverse();
  const position: Record<string, number> = {};
  const taken = new Map<string, string>();
  return records.map((record) => {
    const projection = record.options?.projection ?? 'all';
    if (typeof projection !== 'string') return { record, projection: 'include', slot: 0 };
    position[projection] = (position[projection] ?? 0) + 1;
    // A pinned index still counts as a position, so pinning one never moves the indexes after it.
    const slot = record.options?.slot ?? (position[projection] as number);
    if (slot > MAX_INDEX_SLOTS) {
      throw new MetadataError(
        `${target.name} has more than ${MAX_INDEX_SLOTS} @Index declarations with projection '${projection}' (@Index('${record.name}') ` +
          `would take ${gsiNames(projection, slot).gsi}); DynamoDB allows 20 GSIs per table.`,
        target.name,
        { hint: 'Remove some, or use another projection.' },
      );
    }
    const key = `${projection}:${slot}`;
    const other = taken.get(key);
    if (other !== undefined) {
      throw new MetadataError(
        `${target.name}: @Index('${other}') and @Index('${record.name}') both take ${gsiNames(projection, slot).gsi}; ` +
          'give each a distinct slot (e.g. { slot: 2 }).',
        target.name,
      );
    }
    taken.set(key, record.name);
    return { record, projection, slot };
  });
}
