import { InvalidArgumentError, UnsupportedByEngineError } from '../../errors';
import { backoffDelay, sleep } from '../../client/retry';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import type { EntityMetadata } from '../../metadata/types';
import { childDeleteEntries } from '../../operations/cascade-commands';
import { deleteEntries, deleteStoredEntries, uniquesOfItem } from '../../operations/transaction-entries';
import type { TransactionEntry } from '../../operations/transaction-entry';
import { TRANSACTION_LIMIT } from '../../runners/transaction-runner';
import type { RepositoryContext } from '../context';
import { checkParent, deleteInSteps, doneText, interrupted, runCascadeTransaction, transactionsKnown } from './cascade-steps';
import type { CascadeJob } from './cascade-steps';
import { checkedIdentity, unchangedStrId } from './entity-checks';
import type { WriteOptions } from './entity-writer';
import { ItemCollection, movedMeanwhile } from './item-collection';
import type { CollectionRead } from './item-collection';
import { MOVED_ATTEMPTS } from './moved-retry';
import { writeConditions } from './write-conditions';

/** Options of `delete()` of a loaded entity; `deleteByStr()` takes `cascade`. */
export interface DeleteOptions<T = unknown> extends WriteOptions<T> {
  /**
   * Top-level types: delete the entity's whole item collection with it: every child of every child
   * type (`typeIndex: 'none'` ones too) and the unique guards of the children and the parent. One
   * transaction when everything fits in one (100 items) and the engine has transactions; otherwise in
   * steps, children first and the parent last, safe to call again after an interruption. Without it,
   * deleting a parent leaves its children in place.
   */
  cascade?: boolean;
}

/** Rounds of looking for children created while the parent was deleted, before giving up on a writer that keeps adding them. */
const SWEEP_ROUNDS = MOVED_ATTEMPTS;

/** `delete(entity, { cascade: true })`. Every check before any request. */
export async function cascadeDeleteEntity<T extends object>(
  context: RepositoryContext,
  mapper: EntityMapper<T>,
  entity: T,
  options: DeleteOptions<T>,
  deleteParent: () => Promise<void>,
): Promise<void> {
  refuseChildType(mapper.meta);
  const conditions = writeConditions(mapper, options.condition);
  const expected = checkedIdentity(mapper, mapper.identityOf(entity));
  const strId = unchangedStrId(mapper, entity);
  const collection = new ItemCollection(context, mapper.meta, mapper.keyOf(strId), strId);
  const parentDeleted = async () => {
    await deleteParent();
    return true;
  };
  const job: CascadeJob = { context, mapper: mapper as EntityMapper<object>, strId, collection, mode: 'entity', expected, conditions, deleteParent: parentDeleted };
  await run(job);
}

/** `deleteByStr(strId, { cascade: true })`: whether the parent was deleted; its children go even when it is gone already. */
export async function cascadeDeleteByStr<T extends object>(
  context: RepositoryContext,
  mapper: EntityMapper<T>,
  strId: string,
  deleteParent: () => Promise<boolean>,
): Promise<boolean> {
  refuseChildType(mapper.meta);
  const collection = new ItemCollection(context, mapper.meta, mapper.keyOf(strId), strId);
  return run({ context, mapper: mapper as EntityMapper<object>, strId, collection, mode: 'strId', deleteParent });
}

/**
 * The parent with its collection, then the children created meanwhile: a child written under the
 * parent's key while it was deleted (creating one does not check its parent) would be an orphan, so
 * the partition is read again and what remains deleted, until it is empty or holds a parent again
 * (re-created under the same str id: what is there now is its own).
 */
async function run(job: CascadeJob): Promise<boolean> {
  const deleted = await deleteCollection(job);
  const orphans: CascadeJob = { ...job, mode: 'orphans', expected: undefined, conditions: undefined };
  for (let round = 1; ; round += 1) {
    const read = await job.collection.read(TRANSACTION_LIMIT);
    if (read.parent !== undefined || read.itemsRead === 0) return deleted;
    if (round > SWEEP_ROUNDS) throw interrupted(orphans, false, 0, 'Children kept being created under its key while it was deleted.');
    await deleteCollection(orphans, read);
  }
}

/**
 * One transaction when the collection fits and the engine has transactions: the parent's delete
 * conditioned on its version (a loaded parent) or on still being the entity read (by str id), each
 * child's on the version read. A child (or the parent) changed meanwhile cancels it: read again and
 * retry. Otherwise, steps. Resolves to whether the parent was deleted.
 */
async function deleteCollection(job: CascadeJob, given?: CollectionRead): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    const read = attempt === 1 && given ? given : await job.collection.read(TRANSACTION_LIMIT);
    if (job.mode === 'orphans' && read.parent !== undefined) return false;
    checkParent(job, read.parent);
    if (!read.complete || transactionsKnown(job.context.executor) === false) return deleteInSteps(job, read);
    job.collection.refuseUnknown(read.unknownTypes, 'delete', doneText(job));
    const entries = collectionEntries(job, read);
    if (entries.length > TRANSACTION_LIMIT) return deleteInSteps(job, read);
    if (entries.length === 0) return false;
    try {
      await runCascadeTransaction(job.context.executor, entries);
      return read.parent !== undefined;
    } catch (error) {
      if (error instanceof UnsupportedByEngineError) return deleteInSteps(job, read);
      if (!movedMeanwhile(error) || attempt >= MOVED_ATTEMPTS) throw error;
      await sleep(backoffDelay(attempt, { baseDelayMs: 10, maxDelayMs: 200 }));
    }
  }
}

/** The parent's delete with its guard releases (first), then each child's. */
function collectionEntries(job: CascadeJob, read: CollectionRead): TransactionEntry[] {
  const { tableName } = job.context;
  const { mapper, strId } = job;
  const parent = read.parent;
  const parentEntries =
    parent === undefined
      ? []
      : job.mode === 'entity' && job.expected
        ? deleteEntries(tableName, mapper, { strId, expected: job.expected, before: uniquesOfItem(mapper, parent), conditions: job.conditions })
        : deleteStoredEntries(tableName, mapper, strId, parent);
  return [...parentEntries, ...read.children.flatMap((child) => childDeleteEntries(tableName, child.mapper, child.item))];
}

/** A child type has no collection of its own (one level of nesting). */
function refuseChildType(meta: EntityMetadata): void {
  if (meta.parent === undefined) return;
  throw new InvalidArgumentError(
    `delete with { cascade: true } deletes a parent's item collection, and ${meta.className} is a child type (of ${meta.parent.className}) with no children of its own.`,
    meta.className,
    { hint: 'Delete it without cascade, or cascade from its parent.' },
  );
}
