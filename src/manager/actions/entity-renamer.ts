import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { CollectionTooLargeError, InvalidArgumentError } from '../../errors';
import { guardItem } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { writeIdOf } from '../../marshalling/stored-item';
import { createEntry, deleteEntry, rewriteGuardEntry } from '../../operations/transaction-commands';
import { guardChanges } from '../../operations/transaction-entries';
import { checkedIdentity, refusePartial, storedUniques } from './entity-checks';
import type { RepositoryContext } from '../context';
import { TRANSACTION_LIMIT, runExplainedTransaction } from '../../runners/transaction-runner';
import { ATTR } from '../../metadata/attributes';
import { childMoveEntries } from '../../operations/cascade-commands';
import { ItemCollection, movedMeanwhile, registeredChildClasses } from './item-collection';
import { MOVED_ATTEMPTS, retryingMoves } from './moved-retry';
import type { TransactionEntry } from '../../operations/transaction-entry';

type Item = Record<string, AttributeValue>;

/**
 * Moves a loaded entity to a new str id in one transaction: the item under the new id is created
 * (the id must be free), the old one deleted (at the loaded version), and unique guards re-pointed.
 * The uid stays; the version moves on by one. Other edits made to the instance are saved with it.
 * A top-level entity takes its children along (renameWithCollection), if any class is its child type.
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
  // A type that no imported class names as parent has no children to move: no partition read.
  if (meta.parent !== undefined || registeredChildClasses(meta).size === 0) {
    await runExplainedTransaction(context.executor, entries);
  } else {
    await renameWithCollection(context, mapper, { oldStrId, newStrId }, entries);
  }
  (entity as Record<string, unknown>)[meta.strIdProperty] = newStrId;
  mapper.markStored(entity, newStrId, next, item);
  return entity;
}

/** A parent's children are at most this many: each takes two items of the transaction (its delete and its put). */
const MAX_CHILDREN_READ = TRANSACTION_LIMIT / 2;

/**
 * A top-level entity is renamed with its item collection in the same transaction: each child deleted
 * at the old key (at the version read) and put at the new one, its unique guards re-pointed at the new
 * parent (see childMoveEntries); a child changed meanwhile cancels it, and the collection is read
 * again. Too many items for one transaction: CollectionTooLargeError before anything is written
 * (`size` counts the items read, a lower bound when the collection is larger). Then the old key is
 * read again: a child created under it while the rename ran is moved after it.
 */
async function renameWithCollection<T extends object>(
  context: RepositoryContext,
  mapper: EntityMapper<T>,
  ids: { oldStrId: string; newStrId: string },
  parentEntries: readonly TransactionEntry[],
): Promise<void> {
  const { meta } = mapper;
  const collection = new ItemCollection(context, meta, mapper.keyOf(ids.oldStrId), ids.oldStrId);
  const target = { parentStrId: ids.newStrId, partitionKey: mapper.keyOf(ids.newStrId)[ATTR.pk]?.S as string };
  await retryingMoves(async () => {
    const read = await collection.read(MAX_CHILDREN_READ);
    const children = read.children.flatMap((child) => childMoveEntries(context.tableName, child.mapper, child.item, target));
    const size = parentEntries.length + children.length;
    if (!read.complete || size > TRANSACTION_LIMIT) throw new CollectionTooLargeError(meta.className, ids.oldStrId, 'rename', size, TRANSACTION_LIMIT);
    collection.refuseUnknown(read.unknownTypes, 'rename');
    await runExplainedTransaction(context.executor, [...parentEntries, ...children]);
  }, (error) => movedMeanwhile(error, parentEntries.length));
  await moveLateChildren(context, collection, target);
}

/**
 * Children created under the old key while the rename ran (creating a child does not check its
 * parent) are moved after it, round after round until the old partition is empty or holds a parent
 * again (a new entity took the old str id: what is there now is its own). A writer still using the
 * old str id after that is no longer racing the rename; its children stay where it puts them.
 */
async function moveLateChildren(context: RepositoryContext, collection: ItemCollection, target: { parentStrId: string; partitionKey: string }): Promise<void> {
  const renamed = `${collection.parent.className} ${JSON.stringify(collection.parentStrId)} is renamed, and these items remain under its old key.`;
  for (let round = 1; round <= MOVED_ATTEMPTS; round += 1) {
    const read = await collection.read(TRANSACTION_LIMIT);
    if (read.parent !== undefined || read.itemsRead === 0) return;
    collection.refuseUnknown(read.unknownTypes, 'rename', renamed);
    let group: TransactionEntry[] = [];
    for (const child of read.children) {
      const entries = childMoveEntries(context.tableName, child.mapper, child.item, target);
      if (group.length + entries.length > TRANSACTION_LIMIT) group = await moveGroup(context, group);
      group.push(...entries);
    }
    await moveGroup(context, group);
  }
}

/** Sends one group of child moves (a child changed meanwhile is left for the next round); an empty group to fill next. */
async function moveGroup(context: RepositoryContext, group: TransactionEntry[]): Promise<TransactionEntry[]> {
  try {
    await runExplainedTransaction(context.executor, group);
  } catch (error) {
    if (!movedMeanwhile(error)) throw error;
  }
  return [];
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
