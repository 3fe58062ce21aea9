import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityValidationError, InvalidArgumentError, VersionConflictError } from '../../errors';
import { guardItem, guardKey, guardKeyProblem, isUid, newUid, newWriteId } from '../../keys';
import type { EntityIdentity, EntityMapper } from '../../marshalling/entity-mapper';
import { ATTR } from '../../metadata/attributes';
import type { ExpectedIdentity } from '../../operations/entity-commands';
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
} from '../../operations/transaction-commands';
import type { ExpectedAttributes } from '../../operations/entity-commands';
import { identityOfItem, writeIdOf } from '../../marshalling/stored-item';
import { indexKeysForUpdate } from '../../marshalling/managed';
import { isPartial } from '../../marshalling/stored-state';
import type { AttributeChange } from '../../expressions';
import type { TransactionEntry } from '../../runners/transaction-runner';

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

export async function prepareCreate<T extends object>(mapper: EntityMapper<T>, input: unknown): Promise<PreparedCreate<T>> {
  const entity = mapper.build(input);
  await mapper.validate(entity);
  const given = mapper.identityOf(entity);
  const className = mapper.meta.className;
  if (given.version !== undefined) {
    throw new InvalidArgumentError(`This ${className} was loaded (version ${given.version}); save() it instead of creating it.`, className);
  }
  if (given.uid !== undefined && !isUid(given.uid)) {
    throw new InvalidArgumentError(`uid must be a lower-case UUID, got ${JSON.stringify(given.uid)}.`, className);
  }
  const identity: EntityIdentity = { uid: given.uid ?? newUid(), version: 1 };
  const item = mapper.toItem(entity, identity);
  const strId = item[mapper.meta.strIdProperty]?.S as string;
  return { entity, strId, identity, item, uidGiven: given.uid !== undefined };
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
  change: { entity: T; strId: string; expected: ExpectedIdentity; item: Item; before: Uniques },
): TransactionEntry[] {
  const { entity, strId, expected, item, before } = change;
  const next = { uid: expected.uid, version: expected.version + 1 };
  const main: TransactionEntry = {
    ...base(mapper, strId),
    request: replaceEntry(tableName, item, expected),
    operation: 'save',
    writeId: writeIdOf(item),
    expectedVersion: expected.version,
    afterCommit: () => mapper.markStored(entity, strId, next, item),
  };
  return [main, ...guardChanges(tableName, mapper, strId, expected.uid, before, mapper.uniqueValuesOf(entity))];
}

export function deleteEntries<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  target: { strId: string; expected: ExpectedIdentity; before: Uniques },
): TransactionEntry[] {
  const { strId, expected, before } = target;
  const main: TransactionEntry = {
    ...base(mapper, strId),
    request: deleteEntry(tableName, mapper.keyOf(strId), expected),
    operation: 'delete',
    expectedVersion: expected.version,
  };
  return [main, ...guardChanges(tableName, mapper, strId, expected.uid, before, noUniques(mapper))];
}

/** The guarded text of each unique field as a stored item holds it. */
function uniquesOfItem<T extends object>(mapper: EntityMapper<T>, item: Item): Uniques {
  return mapper.uniqueValuesOf(mapper.fromItem(item));
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
): { entries: TransactionEntry[]; writeId: string; indexKeys: readonly AttributeChange[] } {
  const { strId, item } = stored;
  const read = identityOfItem(item);
  const before = uniquesOfItem(mapper, item);
  const writeId = newWriteId();
  const indexKeys = indexKeysForUpdate(mapper.meta, changes, item);
  const expectedAttributes = { ...uniqueStateOf(mapper, item), ...indexKeys.expected };
  const update = { changes, writeId, expectedVersion, expectedAttributes, indexKeys: indexKeys.changes };
  const main: TransactionEntry = {
    ...base(mapper, strId),
    request: updateEntry(tableName, mapper.keyOf(strId), update),
    operation: 'update',
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
    const request = rewriteGuardEntry(tableName, guardItem(meta, field, value, { uid, strId }), uid);
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
    const guard = guardItem(meta, field, next, { uid: ownerUid, strId });
    const request = claimGuardEntry(tableName, guard);
    entries.push({ ...base(mapper, strId), request, operation: 'uniqueGuard', field, value: next, writeId: writeIdOf(guard) });
  }
  if (violations.length > 0) throw new EntityValidationError(meta.className, violations);
  return entries;
}

/**
 * The unique values an entity holds in the table: remembered from when it was loaded, or read once
 * (and then it must still be at the expected version, else the caller's copy is stale).
 */
export async function storedUniques<T extends object>(
  mapper: EntityMapper<T>,
  entity: T | undefined,
  strId: string,
  expected: ExpectedIdentity | undefined,
  fetchItem: (strId: string) => Promise<Item | undefined>,
): Promise<{ uniques: Uniques; item?: Item }> {
  const remembered = entity && mapper.storedUniquesOf(entity);
  if (remembered) return { uniques: remembered };
  const item = await fetchItem(strId);
  const found = item && identityOfItem(item);
  const matches = found && (!expected || (found.uid === expected.uid && found.version === expected.version));
  if (!item || !matches) {
    const actual = found ? found.version : null;
    throw new VersionConflictError(mapper.meta.className, strId, expected?.version ?? 0, actual);
  }
  return { uniques: uniquesOfItem(mapper, item), item };
}

/** The identity of a loaded entity, for a version-guarded write. */
export function checkedIdentity<T extends object>(mapper: EntityMapper<T>, identity: Partial<EntityIdentity>): EntityIdentity {
  const { uid, version } = identity;
  const className = mapper.meta.className;
  if (!isUid(uid) || typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new InvalidArgumentError(
      `This ${className} has no valid uid/version (uid ${JSON.stringify(uid)}, version ${String(version)}): ` +
        'only entities that were loaded or created can be saved over or deleted.',
      className,
    );
  }
  return { uid, version };
}

/** An entity read with `select` holds some fields only: writing it back would erase the others. */
export function refusePartial<T extends object>(mapper: EntityMapper<T>, entity: T): void {
  if (!isPartial(entity)) return;
  const { className } = mapper.meta;
  throw new InvalidArgumentError(
    `This ${className} was loaded with select: it holds only some fields, and writing it would erase the others. Reload it (reload() or getByStr()) first.`,
    className,
  );
}

/** The str id of a loaded entity, refusing one edited since it was loaded (that would be a new item). */
export function unchangedStrId<T extends object>(mapper: EntityMapper<T>, entity: T): string {
  refusePartial(mapper, entity);
  const strId = mapper.strIdOf(entity);
  const stored = mapper.storedStrIdOf(entity);
  if (stored !== undefined && stored !== strId) {
    const { className, strIdProperty } = mapper.meta;
    throw new InvalidArgumentError(
      `${className}.${strIdProperty} changed from ${JSON.stringify(stored)} to ${JSON.stringify(strId)}: the str id is ` +
        'the primary key, so writing it would make a second entity. Use rename(entity, newId) to move the entity to a new id.',
      className,
    );
  }
  return strId;
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
