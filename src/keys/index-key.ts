import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { KEY_SEPARATOR, LIMITS } from '../metadata/attributes';
import { bigintFromText } from './number-text';
import type { EntityMetadata, IndexKeyField, IndexMetadata } from '../metadata/types';

/**
 * Index keys, composed so that DynamoDB's byte order of the key strings is the natural order of the
 * field values, and so that no values of one type, index or combination can compose another's key.
 *
 * - Partition key: `<typeName>#<indexName>#` then one component per partition field. Type and index
 *   names contain no `#`, so the prefix alone tells whose key it is.
 * - Sort key: one component per sort field; NO_SORT_FIELDS for an index without sort fields (a key
 *   may not be empty). It holds nothing but the fields (not the uid), so an update that gives every
 *   key field computes the new key without reading the item. Entities with equal sort values share a
 *   key and come back in an order DynamoDB chooses; a cursor still resumes exactly between them, as
 *   it holds the primary key too.
 * - A component is a value's order-preserving text followed by END (` #`); a missing sort value is
 *   MISSING (` !`), which sorts before every value. Both are a space and a character below the
 *   escapes; a value's own characters up to the space (U+0000 to U+0020) are escaped to a space and a
 *   character from `$` up, in their order, so every other character of a value is above the space.
 *   The components are therefore prefix-free and comparing two keys compares their values field by
 *   field. Printable on purpose: keys read well in a console and need no escaping in JSON.
 */

type Item = Record<string, AttributeValue>;

export const MISSING = ' !';
/** The sort key of every item of an index without sort fields. */
export const NO_SORT_FIELDS = '-';
export const END = ' #';
/** `$`: the escape of U+0000; U+0001 is `%`, and so on up to U+0020 (`D`). */
const FIRST_ESCAPE = 0x24;
/** The characters a value must not hold as they are: the space starts END, MISSING and the escapes. */
// eslint-disable-next-line no-control-regex -- matching the characters up to the space is the point
const NEEDS_ESCAPE = /[\u0000-\u0020]/;
// eslint-disable-next-line no-control-regex -- as above
const EVERY_ESCAPE = /[\u0000-\u0020]/g;

/** A string value's key text: characters up to the space escaped, everything else as it is. */
export function escapeKeyText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(EVERY_ESCAPE, (c) => ' ' + String.fromCharCode(FIRST_ESCAPE + c.charCodeAt(0))) : text;
}

const view = new DataView(new ArrayBuffer(8));

/**
 * A double as 16 hex digits that sort like the numbers: the IEEE-754 bits, with the sign bit set for
 * non-negative numbers and every bit flipped for negative ones. -0 is stored as 0.
 */
export function orderedDouble(value: number): string {
  view.setFloat64(0, value === 0 ? 0 : value);
  let high = view.getUint32(0);
  let low = view.getUint32(4);
  if (high >= 0x80000000) {
    high = ~high >>> 0;
    low = ~low >>> 0;
  } else {
    high = (high | 0x80000000) >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

/**
 * An integer of any size as text that sorts like the integers: `1` for zero; `2`, the digit count in
 * three digits, the digits for positives; `0`, 999 minus the digit count, the nines' complement of
 * the digits for negatives (a longer negative is smaller).
 */
export function orderedInteger(value: bigint): string {
  if (value === 0n) return '1';
  const digits = (value < 0n ? -value : value).toString();
  if (value > 0n) return '2' + String(digits.length).padStart(3, '0') + digits;
  const complement = digits.replace(/[0-9]/g, (d) => String(9 - Number(d)));
  return '0' + String(999 - digits.length).padStart(3, '0') + complement;
}

/**
 * The order-preserving text of one stored value of a key field, or undefined when the attribute is
 * absent or NULL. Read from the attribute as stored, so keys computed from an item written in full,
 * from an update's new values and from a stored item agree.
 */
export function componentText(field: IndexKeyField, attribute: AttributeValue | undefined): string | undefined {
  if (attribute === undefined || attribute.NULL) return undefined;
  const { type } = field;
  switch (type.kind) {
    case 'string':
      return attribute.S === undefined ? undefined : escapeKeyText(attribute.S);
    case 'number':
      return attribute.N === undefined ? undefined : orderedDouble(Number(attribute.N));
    case 'bigint':
      return attribute.N === undefined ? undefined : orderedInteger(bigintFromText(attribute.N));
    case 'boolean':
      return attribute.BOOL === undefined ? undefined : attribute.BOOL ? '1' : '0';
    case 'date': {
      const time = attribute.S !== undefined ? Date.parse(attribute.S) : attribute.N !== undefined ? Number(attribute.N) : NaN;
      if (Number.isNaN(time)) return undefined;
      return orderedDouble(type.format === 'epochSeconds' && attribute.N !== undefined ? time * 1000 : time);
    }
  }
}

export function indexPartitionPrefix(meta: EntityMetadata, index: IndexMetadata): string {
  return meta.typeName + KEY_SEPARATOR + index.name + KEY_SEPARATOR;
}

export interface IndexKey {
  partition: string;
  sort: string;
}

/**
 * The index key of an item (its fields as stored), or undefined when a partition field
 * is missing: the item is then not in the index.
 */
export function indexKeyOf(meta: EntityMetadata, index: IndexMetadata, item: Item): IndexKey | undefined {
  let partition = indexPartitionPrefix(meta, index);
  for (const field of index.partition) {
    const text = componentText(field, item[field.property]);
    if (text === undefined) return undefined;
    partition += text + END;
  }
  let sort = '';
  for (const field of index.sort) {
    const text = componentText(field, item[field.property]);
    sort += text === undefined ? MISSING : text + END;
  }
  return { partition, sort: sort === '' ? NO_SORT_FIELDS : sort };
}

/** Why this key cannot be stored (DynamoDB's key size limits), naming the index and its fields. */
export function indexKeyProblem(index: IndexMetadata, key: IndexKey): string | undefined {
  const partitionBytes = Buffer.byteLength(key.partition, 'utf8');
  if (partitionBytes > LIMITS.partitionKeyBytes) {
    const fields = index.partition.map((f) => f.property).join(', ');
    return `index ${index.name}'s partition key (${fields}) would be ${partitionBytes} bytes; DynamoDB allows ${LIMITS.partitionKeyBytes}`;
  }
  const sortBytes = Buffer.byteLength(key.sort, 'utf8');
  if (sortBytes > LIMITS.sortKeyBytes) {
    const fields = index.sort.map((f) => f.property).join(', ');
    return `index ${index.name}'s sort key (${fields}) would be ${sortBytes} bytes; DynamoDB allows ${LIMITS.sortKeyBytes}`;
  }
  return undefined;
}

/** The key attributes of every index the item belongs to (none for an index it is not in). */
export function indexAttributesOf(meta: EntityMetadata, item: Item, onProblem: (index: IndexMetadata, problem: string) => void): Item {
  const attributes: Item = {};
  for (const index of meta.indexes) {
    const key = indexKeyOf(meta, index, item);
    if (key === undefined) continue;
    const problem = indexKeyProblem(index, key);
    if (problem !== undefined) onProblem(index, problem);
    attributes[index.partitionAttribute] = { S: key.partition };
    attributes[index.sortAttribute] = { S: key.sort };
  }
  return attributes;
}
