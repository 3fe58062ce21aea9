import type { AttributeValue, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { EntityValidationError } from '../errors';
import { guardItem, guardKey, guardKeyProblem, newWriteId } from '../keys';
import type { EntityIdentity, EntityMapper } from '../marshalling/entity-mapper';
import { ATTR } from '../metadata/attributes';
import { identityOfItem, writeIdOf } from '../marshalling/stored-item';
import { indexKeysForUpdate } from '../marshalling/managed';
import type { AttributeChange, AttributeCondition } from '../expressions';
import { matchingCondition, withUserConditions } from './entity-commands';
import type { ExpectedAttributes, ExpectedIdentity, HeldUniques } from './entity-commands';
import {
  claimGuardEntry,
  conditionCheckMatchingEntry,
  createEntry,
  deleteEntry,
  deleteMatchingEntry,
  releaseGuardEntry,
  replaceEntry,
  rewriteGuardEntry,
  updateEntry,
} from './transaction-commands';
import type { TransactionEntry } from './transaction-entry';

/**
 * The transaction entries of each entity write: the entity's own item and the unique guards it
 * claims or releases, each with what explains its failure. Pure: unit tests compare their requests.
 */

type Item = Record<string, AttributeValue>;
type Uniques = Readonly<Record<string, string | undefined>>;

/** A new entity, validated and marshalled: everything a create needs, checked before any request. */
export interface PreparedCreate<T> {
  entity: T;
  strId: string;
  identity: EntityIdentity;
  item: Item;
  uidGiven: boolean;
}


function base<T extends object>(mapper: EntityMapper<T>, strId: string) {
  return { entity: mapper.meta.className, strIdField: mapper.meta.strIdProperty, strId };
}

export function createEntries<T extends object>(tableName: string, mapper: EntityMapper<T>, prepared: PreparedCreate<T>): TransactionEntry[] {
  const { entity, strId, identity, item } = prepared;
  const main: TransactionEntry = {
    ...base(mapper, strId),
    request: createEntry(tableName, item),
    operation: 'create',
    writeId: writeIdOf(item),
    afterCommit: () => mapper.markStored(entity, strId, identity, item),
  };
  return [main, ...guardChanges(tableName, mapper, strId, identity.uid, undefined, mapper.uniqueValuesOf(entity))];
}

export function saveEntries<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  change: { entity: T; strId: string; expected: ExpectedIdentity; item: Item; before: Uniques; conditions?: readonly AttributeCondition[] },
): TransactionEntry[] {
  const { entity, strId, expected, item, before, conditions } = change;
  const next = { uid: expected.uid, version: expected.version + 1 };
  const main: TransactionEntry = {
    ...base(mapper, strId),
    request: replaceEntry(tableName, item, expected, conditions, heldUniques(mapper, before)),
    operation: 'save',
    ...(conditions ? { conditions } : {}),
    writeId: writeIdOf(item),
    expectedVersion: expected.version,
    afterCommit: () => mapper.markStored(entity, strId, next, item),
  };
  return [main, ...guardChanges(tableName, mapper, strId, expected.uid, before, mapper.uniqueValuesOf(entity))];
}

export function deleteEntries<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  target: { strId: string; expected: ExpectedIdentity; before: Uniques; conditions?: readonly AttributeCondition[] },
): TransactionEntry[] {
  const { strId, expected, before, conditions } = target;
  const main: TransactionEntry = {
    ...base(mapper, strId),
    // Also conditioned on the unique values whose guards it releases: after a delete and a re-create
    // with the same uid, the version matches again, and releasing other values would orphan guards.
    request: deleteEntry(tableName, mapper.keyOf(strId), expected, conditions, heldUniques(mapper, before)),
    operation: 'delete',
    ...(conditions ? { conditions } : {}),
    expectedVersion: expected.version,
  };
  return [main, ...guardChanges(tableName, mapper, strId, expected.uid, before, noUniques(mapper))];
}

/** The guarded text of each unique field as a stored item holds it. */
export function uniquesOfItem<T extends object>(mapper: EntityMapper<T>, item: Item): Uniques {
  return mapper.uniqueValuesOf(mapper.fromItem(item));
}

/**
 * Guarded texts as the attribute values a stored item holds them in (a string field's S, a number
 * field's N, compared numerically by DynamoDB), for a condition that they are still stored.
 */
export function heldUniques<T extends object>(mapper: EntityMapper<T>, uniques: Uniques): HeldUniques {
  const held: Record<string, AttributeValue | undefined> = {};
  for (const field of mapper.meta.uniqueFields) {
    const text = uniques[field];
    const kind = mapper.plan.shape.fields.find((f) => f.property === field)?.type.kind;
    held[field] = text === undefined ? undefined : kind === 'number' ? { N: text } : { S: text };
  }
  return held;
}

function noUniques<T extends object>(mapper: EntityMapper<T>): Uniques {
  return Object.fromEntries(mapper.meta.uniqueFields.map((field) => [field, undefined]));
}

/**
 * What a write of a stored entity's unique values depends on: its uid (not deleted and re-created)
 * and its unique fields as stored. Not its version: other fields moving on (a counter) is no conflict.
 */
function uniqueStateOf<T extends object>(mapper: EntityMapper<T>, item: Item): ExpectedAttributes {
  const expected: Record<string, AttributeValue | undefined> = { [ATTR.uid]: item[ATTR.uid] };
  for (const field of mapper.meta.uniqueFields) expected[field] = item[field];
  return expected;
}

/**
 * A partial update of a stored entity that changes unique fields: the update (with the index keys it
 * moves, computed from the item read), valid only while the uid, the unique values and the index key
 * fields read are still stored (and at `expectedVersion`, if given), and the guard moves those values
 * imply. Any interleaving either leaves guards matching their holders or cancels.
 */
export function uniqueUpdateEntries<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  stored: { strId: string; item: Item },
  changes: AttributeChange[],
  expectedVersion: number | undefined,
  conditions?: readonly AttributeCondition[],
): { entries: TransactionEntry[]; writeId: string; indexKeys: readonly AttributeChange[] } {
  const { strId, item } = stored;
  const read = identityOfItem(item);
  const before = uniquesOfItem(mapper, item);
  const writeId = newWriteId();
  const indexKeys = indexKeysForUpdate(mapper.meta, changes, item);
  const expectedAttributes = { ...uniqueStateOf(mapper, item), ...indexKeys.expected };
  const update = { changes, writeId, expectedVersion, expectedAttributes, indexKeys: indexKeys.changes, conditions };
  const main: TransactionEntry = {
    ...base(mapper, strId),
    request: updateEntry(tableName, mapper.keyOf(strId), update),
    operation: 'update',
    ...(conditions ? { conditions } : {}),
    // The version read explains a failure ("now at version n") even where the condition ignores it.
    expectedVersion: expectedVersion ?? read.version,
    writeId,
  };
  const moves = guardChanges(tableName, mapper, strId, read.uid, before, uniquesAfterChanges(before, changes));
  return { entries: [main, ...moves], writeId, indexKeys: indexKeys.changes };
}

/** Deletes a stored entity whatever its version, releasing the guards of the unique values read. */
export function deleteStoredEntries<T extends object>(tableName: string, mapper: EntityMapper<T>, strId: string, item: Item): TransactionEntry[] {
  const read = identityOfItem(item);
  const main: TransactionEntry = {
    ...base(mapper, strId),
    request: deleteMatchingEntry(tableName, mapper.keyOf(strId), uniqueStateOf(mapper, item)),
    operation: 'delete',
    expectedVersion: read.version, // explains a failure; the condition ignores it
  };
  return [main, ...guardChanges(tableName, mapper, strId, read.uid, uniquesOfItem(mapper, item), noUniques(mapper))];
}

/**
 * Deletes by str id on condition that the entity exists (and meets `conditions`): a missing one
 * cancels the transaction, explained as EntityNotFoundError. With `stored` (the item read, for a
 * type with unique fields) the delete applies only while its uid and unique values are still
 * stored, and releases their guards.
 */
export function deleteExistingEntries<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  strId: string,
  options: { stored?: Item; conditions?: readonly AttributeCondition[] },
): TransactionEntry[] {
  const { stored, conditions } = options;
  const guard = stored ? matchingCondition(uniqueStateOf(mapper, stored)) : existsCondition();
  const request = { Delete: { TableName: tableName, Key: mapper.keyOf(strId), ...withUserConditions(guard, conditions) } } as TransactWriteItem;
  const main: TransactionEntry = { ...base(mapper, strId), request, operation: 'deleteByStr', ...(conditions ? { conditions } : {}) };
  if (!stored) return [main];
  const read = identityOfItem(stored);
  main.expectedVersion = read.version; // explains a failure; the condition ignores it
  return [main, ...guardChanges(tableName, mapper, strId, read.uid, uniquesOfItem(mapper, stored), noUniques(mapper))];
}

function existsCondition() {
  return {
    ConditionExpression: 'attribute_exists(#pk)',
    ExpressionAttributeNames: { '#pk': ATTR.pk },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
}

/**
 * Writes the guard of every unique value a stored entity holds, unless another entity owns it (then
 * UniqueConstraintError): for fields made `@Unique()` after data was written. Idempotent.
 */
export function claimEntries<T extends object>(tableName: string, mapper: EntityMapper<T>, strId: string, item: Item): TransactionEntry[] {
  const { meta } = mapper;
  const { uid } = identityOfItem(item);
  const values = uniquesOfItem(mapper, item);
  const check: TransactionEntry = {
    ...base(mapper, strId),
    request: conditionCheckMatchingEntry(tableName, mapper.keyOf(strId), uniqueStateOf(mapper, item)),
    operation: 'conditionCheck',
  };
  const entries = [check];
  const violations = [];
  for (const field of meta.uniqueFields) {
    const value = values[field];
    if (value === undefined) continue;
    const problem = guardKeyProblem(meta, field, value);
    if (problem) violations.push({ property: field, constraints: { uniqueValueLength: problem } });
    const request = rewriteGuardEntry(tableName, guardItem(meta, field, value, { uid, strId, parentStrId: mapper.parentStrId }), uid);
    entries.push({ ...base(mapper, strId), request, operation: 'uniqueGuard', field, value });
  }
  if (violations.length > 0) throw new EntityValidationError(meta.className, violations);
  return entries;
}

/** Releases the guards of values given up and claims those of new values; unchanged ones stay. */
export function guardChanges<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  strId: string,
  ownerUid: string,
  before: Uniques | undefined,
  after: Uniques,
): TransactionEntry[] {
  const { meta } = mapper;
  const entries: TransactionEntry[] = [];
  const violations = [];
  for (const field of meta.uniqueFields) {
    const [old, next] = [before?.[field], after[field]];
    if (old === next) continue;
    if (old !== undefined) {
      const request = releaseGuardEntry(tableName, guardKey(meta, field, old), ownerUid);
      entries.push({ ...base(mapper, strId), request, operation: 'uniqueRelease', field, value: old });
    }
    if (next === undefined) continue;
    const problem = guardKeyProblem(meta, field, next);
    if (problem) violations.push({ property: field, constraints: { uniqueValueLength: problem } });
    const guard = guardItem(meta, field, next, { uid: ownerUid, strId, parentStrId: mapper.parentStrId });
    const request = claimGuardEntry(tableName, guard);
    entries.push({ ...base(mapper, strId), request, operation: 'uniqueGuard', field, value: next, writeId: writeIdOf(guard) });
  }
  if (violations.length > 0) throw new EntityValidationError(meta.className, violations);
  return entries;
}

/**
 * The unique values after a partial update: a set field takes its stored text (a string as is, a
 * number as DynamoDB's N text, as guards key it), a removed or nulled one is unconstrained.
 */
export function uniquesAfterChanges(before: Uniques, changes: readonly AttributeChange[]): Record<string, string | undefined> {
  const after = { ...before };
  for (const change of changes) {
    if (!(change.attribute in after) || change.kind === 'increment') continue;
    after[change.attribute] = change.kind === 'set' ? (change.value.S ?? change.value.N) : undefined;
  }
  return after;
}
