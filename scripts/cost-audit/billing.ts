/**
 * DynamoDB's billing rules, applied to what a request did: the items it read, the items it wrote
 * (their images before and after) and the table's global secondary indexes. On-demand read and write
 * request units (RRU/WRU; provisioned RCU/WCU count the same way).
 *
 * - A write costs 1 WRU per 1 KB (rounded up) of the larger of the item's old and new images; a
 *   transactional write twice that. A refused conditional write is charged as if it had been written.
 * - Each GSI whose entry the write adds, removes or changes costs the index entry's size in WRU: a
 *   changed index key costs a delete plus a put; a change of nothing the index projects costs nothing.
 * - A strongly consistent read costs 1 RRU per 4 KB, an eventually consistent one half; a Query or
 *   Scan sums the sizes of every item it read (returned or filtered out) before rounding; a BatchGetItem
 *   rounds each item; a transactional read costs twice. Reading nothing still costs one unit.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

export interface IndexShape {
  name: string;
  /** The index's key attributes (partition, then sort when there is one). */
  keys: string[];
  /** `ALL`, or the attributes the index copies besides the keys (the table's keys included). */
  projection: 'ALL' | string[];
}

export interface TableShape {
  /** The table's key attributes. */
  keys: string[];
  indexes: IndexShape[];
}

/** One item a request wrote: its images before and after (undefined where there was none). */
export interface WrittenItem {
  before: Item | undefined;
  after: Item | undefined;
  transactional: boolean;
  /** The condition failed: nothing changed, but the write is charged. */
  refused: boolean;
}

export interface Units {
  rru: number;
  wru: number;
}

const KB = 1024;

/** An item's size by DynamoDB's rules: attribute names plus values (UTF-8 bytes; numbers approximated). */
export function sizeOf(item: Item | undefined): number {
  if (!item) return 0;
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueSize(value);
  return bytes;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/^-|\.|e.*$/gi, '').replace(/^0+/, '').length / 2) + 1;
  if (value.B !== undefined) return value.B.length;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L) return 3 + value.L.reduce((total, element) => total + 1 + valueSize(element), 0);
  if (value.M) return 3 + Object.entries(value.M).reduce((total, [name, element]) => total + 1 + Buffer.byteLength(name) + valueSize(element), 0);
  if (value.SS) return value.SS.reduce((total, element) => total + Buffer.byteLength(element), 0);
  if (value.NS) return value.NS.reduce((total, element) => total + element.length, 0);
  return 0;
}

const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));
export const readUnits = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / (4 * KB))) * (consistent ? 1 : 0.5);

/** The entry an index holds for an item, or undefined when the item lacks one of the index's keys. */
export function indexEntry(item: Item | undefined, index: IndexShape, table: TableShape): Item | undefined {
  if (!item || index.keys.some((key) => item[key] === undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([...table.keys, ...index.keys, ...index.projection]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

const canonical = (value: unknown): string =>
  value && typeof value === 'object'
    ? Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : `{${Object.keys(value).sort().map((key) => `${key}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`
    : JSON.stringify(value);
const sameKey = (a: Item, b: Item, keys: string[]) => keys.every((key) => canonical(a[key]) === canonical(b[key]));

/** The WRU of one written item: the table's, and every index entry it adds, moves, changes or removes. */
export function writtenItemUnits(written: WrittenItem, table: TableShape): number {
  const tableUnits = writeUnits(Math.max(sizeOf(written.before), sizeOf(written.after))) * (written.transactional ? 2 : 1);
  if (written.refused) return tableUnits;
  let indexUnits = 0;
  for (const index of table.indexes) {
    const before = indexEntry(written.before, index, table);
    const after = indexEntry(written.after, index, table);
    if (before && after && sameKey(before, after, index.keys)) {
      if (canonical(before) !== canonical(after)) indexUnits += writeUnits(sizeOf(after));
    } else {
      if (before) indexUnits += writeUnits(sizeOf(before));
      if (after) indexUnits += writeUnits(sizeOf(after));
    }
  }
  return tableUnits + indexUnits;
}
