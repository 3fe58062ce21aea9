import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../../errors';
import { guardItem } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { writeIdOf } from '../../marshalling/stored-item';
import { createEntry, deleteEntry, rewriteGuardEntry } from '../../operations/transaction-commands';
import { guardChanges } from '../../operations/transaction-entries';
import { checkedIdentity, refusePartial, storedUniques } from './entity-checks';
import type { RepositoryContext } from '../context';
import { runExplainedTransaction } from '../../runners/transaction-runner';
import type { TransactionEntry } from '../../operations/transaction-entry';

type Item = Record<string, AttributeValue>;

/**
 * Moves a loaded entity to a new str id in one transaction: the item under the new id is created
 * (the id must be free), the old one deleted (at the loaded version), and unique guards re-pointed.
 * The uid stays; the version moves on by one. Other edits made to the instance are saved with it.
 */
export async function renameEntity<T extends object>(
  context: RepositoryContext,
  mapper: EntityMapper<T>,
  fetchItem: (strId: string) => Promise<Item | undefined>,
  entity: T,
  newStrId: string,
): Promise<T> {
  const { meta } = mapper;
  if (!(entity instanceof meta.target)) {
    throw new InvalidArgumentError(`rename() takes a loaded ${meta.className} instance.`, meta.className);
  }
  refusePartial(mapper, entity);
  const expected = checkedIdentity(mapper, mapper.identityOf(entity));
  const oldStrId = mapper.storedStrIdOf(entity) ?? mapper.strIdOf(entity);
  mapper.keyOf(newStrId);
  if (newStrId === oldStrId) {
    throw new InvalidArgumentError(`${meta.className} ${JSON.stringify(oldStrId)} already has that ${meta.strIdProperty}.`, meta.className);
  }
  const moved = Object.assign(Object.create(meta.target.prototype) as T, entity, { [meta.strIdProperty]: newStrId });
  await mapper.validate(moved);
  const next = { uid: expected.uid, version: expected.version + 1 };
  const item = mapper.toItem(moved, next);
  const { uniques: before } = meta.uniqueFields.length > 0
    ? await storedUniques(mapper, entity, oldStrId, expected, fetchItem)
    : { uniques: {} };
  const base = { entity: meta.className, strIdField: meta.strIdProperty };
  const entries: TransactionEntry[] = [
    { ...base, strId: newStrId, request: createEntry(context.tableName, item), operation: 'create', writeId: writeIdOf(item) },
    {
      ...base,
      strId: oldStrId,
      request: deleteEntry(context.tableName, mapper.keyOf(oldStrId), expected),
      operation: 'delete',
      expectedVersion: expected.version,
    },
    ...guardEntries(context.tableName, mapper, newStrId, expected.uid, before, mapper.uniqueValuesOf(moved)),
  ];
  await runExplainedTransaction(context.executor, entries);
  (entity as Record<string, unknown>)[meta.strIdProperty] = newStrId;
  mapper.markStored(entity, newStrId, next, item);
  return entity;
}

/** Changed unique values move as usual; unchanged ones are re-pointed at the new str id. */
function guardEntries<T extends object>(
  tableName: string,
  mapper: EntityMapper<T>,
  strId: string,
  uid: string,
  before: Readonly<Record<string, string | undefined>>,
  after: Readonly<Record<string, string | undefined>>,
): TransactionEntry[] {
  const entries = guardChanges(tableName, mapper, strId, uid, before, after);
  for (const field of mapper.meta.uniqueFields) {
    const value = after[field];
    if (value === undefined || before[field] !== value) continue;
    entries.push({
      entity: mapper.meta.className,
      strIdField: mapper.meta.strIdProperty,
      strId,
      request: rewriteGuardEntry(tableName, guardItem(mapper.meta, field, value, { uid, strId, parentStrId: mapper.parentStrId }), uid),
      operation: 'uniqueRelease',
      field,
      value,
    });
  }
  return entries;
}
