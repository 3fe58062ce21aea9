import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { compareUtf8 } from '../keys/index-key-range';
import { guardItem, newWriteId, strIdOfItem } from '../keys';
import type { SortKeyExpression } from '../expressions';
import type { EntityMapper } from '../marshalling/entity-mapper';
import { addHistoryAttributes, identityOfItem, writeHistoryOf } from '../marshalling/stored-item';
import { ATTR, KEY_SEPARATOR, WRITE_HISTORY } from '../metadata/attributes';
import { createEntry, deleteEntry, rewriteGuardEntry } from './transaction-commands';
import { deleteEntries, uniquesOfItem } from './transaction-entries';
import type { TransactionEntry } from './transaction-entry';
import { itemTypeOf } from './collection-commands';

/**
 * Pure builders for operations on a parent's item collection (its partition: the parent's own item,
 * `SK = <parentType>`, and its children, `SK = <childType>#<childStrId>`): the Query of the
 * partition, the ranges of sort keys no registered child type can hold, and the transaction entries
 * that delete or move one child. Unit tests compare their output.
 */

type Item = Record<string, AttributeValue>;

/** The sort keys of one child type in a partition: those that begin with `<type>#`. */
export function childTypeCondition(typeName: string): SortKeyExpression {
  return { attribute: ATTR.sk, op: 'beginsWith', value: { S: typeName + KEY_SEPARATOR } };
}

/** A range of sort keys: from `from` (inclusive; the partition's start when undefined) below `below` (exclusive; its end when undefined). */
export interface SortKeyGap {
  readonly from: string | undefined;
  readonly below: string | undefined;
}

/**
 * The sort key ranges of a parent's partition where no item of a known type can be: between the
 * parent's own key and the key range of each registered child type (`<type>#` up to `<type>$`). Type
 * names hold no `#` and sort above `$`, so these ranges never overlap and the gaps are exact: any
 * item found in a gap is of a type nobody registered. Ranges sorted as DynamoDB sorts (UTF-8 bytes).
 */
export function unknownTypeGaps(parentTypeName: string, childTypeNames: readonly string[]): SortKeyGap[] {
  const ranges = [
    { start: parentTypeName, end: parentTypeName + '\u0000' },
    ...childTypeNames.map((type) => ({ start: type + KEY_SEPARATOR, end: afterType(type) })),
  ].sort((a, b) => compareUtf8(a.start, b.start));
  const gaps: SortKeyGap[] = [];
  let from: string | undefined;
  for (const range of ranges) {
    gaps.push({ from, below: range.start });
    from = range.end;
  }
  gaps.push({ from, below: undefined });
  return gaps;
}

/** The least sort key above every key of the type: `<type>$` (`$` follows `#`). */
function afterType(typeName: string): string {
  return typeName + String.fromCharCode(KEY_SEPARATOR.charCodeAt(0) + 1);
}

/** Where to look on in a gap after finding an item with this sort key: past every key of its type. */
export function keyAfterItemType(sortKey: string): string {
  return sortKey.includes(KEY_SEPARATOR) ? afterType(itemTypeOf(sortKey)) : sortKey + '\u0000';
}

/**
 * Deletes a child as read, valid only while it is still at the version read (and the same uid): a
 * child changed meanwhile cancels the transaction rather than vanishing with changes nobody saw.
 * Releases the guards of the unique values read.
 */
export function childDeleteEntries<T extends object>(tableName: string, mapper: EntityMapper<T>, item: Item): TransactionEntry[] {
  const strId = strIdOfItem(mapper.meta, item);
  return deleteEntries(tableName, mapper, { strId, expected: identityOfItem(item), before: uniquesOfItem(mapper, item) });
}

/**
 * A child item moved to another partition: every attribute as stored (fields, index keys and
 * attributes written by other tools alike; none of them depends on the parent), the new partition
 * key, the version moved on by one and a new write id at the head of its history. The move is a write
 * of the child: a copy loaded before it is stale, as a copy of its renamed parent is.
 */
export function movedChildItem(item: Item, partitionKey: string): { item: Item; writeId: string } {
  const history = new Set(WRITE_HISTORY);
  const moved: Item = {};
  for (const [name, value] of Object.entries(item)) if (!history.has(name)) moved[name] = value;
  moved[ATTR.pk] = { S: partitionKey };
  moved[ATTR.version] = { N: String(identityOfItem(item).version + 1) };
  const writeId = newWriteId();
  addHistoryAttributes(moved, writeId, writeHistoryOf(item));
  return { item: moved, writeId };
}

/**
 * Moves a child to the same str id under another parent, in the transaction that renames the parent:
 * the item at the old key deleted at the version read, the same item put at the new key (which must
 * be free), and each unique guard re-pointed at the new parent (`ownerParentStrId`), as long as the
 * child still owns it. `mapper` is the child type's, scoped to the old parent.
 */
export function childMoveEntries<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  item: Item,
  target: { parentStrId: string; partitionKey: string },
): TransactionEntry[] {
  const { meta } = mapper;
  const strId = strIdOfItem(meta, item);
  const read = identityOfItem(item);
  const moved = movedChildItem(item, target.partitionKey);
  const base = { entity: meta.className, strIdField: meta.strIdProperty, strId };
  const entries: TransactionEntry[] = [
    { ...base, request: deleteEntry(tableName, mapper.keyOf(strId), read), operation: 'delete', expectedVersion: read.version },
    { ...base, request: createEntry(tableName, moved.item), operation: 'create', writeId: moved.writeId },
  ];
  const values = uniquesOfItem(mapper, item);
  for (const field of meta.uniqueFields) {
    const value = values[field];
    if (value === undefined) continue;
    const guard = guardItem(meta, field, value, { uid: read.uid, strId, parentStrId: target.parentStrId });
    entries.push({ ...base, request: rewriteGuardEntry(tableName, guard, read.uid), operation: 'uniqueRelease', field, value });
  }
  return entries;
}
