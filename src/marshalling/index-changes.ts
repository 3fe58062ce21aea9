import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { holdsCondition } from '../expressions';
import type { AttributeChange } from '../expressions';
import { indexKeyOf, indexKeyProblem } from '../keys/index-key';
import { ATTR } from '../metadata/attributes';
import type { EntityMetadata, IndexMetadata } from '../metadata/types';

/**
 * The index key changes of a partial update: pure functions of the entity's metadata, the update's
 * changes and (when needed) the item as stored, so that an update never leaves a stale or
 * half-built key. Per index whose key fields the update touches:
 *
 * - a partition field removed or set to null: the entity leaves the (sparse) index, REMOVE both keys;
 * - every key field given (partition and sort): the new key comes from the patch alone, no read;
 * - otherwise the key needs the stored values of the fields the patch leaves out: it is computed from
 *   the stored item overlaid with the changes, and the write must find those stored values unchanged
 *   (`expected`).
 */

type Item = Record<string, AttributeValue>;

export interface IndexKeyChanges {
  /** SET or REMOVE of the touched indexes' key attributes. */
  changes: AttributeChange[];
  /** Stored values the keys were computed from (undefined: absent); the write must still find them. */
  expected: Record<string, AttributeValue | undefined>;
  /** Keys DynamoDB would refuse (too long), per index. */
  problems: { index: IndexMetadata; problem: string }[];
}

type Decision = 'leaves' | 'fromPatch' | 'fromStored';

/** Whether a field is part of any index key: an increment of it must read the stored value first. */
export function isIndexKeyField(meta: EntityMetadata, field: string): boolean {
  return meta.indexes.some((index) => keyFieldsOf(index).includes(field));
}

/** The indexes whose key includes a field the changes touch. */
export function indexesTouchedBy(meta: EntityMetadata, changes: readonly AttributeChange[]): IndexMetadata[] {
  if (meta.indexes.length === 0) return [];
  const changed = new Set(changes.map((change) => change.attribute));
  return meta.indexes.filter((index) => keyFieldsOf(index).some((field) => changed.has(field)));
}

/** Whether the new index keys depend on the stored item (then it is read once before the write). */
export function indexKeysNeedStoredItem(meta: EntityMetadata, changes: readonly AttributeChange[]): boolean {
  const given = givenValues(changes);
  return indexesTouchedBy(meta, changes).some((index) => decide(index, given) === 'fromStored');
}

/**
 * The key changes of every touched index. `stored` is the item as read, required when
 * `indexKeysNeedStoredItem` says so; indexes the patch decides alone never use it.
 */
export function indexKeyChanges(meta: EntityMetadata, changes: readonly AttributeChange[], stored?: Item): IndexKeyChanges {
  const result: IndexKeyChanges = { changes: [], expected: {}, problems: [] };
  const counter = changes.find((change) => change.kind === 'increment' && isIndexKeyField(meta, change.attribute));
  if (counter) throw new Error(`${meta.className}.${counter.attribute} is an index key field: increment it as a set of the new value`);
  const given = givenValues(changes);
  for (const index of indexesTouchedBy(meta, changes)) {
    const decision = decide(index, given);
    if (decision === 'leaves') removeKeys(result, index);
    else if (decision === 'fromPatch') keysFromPatch(result, meta, index, given);
    else if (stored === undefined) throw new Error(`index ${index.name} of ${meta.className}: its new key needs the stored item`);
    else keysFromStored(result, meta, index, given, stored);
  }
  return result;
}

/**
 * Whether the item holds exactly these values (undefined: the attribute is absent), compared as the
 * write's condition compares them in DynamoDB (numbers by value, whatever their spelling).
 */
export function holdsAttributes(item: Item, expected: Readonly<Record<string, AttributeValue | undefined>>): boolean {
  return Object.entries(expected).every(([attribute, value]) =>
    holdsCondition(item, value === undefined ? { attribute, op: 'exists', exists: false } : { attribute, op: 'eq', value }),
  );
}

function keyFieldsOf(index: IndexMetadata): string[] {
  return [...index.partition, ...index.sort].map((field) => field.property);
}

/** The values the changes give (undefined: removed). An increment gives no value: resolve it first. */
function givenValues(changes: readonly AttributeChange[]): Map<string, AttributeValue | undefined> {
  const given = new Map<string, AttributeValue | undefined>();
  for (const change of changes) {
    if (change.kind === 'set') given.set(change.attribute, change.value);
    else if (change.kind === 'remove') given.set(change.attribute, undefined);
  }
  return given;
}

function decide(index: IndexMetadata, given: ReadonlyMap<string, AttributeValue | undefined>): Decision {
  const leaves = index.partition.some((field) => given.has(field.property) && isMissing(given.get(field.property)));
  if (leaves) return 'leaves';
  return keyFieldsOf(index).every((field) => given.has(field)) ? 'fromPatch' : 'fromStored';
}

function isMissing(value: AttributeValue | undefined): boolean {
  return value === undefined || value.NULL === true;
}

function removeKeys(result: IndexKeyChanges, index: IndexMetadata): void {
  result.changes.push({ kind: 'remove', attribute: index.partitionAttribute }, { kind: 'remove', attribute: index.sortAttribute });
}

/** Every key field given: the key is the patch's own. */
function keysFromPatch(result: IndexKeyChanges, meta: EntityMetadata, index: IndexMetadata, given: ReadonlyMap<string, AttributeValue | undefined>): void {
  const key = indexKeyOf(meta, index, Object.fromEntries(given) as Item);
  if (key === undefined) return removeKeys(result, index); // not reached: 'leaves' covers a missing partition value
  const problem = indexKeyProblem(index, key);
  if (problem !== undefined) result.problems.push({ index, problem });
  result.changes.push(
    { kind: 'set', attribute: index.partitionAttribute, value: { S: key.partition } },
    { kind: 'set', attribute: index.sortAttribute, value: { S: key.sort } },
  );
}

/** The key of the stored item overlaid with the changes, valid while the fields it used stay as read. */
function keysFromStored(
  result: IndexKeyChanges,
  meta: EntityMetadata,
  index: IndexMetadata,
  given: ReadonlyMap<string, AttributeValue | undefined>,
  stored: Item,
): void {
  const overlay: Item = {};
  for (const field of keyFieldsOf(index)) {
    const value = given.has(field) ? given.get(field) : stored[field];
    if (value !== undefined) overlay[field] = value;
    if (!given.has(field)) result.expected[field] = stored[field];
  }
  const key = indexKeyOf(meta, index, overlay);
  if (key === undefined) return removeKeys(result, index);
  // Also the uid: the values were read from this incarnation of the entity, and the write is for it alone
  // (not for one deleted and re-created since, even with the same key fields).
  result.expected[ATTR.uid] = stored[ATTR.uid];
  const problem = indexKeyProblem(index, key);
  if (problem !== undefined) result.problems.push({ index, problem });
  result.changes.push(
    { kind: 'set', attribute: index.partitionAttribute, value: { S: key.partition } },
    { kind: 'set', attribute: index.sortAttribute, value: { S: key.sort } },
  );
}
