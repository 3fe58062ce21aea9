import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError, VersionConflictError } from '../../errors';
import { isUid, newUid } from '../../keys';
import type { EntityIdentity, EntityMapper } from '../../marshalling/entity-mapper';
import { identityOfItem } from '../../marshalling/stored-item';
import { isPartial } from '../../marshalling/stored-state';
import { bigintAttribute, numberAttribute } from '../../marshalling/scalars';
import type { ExpectedIdentity } from '../../operations/entity-commands';
import { uniquesOfItem } from '../../operations/transaction-entries';
import type { PreparedCreate } from '../../operations/transaction-entries';

/** The checks every write of an entity runs before any request, and the reads some writes need first. */

type Item = Record<string, AttributeValue>;
type Uniques = Readonly<Record<string, string | undefined>>;

export async function prepareCreate<T extends object>(mapper: EntityMapper<T>, input: unknown): Promise<PreparedCreate<T>> {
  const entity = mapper.build(input);
  await mapper.validate(entity);
  const given = mapper.identityOf(entity);
  const className = mapper.meta.className;
  if (given.version !== undefined) {
    throw new InvalidArgumentError(`This ${className} was loaded (version ${given.version}), so it cannot be created again.`, className, {
      hint: 'Call save() on it instead of create().',
    });
  }
  if (given.uid !== undefined && !isUid(given.uid)) {
    throw new InvalidArgumentError(`uid must be a lower-case UUID, got ${JSON.stringify(given.uid)}.`, className);
  }
  const identity: EntityIdentity = { uid: given.uid ?? newUid(), version: 1 };
  const item = mapper.toItem(entity, identity);
  const strId = item[mapper.meta.strIdProperty]?.S as string;
  return { entity, strId, identity, item, uidGiven: given.uid !== undefined };
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

/**
 * The unique values a loaded entity still holds as it was loaded or last written, or undefined when
 * one changed (or nothing is remembered): then its save must move guards, in a transaction.
 */
export function unchangedUniques<T extends object>(mapper: EntityMapper<T>, entity: T): Uniques | undefined {
  const remembered = mapper.storedUniquesOf(entity);
  if (!remembered) return undefined;
  const current = mapper.uniqueValuesOf(entity);
  return mapper.meta.uniqueFields.every((field) => current[field] === remembered[field]) ? remembered : undefined;
}

/** Whether a stored item holds these unique values (undefined: none, the attribute absent or NULL). */
export function holdsUniques(item: Item, held: Readonly<Record<string, AttributeValue | undefined>>): boolean {
  return Object.entries(held).every(([field, value]) => {
    const stored = item[field];
    if (value === undefined) return stored === undefined || stored.NULL === true;
    return value.N !== undefined ? stored?.N !== undefined && Number(stored.N) === Number(value.N) : stored?.S === value.S;
  });
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
    `This ${className} was loaded with select: it holds only some fields, and writing it would erase the others.`,
    className,
    { hint: 'Reload it (reload() or getByStr()) first.' },
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
        'the primary key, so writing it would make a second entity.',
      className,
      { hint: 'Use rename(entity, newId) to move the entity to a new id.' },
    );
  }
  return strId;
}

/**
 * What `increment()` adds, checked before any request: a number or bigint field that is not
 * `@Unique()`, and a finite amount it can store.
 */
export function incrementAmount<T extends object>(
  mapper: EntityMapper<T>,
  field: string,
  by: unknown,
): { kind: 'number' | 'bigint'; amount: AttributeValue } {
  const className = mapper.meta.className;
  const kind = mapper.plan.shape.fields.find((f) => f.property === field)?.type.kind;
  if (mapper.meta.uniqueFields.includes(field)) {
    throw new InvalidArgumentError(`${className}.${field} is @Unique(), so increment() cannot change it.`, className, { hint: 'Change it with update().' });
  }
  if (kind !== 'number' && kind !== 'bigint') {
    throw new InvalidArgumentError(`${className}.${field} is not a number field; increment() adds to numbers only.`, className);
  }
  const sink: { property: string; constraints: Record<string, string> }[] = [];
  const amount = typeof by === 'bigint' ? bigintAttribute(by, field, sink) : typeof by === 'number' ? numberAttribute(by, field, sink) : undefined;
  if (!amount) throw new InvalidArgumentError(`increment() of ${className}.${field} needs a finite amount, got ${String(by)}.`, className);
  return { kind, amount };
}

/**
 * The parent a loaded entity is written back to through this mapper's repository: the one it was
 * loaded under (an unscoped repository takes it from the entity), else the mapper's own. A scoped
 * repository refuses a child loaded under another parent, before any request: writing it there
 * would make a second entity.
 */
export function parentToWriteIn<T extends object>(mapper: EntityMapper<T>, entity: T): string | undefined {
  const { meta, parentStrId } = mapper;
  if (meta.parent === undefined || typeof entity !== 'object' || entity === null) return parentStrId;
  const loadedUnder = mapper.storedParentOf(entity);
  if (loadedUnder === undefined || loadedUnder === parentStrId || parentStrId === undefined) return loadedUnder ?? parentStrId;
  throw new InvalidArgumentError(
    `${meta.className} ${JSON.stringify(mapper.storedStrIdOf(entity))} belongs to ${meta.parent.className} ${JSON.stringify(loadedUnder)}, ` +
      `not to ${JSON.stringify(parentStrId)} (this repository's parent). Nothing was written.`,
    meta.className,
    { hint: `Write it through of(${JSON.stringify(loadedUnder)}), or create a new entity under the other parent.` },
  );
}
