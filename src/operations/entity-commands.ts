import type {
  AttributeValue,
  DeleteItemCommandInput,
  GetItemCommandInput,
  PutItemCommandInput,
  QueryCommandInput,
  ScanCommandInput,
} from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../errors';
import { buildConditionExpression, buildFilterExpression, mergeAttributes } from '../expressions';
import type { AttributeCondition, Condition } from '../expressions';
import { primaryKeyOf } from '../keys';
import type { ItemKey } from '../keys';
import type { EntityMetadata, TypeIndexMode } from '../metadata/types';
import { ATTR, KEY_SEPARATOR } from '../metadata/attributes';
import { typeIndexLayout } from '../metadata/table-layout';
import type { TypeIndexLayout } from '../metadata/table-layout';

/**
 * Pure builders of the exact SDK input of every entity command. Unit tests compare their output;
 * the executor is the only place that sends anything.
 */

type Item = Record<string, AttributeValue>;

/** Look-up by str id: one strongly consistent GetItem. */
export function getItemInput(tableName: string, key: ItemKey): GetItemCommandInput {
  return { TableName: tableName, Key: key, ConsistentRead: true };
}

/**
 * Create: a PutItem that only succeeds when the key is free. On a clash, engines that honour
 * `ReturnValuesOnConditionCheckFailure` return the existing item in the error, which saves
 * getOrCreate a second request.
 */
export function createItemInput(tableName: string, item: Item): PutItemCommandInput {
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': ATTR.pk },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

export interface ExpectedIdentity {
  uid: string;
  version: number;
}

/**
 * Optimistic locking: the write applies only if the stored item is the very entity (same uid: not
 * deleted and re-created meanwhile) at the version the caller loaded.
 */
function versionGuard(expected: ExpectedIdentity) {
  return {
    ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid',
    ExpressionAttributeNames: { '#version': ATTR.version, '#uid': ATTR.uid },
    ExpressionAttributeValues: {
      ':expectedVersion': { N: String(expected.version) },
      ':expectedUid': { S: expected.uid },
    },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** The part of a condition expression the library needs, with its placeholders. */
interface ConditionParts {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

/**
 * The caller's `condition` ANDed after the library's own condition, with placeholders of its own
 * (`#uc`/`:uc`) so the two never clash. No conditions: the library's part unchanged.
 */
export function withUserConditions<P extends ConditionParts>(parts: P, conditions: readonly AttributeCondition[] | undefined): P {
  if (!conditions || conditions.length === 0) return parts;
  const user = buildFilterExpression(conditions, 'uc');
  const library = { names: parts.ExpressionAttributeNames ?? {}, values: parts.ExpressionAttributeValues ?? {} };
  return { ...parts, ConditionExpression: `${parts.ConditionExpression} AND (${user.expression})`, ...mergeAttributes(library, user.attributes) };
}

/**
 * Unique values a write depends on, by field: the attribute value the stored item must hold, or
 * undefined for none (the attribute absent or NULL, both of which hold no guarded value).
 */
export type HeldUniques = Readonly<Record<string, AttributeValue | undefined>>;

/**
 * The version guard, and (with `held`) that the stored item still holds those unique values. The
 * version alone does not imply them: an entity deleted and created again with the same `uid` starts
 * over at version 1 with other values, and a stale copy's put would then hold values without guards.
 */
function identityGuard(expected: ExpectedIdentity, held: HeldUniques | undefined) {
  const guard = versionGuard(expected);
  const fields = Object.entries(held ?? {});
  if (fields.length === 0) return guard;
  const names: Record<string, string> = { ...guard.ExpressionAttributeNames };
  const values: Record<string, AttributeValue> = { ...guard.ExpressionAttributeValues };
  const parts = fields.map(([field, value], index) => {
    names[`#uq${index}`] = field;
    if (value === undefined) {
      values[':uqNull'] = { S: 'NULL' };
      return `(attribute_not_exists(#uq${index}) OR attribute_type(#uq${index}, :uqNull))`;
    }
    values[`:uq${index}`] = value;
    return `#uq${index} = :uq${index}`;
  });
  const ConditionExpression = [guard.ConditionExpression, ...parts].join(' AND ');
  return { ...guard, ConditionExpression, ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

export function replaceItemInput(
  tableName: string,
  item: Item,
  expected: ExpectedIdentity,
  conditions?: readonly AttributeCondition[],
  held?: HeldUniques,
): PutItemCommandInput {
  return { TableName: tableName, Item: item, ...withUserConditions(identityGuard(expected, held), conditions) };
}

/** Delete a loaded entity at its version (and uid), still holding the unique values `held`, if given. */
export function deleteVersionedInput(
  tableName: string,
  key: ItemKey,
  expected: ExpectedIdentity,
  conditions?: readonly AttributeCondition[],
  held?: HeldUniques,
): DeleteItemCommandInput {
  return { TableName: tableName, Key: key, ...withUserConditions(identityGuard(expected, held), conditions) };
}

/** Stored attribute values a write depends on (undefined: the attribute must be absent). */
export type ExpectedAttributes = Readonly<Record<string, AttributeValue | undefined>>;

/**
 * A condition that the stored item still holds these attribute values, e.g. the uid and the unique
 * values a delete releases guards for: other changes (a counter moving on) do not make it fail.
 */
export function matchingCondition(expected: ExpectedAttributes) {
  const { expression, attributes } = buildConditionExpression(matchingConditions(expected));
  return {
    ConditionExpression: expression,
    ...mergeAttributes(attributes),
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/** One `sameAs` condition per expected attribute. */
export function matchingConditions(expected: ExpectedAttributes): Condition[] {
  return Object.entries(expected).map(([attribute, stored]) => ({ kind: 'sameAs', attribute, stored }));
}

/** Delete while the item still holds the expected attribute values, whatever its version. */
export function deleteMatchingInput(tableName: string, key: ItemKey, expected: ExpectedAttributes): DeleteItemCommandInput {
  return { TableName: tableName, Key: key, ...matchingCondition(expected) };
}

/** Unconditional delete; `ALL_OLD` tells whether something was deleted at no extra cost. */
export function deleteByKeyInput(tableName: string, key: ItemKey): DeleteItemCommandInput {
  return { TableName: tableName, Key: key, ReturnValues: 'ALL_OLD' };
}

export interface TypeQueryOptions {
  limit?: number;
  startKey?: ItemKey;
  descending?: boolean;
}

/** The type index `meta`'s items are in (or were written to, for `mode`); a type outside any is refused by the callers first. */
function typeIndexFor(meta: EntityMetadata, mode: TypeIndexMode = meta.typeIndex): TypeIndexLayout {
  const index = typeIndexLayout(mode);
  if (index === undefined) throw new InvalidArgumentError(`${meta.className} has typeIndex 'none': it is in no type index.`, meta.className);
  return index;
}

/** Where a type-index listing resumes after the entity (str id, uid) a cursor names: its ExclusiveStartKey. */
export function typeIndexStartKey(meta: EntityMetadata, strId: string, uid: string, parentStrId?: string, mode?: TypeIndexMode): ItemKey {
  const index = typeIndexFor(meta, mode);
  return { ...primaryKeyOf(meta, strId, parentStrId), [index.partition.name]: { S: meta.typeName }, [index.sort.name]: { S: uid } };
}

/**
 * Every entity of a type, in uid (creation) order, from its type index: never a scan. A keys-only
 * type index (`mode` 'keys') answers with keys.
 */
export function queryByTypeInput(tableName: string, meta: EntityMetadata, options: TypeQueryOptions = {}, mode?: TypeIndexMode): QueryCommandInput {
  const index = typeIndexFor(meta, mode);
  return {
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: '#type = :type',
    ExpressionAttributeNames: { '#type': index.partition.name },
    ExpressionAttributeValues: { ':type': { S: meta.typeName } },
    ...(options.descending ? { ScanIndexForward: false } : {}),
    ...(options.limit !== undefined ? { Limit: options.limit } : {}),
    ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
  };
}

/** Counting reads the same index with `Select: COUNT`: no item data is returned. */
export function countByTypeInput(tableName: string, meta: EntityMetadata, startKey?: ItemKey): QueryCommandInput {
  return { ...queryByTypeInput(tableName, meta, { startKey }), Select: 'COUNT' };
}

/** uid look-up: one query on the type index for the exact (type, uid) key. */
export function queryByUidInput(tableName: string, meta: EntityMetadata, uid: string): QueryCommandInput {
  const index = typeIndexFor(meta);
  return {
    TableName: tableName,
    IndexName: index.name,
    KeyConditionExpression: '#type = :type AND #uid = :uid',
    ExpressionAttributeNames: { '#type': index.partition.name, '#uid': index.sort.name },
    ExpressionAttributeValues: { ':type': { S: meta.typeName }, ':uid': { S: uid } },
  };
}

/**
 * The expensive path: reads the whole table and keeps the items of one type, told apart by their sort
 * key (`<type>` for a top-level type, `<type>#<str id>` for a child type), whichever type index they
 * are in. `limit` bounds the items read (of every type), not those returned.
 */
export function scanTypeInput(tableName: string, meta: EntityMetadata, startKey?: ItemKey, limit?: number): ScanCommandInput {
  const topLevel = meta.parent === undefined;
  return {
    TableName: tableName,
    FilterExpression: topLevel ? '#sk = :sk' : 'begins_with(#sk, :sk)',
    ExpressionAttributeNames: { '#sk': ATTR.sk },
    ExpressionAttributeValues: { ':sk': { S: topLevel ? meta.typeName : meta.typeName + KEY_SEPARATOR } },
    ...(limit !== undefined ? { Limit: limit } : {}),
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  };
}
