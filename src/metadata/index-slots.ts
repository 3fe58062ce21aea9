import { MetadataError } from '../errors';
import { getRegistry } from './registry';
import type { IndexRecord } from './registry';
import type { Constructor, IndexProjection } from './types';

/**
 * Which generic GSI holds each `@Index` of a class. GSIs are shared by every entity type (their key
 * values start with the type and index name), so a table needs as many GSIs per projection as the
 * class with the most indexes of that projection, not one per index.
 */

/** The physical GSI family of a projection: its name prefix and DynamoDB's projection type. */
export const INDEX_FAMILIES: Readonly<Record<IndexProjection, { prefix: string; projectionType: 'ALL' | 'KEYS_ONLY' }>> = {
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

export function gsiNames(projection: IndexProjection, slot: number): GsiNames {
  const name = INDEX_FAMILIES[projection].prefix + String(slot);
  return { gsi: name, partitionAttribute: `_${name}pk`, sortAttribute: `_${name}sk` };
}

/** `_gsi3pk`, `_gsik1sk`...: attribute names of index keys, which entity fields may not take. */
export const INDEX_KEY_ATTRIBUTE = /^_gsik?[0-9]+(pk|sk)$/;

export interface AssignedSlot {
  readonly record: IndexRecord;
  readonly projection: IndexProjection;
  readonly slot: number;
}

/**
 * The `@Index` declarations of a class, top to bottom (decorators run bottom-up), each with its slot:
 * `options.slot` when pinned, else its 1-based position among the class's indexes of that projection.
 */
export function assignIndexSlots(target: Constructor): AssignedSlot[] {
  const records = getRegistry()
    .indexes.filter((record) => record.target === target)
    .reverse();
  const position: Record<string, number> = {};
  const taken = new Map<string, string>();
  return records.map((record) => {
    const projection = record.options?.projection ?? 'all';
    position[projection] = (position[projection] ?? 0) + 1;
    const slot = record.options?.slot ?? (position[projection] as number);
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
