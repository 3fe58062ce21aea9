import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../../errors';
import { isConditionFailure } from '../../client/executor';
import { decodeCursor, encodeCursor, parentStrIdOfItem, strIdOfItem } from '../../keys';
import type { CursorPosition, ItemKey } from '../../keys';
import { ATTR } from '../../metadata/attributes';
import { getEntityMetadata } from '../../metadata/entity-metadata';
import type { Constructor, EntityMetadata, TypeIndexMode } from '../../metadata/types';
import { getItemInput, queryByTypeInput, scanTypeInput, typeIndexStartKey } from '../../operations/entity-commands';
import { hasChanges, reindexKeyChanges, reindexUpdateInput } from '../../operations/reindex-commands';
import type { RepositoryContext } from '../context';

type Item = Record<string, AttributeValue>;

export interface ReindexOptions {
  /** Resume after the last page a previous run completed (its `cursor`). */
  cursor?: string;
  /** Entities read per Query of the type index. @default 100 */
  pageSize?: number;
  /** Stop after this many pages, returning a `cursor` when entities remain. @default no limit */
  maxPages?: number;
  /**
   * The `typeIndex` the stored items were written with, when the type's declaration changed since
   * (e.g. `'all'` after switching to `'keys'`): the items are found where that mode put them, and each
   * one is moved to the type's current type index. @default the type's current typeIndex
   */
  fromTypeIndex?: TypeIndexMode;
  /** Called after each page is done, with the totals so far and the cursor that resumes after it. */
  onProgress?: (progress: ReindexProgress) => void | Promise<void>;
}

/** An entity whose stored fields cannot form one of its index keys (too long for DynamoDB). */
export interface ReindexSkipped {
  strId: string;
  uid: string;
  problems: string[];
}

export interface ReindexProgress {
  /** Entities read. */
  scanned: number;
  /** Entities whose index keys were written (each one UpdateItem). */
  updated: number;
  /** Entities left as they were: their keys could not be stored. Fix the fields, save, reindex again. */
  skipped: ReindexSkipped[];
  /** Resumes after the last completed page; absent once every entity has been read. */
  cursor?: string;
}

export type ReindexResult = ReindexProgress;

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
/** A racing save makes one item's write retry; this many in a row is contention worth reporting. */
const MAX_ITEM_ATTEMPTS = 10;

/**
 * Brings the index keys (and type index) of every stored entity of a type in line with its
 * declarations: finds the items where `fromTypeIndex` put them (the type index page by page; a type
 * outside it, `typeIndex: 'none'`, by a Scan: nothing else finds all its items) and writes, for each
 * entity whose keys differ, only its key attributes (see reindexUpdateInput). Idempotent and resumable.
 */
export async function reindexEntities(context: RepositoryContext, target: Constructor, options: ReindexOptions = {}): Promise<ReindexResult> {
  const meta = getEntityMetadata(target);
  const { pageSize, maxPages, source } = checkOptions(options, meta);
  const listed = source !== 'none';
  const position = options.cursor === undefined ? undefined : decodeCursor(options.cursor, meta, listed ? 'typeIndex' : 'tableScan');
  let startKey: ItemKey | undefined =
    position && (listed ? typeIndexStartKey(meta, position.strId, position.uid as string, position.parent, source) : tableKeyOf(position));
  const result: ReindexResult = { scanned: 0, updated: 0, skipped: [] };
  let pages = 0;
  do {
    const output = listed
      ? await context.executor.send('Query', queryByTypeInput(context.tableName, meta, { startKey, limit: pageSize }, source), meta.className)
      : await context.executor.send('Scan', scanTypeInput(context.tableName, meta, startKey, pageSize), meta.className);
    for (const found of output.Items ?? []) {
      // A keys-only type index gives keys: the entity itself is read by key, consistently.
      const item = source === 'keys' ? await rereadSameEntity(context, meta, found) : found;
      if (item === undefined) continue;
      result.scanned += 1;
      await reindexItem(context, meta, item, result);
    }
    startKey = output.LastEvaluatedKey;
    result.cursor = startKey && cursorAfter(meta, startKey, listed);
    pages += 1;
    await options.onProgress?.({ ...result, skipped: [...result.skipped] });
  } while (startKey && pages < maxPages);
  return result;
}

/** One entity: write its changed keys on condition it is the version read; after a racing write, read it again. */
async function reindexItem(context: RepositoryContext, meta: EntityMetadata, read: Item, result: ReindexResult): Promise<void> {
  let item: Item | undefined = read;
  for (let attempt = 1; item; attempt += 1) {
    const changes = reindexKeyChanges(meta, item);
    if (changes.problems.length > 0) {
      result.skipped.push({ strId: strIdOfItem(meta, item), uid: item[ATTR.uid]?.S ?? '', problems: [...changes.problems] });
      return;
    }
    if (!hasChanges(changes)) return;
    try {
      await context.executor.send('UpdateItem', reindexUpdateInput(context.tableName, item, changes), meta.className);
      result.updated += 1;
      return;
    } catch (error) {
      if (!isConditionFailure(error) || attempt >= MAX_ITEM_ATTEMPTS) throw error;
    }
    item = await rereadSameEntity(context, meta, read);
  }
}

/** The entity as stored now (strongly consistent), or undefined if it was deleted or replaced by another uid. */
async function rereadSameEntity(context: RepositoryContext, meta: EntityMetadata, read: Item): Promise<Item | undefined> {
  const key = { [ATTR.pk]: read[ATTR.pk] as AttributeValue, [ATTR.sk]: read[ATTR.sk] as AttributeValue };
  const { Item: stored } = await context.executor.send('GetItem', getItemInput(context.tableName, key), meta.className);
  return stored && stored[ATTR.uid]?.S === read[ATTR.uid]?.S ? stored : undefined;
}

function cursorAfter(meta: EntityMetadata, lastKey: ItemKey, listed: boolean): string {
  if (!listed) return encodeCursor('tableScan', { strId: '', partition: lastKey[ATTR.pk]?.S, sort: lastKey[ATTR.sk]?.S }, meta);
  const position = { strId: strIdOfItem(meta, lastKey), parent: parentStrIdOfItem(meta, lastKey) };
  return encodeCursor('typeIndex', { ...position, uid: lastKey[ATTR.uid]?.S as string }, meta);
}

function tableKeyOf(position: CursorPosition): ItemKey {
  return { [ATTR.pk]: { S: position.partition as string }, [ATTR.sk]: { S: position.sort as string } };
}

function checkOptions(options: ReindexOptions, meta: EntityMetadata): { pageSize: number; maxPages: number; source: TypeIndexMode } {
  const entity = meta.className;
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('reindex options must be an object.', entity);
  const { pageSize = DEFAULT_PAGE_SIZE, maxPages = Infinity, onProgress, fromTypeIndex: source = meta.typeIndex } = options;
  if (source !== 'all' && source !== 'keys' && source !== 'none') {
    throw new InvalidArgumentError(`reindex fromTypeIndex must be 'all', 'keys' or 'none', got ${JSON.stringify(source)}.`, entity);
  }
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new InvalidArgumentError(`reindex pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${String(pageSize)}.`, entity);
  }
  if (maxPages !== Infinity && (!Number.isInteger(maxPages) || maxPages < 1)) {
    throw new InvalidArgumentError(`reindex maxPages must be a positive integer, got ${String(maxPages)}.`, entity);
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new InvalidArgumentError('reindex onProgress must be a function.', entity);
  }
  return { pageSize, maxPages, source };
}
