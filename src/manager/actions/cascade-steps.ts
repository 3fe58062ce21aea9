import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchDeleteIncompleteError, UnsupportedByEngineError, VersionConflictError } from '../../errors';
import type { AttributeCondition } from '../../expressions';
import type { RequestExecutor } from '../../client/executor';
import type { EntityIdentity, EntityMapper } from '../../marshalling/entity-mapper';
import { identityOfItem } from '../../marshalling/stored-item';
import { childDeleteEntries } from '../../operations/cascade-commands';
import { getItemInput } from '../../operations/entity-commands';
import { BATCH_WRITE_MAX_REQUESTS, batchWriteInput, deleteRequest } from '../../operations/batch-commands';
import { DEFAULT_BATCH_RETRY } from '../../client/retry';
import { ATTR } from '../../metadata/attributes';
import { runBatch } from '../../runners/batch-runner';
import { conditionCheckEntry } from '../../operations/transaction-commands';
import type { TransactionEntry } from '../../operations/transaction-entry';
import { TRANSACTION_LIMIT, runExplainedTransaction } from '../../runners/transaction-runner';
import type { RepositoryContext } from '../context';
import type { ChildItem, CollectionRead, ItemCollection } from './item-collection';
import { movedMeanwhile } from './item-collection';
import { retryingMoves } from './moved-retry';
import { checkConditionsOnRead } from './write-conditions';

type Item = Record<string, AttributeValue>;

/**
 * One cascading delete. `entity`: a loaded parent, deleted only at the version loaded; `strId`: the
 * parent whatever its version; `orphans`: the parent is deleted, only children left behind go.
 */
export interface CascadeJob {
  readonly context: RepositoryContext;
  readonly mapper: EntityMapper<object>;
  readonly strId: string;
  readonly collection: ItemCollection;
  readonly mode: 'entity' | 'strId' | 'orphans';
  readonly expected?: EntityIdentity;
  readonly conditions?: readonly AttributeCondition[];
  /** Deletes the parent's item alone, as delete() / deleteByStr() without cascade do. */
  readonly deleteParent: () => Promise<boolean>;
}

/** Whether an engine has transactions, once a transaction of a cascade has told. */
const transactionSupport = new WeakMap<RequestExecutor, boolean>();

export function transactionsKnown(executor: RequestExecutor): boolean | undefined {
  return transactionSupport.get(executor);
}

/** Runs a transaction of a cascade, remembering what it taught about the engine. */
export async function runCascadeTransaction(executor: RequestExecutor, entries: readonly TransactionEntry[]): Promise<void> {
  try {
    await runExplainedTransaction(executor, entries);
    transactionSupport.set(executor, true);
  } catch (error) {
    if (error instanceof UnsupportedByEngineError) transactionSupport.set(executor, false);
    throw error;
  }
}

/** A loaded parent must still be the entity loaded, at its version, and meet the caller's condition; a parent gone counts as deleted. */
export function checkParent(job: CascadeJob, parent: Item | undefined): void {
  if (job.mode !== 'entity' || parent === undefined || job.expected === undefined) return;
  const { className } = job.mapper.meta;
  const found = identityOfItem(parent);
  if (found.uid !== job.expected.uid || found.version !== job.expected.version) {
    throw new VersionConflictError(className, job.strId, job.expected.version, found.uid === job.expected.uid ? found.version : null);
  }
  checkConditionsOnRead(className, job.strId, job.conditions, parent);
}

interface Progress {
  deleted: number;
}

/**
 * The collection in steps, for one too large for a transaction or an engine without transactions:
 * unknown types refused and the parent checked before anything is written, then the children type by
 * type (those with unique fields first, in transactions with their guards; the others 25 per
 * BatchWriteItem), the parent LAST: no child is ever left under a deleted parent. Resumable: a call
 * after an interruption finds the parent and what is left, and goes on.
 */
export async function deleteInSteps(job: CascadeJob, read: CollectionRead): Promise<boolean> {
  const { collection } = job;
  collection.refuseUnknown(read.complete ? read.unknownTypes : await collection.unknownTypes(), 'delete', doneText(job));
  const parent = read.complete ? read.parent : await fetchParent(job);
  if (job.mode === 'orphans' && parent !== undefined) return false; // re-created meanwhile: its children are its own
  checkParent(job, parent);
  if (parent !== undefined && job.mapper.meta.uniqueFields.length > 0) await probeTransactions(job);
  const progress: Progress = { deleted: 0 };
  try {
    await deleteChildren(job, read, progress);
  } catch (error) {
    if (progress.deleted === 0 && error instanceof UnsupportedByEngineError) throw error; // nothing was written
    const cause = error instanceof BatchStopped ? error.failure : error;
    throw interrupted(job, parent !== undefined, progress.deleted, cause ?? 'DynamoDB kept returning deletes as unprocessed.');
  }
  return parent === undefined ? false : job.deleteParent();
}

/**
 * Children with unique fields first: on an engine without transactions their first transaction fails
 * before anything is written. The others in batches, across types when the whole collection was read.
 */
async function deleteChildren(job: CascadeJob, read: CollectionRead, progress: Progress): Promise<void> {
  const types = job.collection.childTypes();
  const unique = (type: string) => (job.collection.mapperOf(type)?.meta.uniqueFields.length ?? 0) > 0;
  for (const type of types.filter(unique)) {
    await deleteUniqueType(job, type, read.complete ? read.children.filter((child) => child.type === type) : undefined, progress);
  }
  if (read.complete) return deleteBatch(job, read.children.filter((child) => !unique(child.type)), progress);
  for (const type of types.filter((t) => !unique(t))) {
    for await (const page of job.collection.pagesOfType(type)) await deleteBatch(job, page, progress);
  }
}

/** Every child of a type with unique fields; a child changed between the read and its transaction makes the type read again. */
async function deleteUniqueType(job: CascadeJob, type: string, first: ChildItem[] | undefined, progress: Progress): Promise<void> {
  let attempt = 0;
  await retryingMoves(async () => {
    attempt += 1;
    const pages = first !== undefined && attempt === 1 ? [first] : job.collection.pagesOfType(type);
    for await (const page of pages) {
      // Each child with its guard releases; several children share a transaction.
      for (const group of transactionGroups(job, page)) {
        await runCascadeTransaction(job.context.executor, group.entries);
        progress.deleted += group.children;
      }
    }
  }, (error) => movedMeanwhile(error));
}

/** A batch that gave up: why (undefined when DynamoDB kept returning the deletes unprocessed). */
class BatchStopped {
  constructor(readonly failure: unknown) {}
}

/** Unconditional deletes of children without unique fields, 25 per BatchWriteItem, with the batch retries and concurrency of deleteMany. */
async function deleteBatch(job: CascadeJob, children: readonly ChildItem[], progress: Progress): Promise<void> {
  const { executor, tableName, batchRetry, batchConcurrency } = job.context;
  const entries = children.map((child) => ({ keyId: keyIdOf(child.item), request: deleteRequest({ [ATTR.pk]: child.item[ATTR.pk] as AttributeValue, [ATTR.sk]: child.item[ATTR.sk] as AttributeValue }) }));
  const send = async (part: typeof entries) => {
    const output = await executor.send('BatchWriteItem', batchWriteInput(tableName, part.map((entry) => entry.request)), job.mapper.meta.className);
    const unprocessed = new Set((output.UnprocessedItems?.[tableName] ?? []).map((request) => keyIdOf(request.DeleteRequest?.Key ?? {})));
    const left = part.filter((entry) => unprocessed.has(entry.keyId));
    progress.deleted += part.length - left.length;
    return left;
  };
  // As deleteMany: chunks in parallel up to the EntityManager's batchConcurrency; `progress` counts what
  // each chunk deleted, so an interrupted cascade still reports exactly how far it got.
  const outcome = await runBatch(entries, BATCH_WRITE_MAX_REQUESTS, send, batchRetry ?? DEFAULT_BATCH_RETRY, batchConcurrency);
  if (outcome.left.length > 0) throw new BatchStopped(outcome.failure);
}

function keyIdOf(key: Item): string {
  return `${key[ATTR.pk]?.S}\u0000${key[ATTR.sk]?.S}`;
}

function transactionGroups(job: CascadeJob, page: readonly ChildItem[]): Array<{ entries: TransactionEntry[]; children: number }> {
  const groups: Array<{ entries: TransactionEntry[]; children: number }> = [];
  let current = { entries: [] as TransactionEntry[], children: 0 };
  for (const child of page) {
    const entries = childDeleteEntries(job.context.tableName, child.mapper, child.item);
    if (current.entries.length + entries.length > TRANSACTION_LIMIT) {
      groups.push(current);
      current = { entries: [], children: 0 };
    }
    current.entries.push(...entries);
    current.children += 1;
  }
  if (current.children > 0) groups.push(current);
  return groups;
}

async function fetchParent(job: CascadeJob): Promise<Item | undefined> {
  const { executor, tableName } = job.context;
  return (await executor.send('GetItem', getItemInput(tableName, job.collection.parentKey), job.mapper.meta.className)).Item;
}

/**
 * A parent with unique fields is deleted last in a transaction with its guards: on an engine without
 * transactions that must fail before any child is deleted. One ConditionCheck on the parent asks the
 * engine (and re-checks the version of a loaded parent), unless a transaction already told.
 */
async function probeTransactions(job: CascadeJob): Promise<void> {
  const { executor, tableName } = job.context;
  const { className, strIdProperty } = job.mapper.meta;
  if (transactionsKnown(executor) === true) return;
  if (transactionsKnown(executor) === false) throw new UnsupportedByEngineError('transactions', 'TransactWriteItems', undefined, className);
  const version = job.mode === 'entity' ? job.expected?.version : undefined;
  const request = conditionCheckEntry(tableName, job.collection.parentKey, version);
  const entry: TransactionEntry = { request, operation: 'conditionCheck', entity: className, strIdField: strIdProperty, strId: job.strId, expectedVersion: version };
  try {
    await runCascadeTransaction(executor, [entry]);
  } catch (error) {
    // A parent deleted or changed since the read: a loaded one is a conflict; by str id, its final delete decides.
    if (error instanceof UnsupportedByEngineError || job.mode === 'entity') throw error;
  }
}

/** What a refusal has left written: nothing, unless the parent is deleted already. */
export function doneText(job: CascadeJob): string {
  return job.mode === 'orphans' ? `${job.mapper.meta.className} ${JSON.stringify(job.strId)} is deleted, and these items remain in its partition.` : 'Nothing was written.';
}

/**
 * An interrupted run: what remains, and that calling again goes on (the parent, if it was stored,
 * still is). `cause`: the last failure, or the text that says why.
 */
export function interrupted(job: CascadeJob, parentStored: boolean, deleted: number, cause: unknown): BatchDeleteIncompleteError {
  const { className } = job.mapper.meta;
  const id = JSON.stringify(job.strId);
  const remains = parentStored
    ? `${className} ${id} still exists (it is deleted last), with the children not deleted yet.`
    : `${className} ${id} is not stored; children of it remain in its partition.`;
  const hint = parentStored ? 'Call delete with { cascade: true } again to continue.' : `Call deleteByStr(${id}, { cascade: true }) again to delete them.`;
  const last = typeof cause === 'string' ? ` ${cause}` : ` Last failure: ${cause instanceof Error ? cause.message : String(cause)}`;
  const summary = `A delete of ${className} ${id} with { cascade: true } stopped after deleting ${deleted} of its children. ${remains}${last}`;
  return new BatchDeleteIncompleteError(className, [job.strId], [], typeof cause === 'string' ? undefined : cause, { summary, hint });
}
