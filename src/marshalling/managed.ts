import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeChange } from '../expressions';
import { newWriteId, primaryKeyOf } from '../keys';
import { EntityValidationError } from '../errors';
import { indexAttributesOf } from '../keys/index-key';
import { ATTR } from '../metadata/attributes';
import { typeIndexLayout } from '../metadata/table-layout';
import type { EntityMetadata } from '../metadata/types';
import { indexKeyChanges } from './index-changes';
import { addHistoryAttributes, shiftedHistory } from './stored-item';
import type { WriteHistory } from './stored-item';
import { addViolation } from './violations';
import type { ViolationSink } from './violations';

/**
 * Every attribute the library manages on an entity item, the one place that computes them: for a
 * full put (create, save, batch and transaction puts) and for a partial update (update, increment,
 * transaction updates). A new managed attribute (timestamps, TTL, index keys) is added here, once.
 */

type Item = Record<string, AttributeValue>;

export interface ManagedIdentity {
  uid: string;
  version: number;
}

/**
 * The managed attributes of a put: keys, type (which puts the item in the type index, unless the type
 * opts out), identity, and the write history carried on.
 */
export function managedAttributesForPut(
  meta: EntityMetadata,
  strId: string,
  identity: ManagedIdentity,
  previous: WriteHistory,
  parentStrId?: string,
): Item {
  const item: Item = primaryKeyOf(meta, strId, parentStrId);
  const typeIndex = typeIndexLayout(meta.typeIndex);
  if (typeIndex) item[typeIndex.partition.name] = { S: meta.typeName };
  item[ATTR.uid] = { S: identity.uid };
  item[ATTR.version] = { N: String(identity.version) };
  return addHistoryAttributes(item, newWriteId(), previous);
}

/**
 * Adds the key attributes of every `@Index` the item belongs to, computed from its fields as stored.
 * Run on the complete item of a put, after its fields: a key too long for DynamoDB is reported as a
 * violation of the index's first field.
 */
export function addIndexAttributes(meta: EntityMetadata, item: Item, sink: ViolationSink): Item {
  if (meta.indexes.length === 0) return item;
  const keys = indexAttributesOf(meta, item, (index, problem) => addViolation(sink, index.partition[0]?.property ?? '', 'indexKey', problem));
  return Object.assign(item, keys);
}

/**
 * The index key changes of a partial update (see index-changes.ts): a key too long for DynamoDB is
 * an EntityValidationError naming the index's first field, as for a put. `stored` is the item as
 * read, needed when `indexKeysNeedStoredItem(meta, changes)`.
 */
export function indexKeysForUpdate(meta: EntityMetadata, changes: readonly AttributeChange[], stored?: Item): IndexKeyUpdate {
  if (meta.indexes.length === 0) return NO_INDEX_KEYS;
  const { changes: keys, expected, problems } = indexKeyChanges(meta, changes, stored);
  if (problems.length > 0) {
    const sink: ViolationSink = [];
    for (const { index, problem } of problems) addViolation(sink, index.partition[0]?.property ?? '', 'indexKey', problem);
    throw new EntityValidationError(meta.className, sink);
  }
  return { changes: keys, expected };
}

export interface IndexKeyUpdate {
  /** SET or REMOVE of the index key attributes the update moves. */
  changes: readonly AttributeChange[];
  /** The stored values those keys were computed from: the update applies only while they hold. */
  expected: Readonly<Record<string, AttributeValue | undefined>>;
}

const NO_INDEX_KEYS: IndexKeyUpdate = { changes: [], expected: {} };

/**
 * The managed changes of a partial update: the index keys it moves, and the version moves on by one.
 * The write id is recorded by the update expression itself (it shifts the history in the engine;
 * see buildUpdateExpression).
 */
export function managedChangesForUpdate(indexKeys: readonly AttributeChange[] = []): AttributeChange[] {
  return [...indexKeys, { kind: 'increment', attribute: ATTR.version, by: ONE }];
}

const ONE: AttributeValue = { N: '1' };

/**
 * The managed attributes an update leaves on `item`, computed locally (transactions return no
 * values): version, write history and the index keys it sets (itemAfterUpdate drops those it removes).
 */
export function managedAttributesAfterUpdate(item: Item, writeId: string, indexKeys: readonly AttributeChange[] = []): Item {
  const attributes: Item = { [ATTR.version]: { N: String(Number(item[ATTR.version]?.N) + 1) }, ...shiftedHistory(item, writeId) };
  for (const change of indexKeys) {
    if (change.kind === 'set') attributes[change.attribute] = change.value;
  }
  return attributes;
}

/** The stored item after a partial update, computed locally: transactions return no values. */
export function itemAfterUpdate(item: Item, changes: readonly AttributeChange[], indexKeys: readonly AttributeChange[], writeId: string): Item {
  const removed = new Set([...changes, ...indexKeys].filter((c) => c.kind === 'remove').map((c) => c.attribute));
  const next: Item = {};
  for (const [name, value] of Object.entries(item)) if (!removed.has(name)) next[name] = value;
  for (const change of changes) {
    if (change.kind === 'set') next[change.attribute] = change.value;
    if (change.kind === 'increment') next[change.attribute] = { N: String(Number(item[change.attribute]?.N ?? 0) + Number(change.by.N)) };
  }
  return Object.assign(next, managedAttributesAfterUpdate(item, writeId, indexKeys));
}
