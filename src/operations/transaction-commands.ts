import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { GUARD_ATTR } from '../keys/unique-guard';
import type { AttributeCondition } from '../expressions';
import type { ItemKey } from '../keys';
import { ATTR } from '../metadata/attributes';
import { createItemInput, deleteMatchingInput, deleteVersionedInput, matchingCondition, replaceItemInput } from './entity-commands';
import type { ExpectedAttributes, ExpectedIdentity, HeldUniques } from './entity-commands';
import { updateItemInput } from './update-commands';
import type { EntityUpdate } from './update-commands';

/**
 * Pure builders of TransactWriteItems entries. Each asks for the stored item on a failed condition
 * (`ALL_OLD`), so a cancellation can say which entity conflicted and with which version.
 */

type Item = Record<string, AttributeValue>;

/** Create: the key must be free. */
export function createEntry(tableName: string, item: Item): TransactWriteItem {
  const { TableName, Item, ConditionExpression, ExpressionAttributeNames } = createItemInput(tableName, item);
  return { Put: { TableName, Item, ConditionExpression, ExpressionAttributeNames, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
}

/** Replace a loaded entity at its version (and uid), still holding the unique values `held`, if given. */
export function replaceEntry(
  tableName: string,
  item: Item,
  expected: ExpectedIdentity,
  conditions?: readonly AttributeCondition[],
  held?: HeldUniques,
): TransactWriteItem {
  const { ReturnValuesOnConditionCheckFailure, ...put } = replaceItemInput(tableName, item, expected, conditions, held);
  return { Put: { ...put, ReturnValuesOnConditionCheckFailure } } as TransactWriteItem;
}

/** Delete a loaded entity at its version (and uid), still holding the unique values `held`, if given. */
export function deleteEntry(
  tableName: string,
  key: ItemKey,
  expected: ExpectedIdentity,
  conditions?: readonly AttributeCondition[],
  held?: HeldUniques,
): TransactWriteItem {
  return { Delete: deleteVersionedInput(tableName, key, expected, conditions, held) } as TransactWriteItem;
}

/** Delete while the item still holds the expected attribute values, whatever its version. */
export function deleteMatchingEntry(tableName: string, key: ItemKey, expected: ExpectedAttributes): TransactWriteItem {
  return { Delete: deleteMatchingInput(tableName, key, expected) } as TransactWriteItem;
}

/** Checks the item still holds the expected attribute values, without writing it. */
export function conditionCheckMatchingEntry(tableName: string, key: ItemKey, expected: ExpectedAttributes): TransactWriteItem {
  return { ConditionCheck: { TableName: tableName, Key: key, ...matchingCondition(expected) } } as TransactWriteItem;
}

/** A partial update; transactions return no values, so `ReturnValues` is dropped. */
export function updateEntry(tableName: string, key: ItemKey, update: EntityUpdate): TransactWriteItem {
  const { ReturnValues, ...rest } = updateItemInput(tableName, key, update);
  void ReturnValues;
  return { Update: rest } as TransactWriteItem;
}

/** Checks an entity exists (at `version`, if given) without writing it. */
export function conditionCheckEntry(tableName: string, key: ItemKey, version?: number): TransactWriteItem {
  const versioned = version !== undefined;
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: key,
      ConditionExpression: versioned ? 'attribute_exists(#pk) AND #version = :version' : 'attribute_exists(#pk)',
      ExpressionAttributeNames: versioned ? { '#pk': ATTR.pk, '#version': ATTR.version } : { '#pk': ATTR.pk },
      ...(versioned ? { ExpressionAttributeValues: { ':version': { N: String(version) } } } : {}),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** Claims a unique value: the guard must not exist. */
export function claimGuardEntry(tableName: string, guard: Item): TransactWriteItem {
  return {
    Put: {
      TableName: tableName,
      Item: guard,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': ATTR.pk },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/**
 * Releases a unique value the entity owns. A missing guard is fine (the field became `@Unique` after
 * the value was written); a guard owned by another entity is not.
 */
export function releaseGuardEntry(tableName: string, key: ItemKey, ownerUid: string): TransactWriteItem {
  return { Delete: { TableName: tableName, Key: key, ...ownedGuardCondition(ownerUid) } };
}

/** Rewrites a guard the entity owns (its str id changed), or creates it if missing. */
export function rewriteGuardEntry(tableName: string, guard: Item, ownerUid: string): TransactWriteItem {
  return { Put: { TableName: tableName, Item: guard, ...ownedGuardCondition(ownerUid) } };
}

function ownedGuardCondition(ownerUid: string) {
  return {
    ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner',
    ExpressionAttributeNames: { '#pk': ATTR.pk, '#owner': GUARD_ATTR.ownerUid },
    ExpressionAttributeValues: { ':owner': { S: ownerUid } },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}
