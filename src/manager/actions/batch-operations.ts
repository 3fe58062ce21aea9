import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  BatchDeleteIncompleteError,
  BatchGetIncompleteError,
  BatchSaveIncompleteError,
  EntityValidationError,
  InvalidArgumentError,
} from '../../errors';
import { DEFAULT_BATCH_CONCURRENCY, DEFAULT_BATCH_RETRY, checkedBatchConcurrency } from '../../client/retry';
import type { ResolvedBatchRetry } from '../../client/retry';
import { isUid, newUid, strIdOfItem } from '../../keys';
import type { ItemKey } from '../../keys';
import type { EntityIdentity, EntityMapper } from '../../marshalling/entity-mapper';
import { ATTR } from '../../metadata/attributes';
import {
  BATCH_GET_MAX_KEYS,
  BATCH_WRITE_MAX_REQUESTS,
  batchGetInput,
  batchWriteInput,
  deleteRequest,
  putRequest,
} from '../../operations/batch-commands';
import type { RepositoryContext } from '../context';
import type { BatchConcurrencyOptions, DeleteManyOptions, GetManyOptions, SaveManyOptions } from '../types';
import { runBatch } from '../../runners/batch-runner';
import { parentToWriteIn, unchangedStrId } from './entity-checks';

type Item = Record<string, AttributeValue>;

/** One key of a batch; `keyId` matches it with what DynamoDB returns as unprocessed. */
interface KeyEntry {
  strId: string;
  keyId: string;
}

interface WriteEntry extends KeyEntry {
  request: WriteRequest;
}

interface PutEntry<T> extends WriteEntry {
  entity: T;
  identity: EntityIdentity;
}

/** How one batch read is sent: consistency, and chunk requests in flight at once. */
interface ReadMode {
  consistent: boolean;
  concurrency: number;
}

/**
 * getMany / saveMany / deleteMany: BatchGetItem and BatchWriteItem in chunks of DynamoDB's request
 * limits, a bounded number in flight at once (see batch-runner.ts for the retries and for what a
 * batch that gives up has done). Everything is checked before the first request; a batch that gives
 * up throws an error listing exactly what was not done.
 */
export class BatchOperations<T extends object> {
  private readonly retry: ResolvedBatchRetry;
  private readonly concurrency: number;

  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
  ) {
    this.retry = context.batchRetry ?? DEFAULT_BATCH_RETRY;
    this.concurrency = context.batchConcurrency ?? DEFAULT_BATCH_CONCURRENCY;
  }

  /** The entities with these str ids, in input order (undefined where none is stored). */
  async getMany(strIds: readonly string[], options: GetManyOptions = {}): Promise<Array<T | undefined>> {
    const ids = this.checkedList(strIds, 'getMany');
    const consistent = checkedConsistent(options, this.className);
    const concurrency = this.concurrencyOf(options, 'getMany');
    const keys = ids.map((strId) => this.mapper.keyOf(strId));
    return this.getByKeys(keys, undefined, { consistent, concurrency });
  }

  /**
   * The entities with these primary keys, in order: what an index query returns (a child type's
   * entities may be in any parent's partition). A key given twice is read once, and one instance
   * fills both positions, so saving it twice cannot conflict. `keep`, when given, sees each stored
   * item before it is decoded: an item it refuses counts as not stored.
   */
  async getByKeys(
    keys: readonly ItemKey[],
    keep?: (item: Item) => boolean,
    mode: ReadMode = { consistent: true, concurrency: this.concurrency },
  ): Promise<Array<T | undefined>> {
    const entries = new Map<string, KeyEntry & { key: ItemKey }>();
    for (const key of keys) {
      const keyId = keyIdOf(key);
      // BatchGetItem rejects a key twice in one request
      if (!entries.has(keyId)) entries.set(keyId, { strId: this.strIdOfItem(key), key, keyId });
    }
    const found = new Map<string, T>();
    const send = (part: Array<KeyEntry & { key: ItemKey }>) => this.getChunk(part, found, keep, mode.consistent);
    const outcome = await runBatch([...entries.values()], BATCH_GET_MAX_KEYS, send, this.retry, mode.concurrency);
    const results = keys.map((key) => found.get(keyIdOf(key)));
    if (outcome.left.length > 0) {
      throw new BatchGetIncompleteError(this.className, outcome.left.map((e) => e.strId), results, outcome.failure);
    }
    return results;
  }

  async saveMany(inputs: ReadonlyArray<unknown>, options: SaveManyOptions = {}): Promise<T[]> {
    this.refuseUniqueFields('saveMany');
    const list = this.checkedList(inputs, 'saveMany');
    const concurrency = this.concurrencyOf(options, 'saveMany');
    const entries = await this.preparePuts(list);
    const markSaved = (done: Array<PutEntry<T>>) => {
      for (const e of done) this.mapper.markStored(e.entity, e.strId, e.identity, e.request.PutRequest?.Item as Item);
    };
    const outcome = await runBatch(entries, BATCH_WRITE_MAX_REQUESTS, (part) => this.writeChunk(part, markSaved), this.retry, concurrency);
    if (outcome.left.length > 0) {
      const left = new Set(outcome.left);
      const saved = entries.filter((e) => !left.has(e)).map((e) => e.entity);
      const unsaved = outcome.left.map((e) => e.entity);
      const outcomeUnknown = outcome.left.filter((e) => outcome.outcomeUnknown.has(e)).map((e) => e.entity);
      const unsavedStrIds = outcome.left.map((e) => e.strId);
      throw new BatchSaveIncompleteError(this.className, { saved, unsaved, outcomeUnknown, unsavedStrIds }, outcome.failure);
    }
    return entries.map((e) => e.entity);
  }

  async deleteMany(targets: ReadonlyArray<T | string>, options: DeleteManyOptions = {}): Promise<void> {
    this.refuseUniqueFields('deleteMany');
    const concurrency = this.concurrencyOf(options, 'deleteMany');
    const entries = new Map<string, WriteEntry>();
    for (const target of this.checkedList(targets, 'deleteMany')) {
      const { strId, key } = this.keyToDelete(target);
      const keyId = keyIdOf(key);
      if (entries.has(keyId)) continue; // deleting twice is deleting once; one request may not repeat a key
      entries.set(keyId, { strId, keyId, request: deleteRequest(key) });
    }
    const outcome = await runBatch([...entries.values()], BATCH_WRITE_MAX_REQUESTS, (part) => this.writeChunk(part), this.retry, concurrency);
    if (outcome.left.length > 0) {
      const unknown = outcome.left.filter((e) => outcome.outcomeUnknown.has(e)).map((e) => e.strId);
      throw new BatchDeleteIncompleteError(this.className, outcome.left.map((e) => e.strId), unknown, outcome.failure);
    }
  }

  private async getChunk<E extends KeyEntry & { key: ItemKey }>(
    part: E[],
    found: Map<string, T>,
    keep: ((item: Item) => boolean) | undefined,
    consistent: boolean,
  ): Promise<E[]> {
    const { tableName, executor } = this.context;
    const output = await executor.send('BatchGetItem', batchGetInput(tableName, part.map((e) => e.key), consistent), this.className);
    for (const item of output.Responses?.[tableName] ?? []) {
      if (keep === undefined || keep(item)) found.set(keyIdOf(item), this.mapper.fromItem(item));
    }
    const unprocessed = new Set((output.UnprocessedKeys?.[tableName]?.Keys ?? []).map(keyIdOf));
    return part.filter((e) => unprocessed.has(e.keyId));
  }

  private async writeChunk<E extends WriteEntry>(part: E[], onWritten?: (done: E[]) => void): Promise<E[]> {
    const { tableName, executor } = this.context;
    const output = await executor.send('BatchWriteItem', batchWriteInput(tableName, part.map((e) => e.request)), this.className);
    const unprocessed = new Set((output.UnprocessedItems?.[tableName] ?? []).map(keyIdOfRequest));
    onWritten?.(part.filter((e) => !unprocessed.has(e.keyId)));
    return part.filter((e) => unprocessed.has(e.keyId));
  }

  /** Builds, validates and marshals every entity before anything is sent: one bad entity, no write. */
  private async preparePuts(inputs: readonly unknown[]): Promise<Array<PutEntry<T>>> {
    const entries: Array<PutEntry<T>> = [];
    const seen = new Set<string>();
    const duplicates = new Set<string>();
    for (const [index, input] of inputs.entries()) {
      const entry = await this.preparePut(input).catch((error: unknown) => {
        throw atIndex(error, index);
      });
      if (seen.has(entry.keyId)) duplicates.add(entry.strId);
      seen.add(entry.keyId);
      entries.push(entry);
    }
    if (duplicates.size > 0) {
      throw new InvalidArgumentError(
        `saveMany() got more than one ${this.className} with the same ${this.mapper.meta.strIdProperty}: ` +
          `${[...duplicates].map((id) => JSON.stringify(id)).join(', ')}. Which one should win is ambiguous.`,
        this.className,
        { hint: 'Pass each once.' },
      );
    }
    return entries;
  }

  private async preparePut(input: unknown): Promise<PutEntry<T>> {
    const entity = this.mapper.build(input);
    await this.mapper.validate(entity);
    const mapper = this.mapperFor(entity);
    const strId = unchangedStrId(mapper, entity);
    const identity = this.nextIdentity(entity);
    const item = mapper.toItem(entity, identity);
    return { entity, identity, strId, keyId: keyIdOf(item), request: putRequest(item) };
  }

  /** `(current version ?? 0) + 1`: an unconditional put still keeps the version counting up. */
  private nextIdentity(entity: T): EntityIdentity {
    const { uid, version } = this.mapper.identityOf(entity);
    if (version === undefined && (uid === undefined || isUid(uid))) return { uid: uid ?? newUid(), version: 1 };
    if (isUid(uid) && typeof version === 'number' && Number.isInteger(version) && version >= 1) return { uid, version: version + 1 };
    throw new InvalidArgumentError(
      `This ${this.className} has an invalid uid/version (uid ${JSON.stringify(uid)}, version ${String(version)}).`,
      this.className,
    );
  }

  private keyToDelete(target: unknown): { strId: string; key: ItemKey } {
    if (typeof target === 'string') return { strId: target, key: this.mapper.keyOf(target) };
    if (!(target instanceof this.mapper.meta.target)) {
      throw new InvalidArgumentError(`deleteMany() takes ${this.className} instances or str ids, got ${describeValue(target)}.`, this.className);
    }
    const mapper = this.mapperFor(target as T);
    const strId = unchangedStrId(mapper, target as T);
    return { strId, key: mapper.keyOf(strId) };
  }

  /** A loaded child is written back to the parent it was loaded under, so an unscoped batch may span parents. */
  private mapperFor(entity: T): EntityMapper<T> {
    const parent = parentToWriteIn(this.mapper, entity);
    return parent === this.mapper.parentStrId ? this.mapper : this.mapper.inParent(parent as string);
  }

  /** @Unique() fields are guarded by items written in the same transaction; batch writes have none. */
  private refuseUniqueFields(operation: string): void {
    if (this.mapper.meta.uniqueFields.length === 0) return;
    throw new InvalidArgumentError(
      `${operation}() cannot be used for ${this.className}: its @Unique() fields (${this.mapper.meta.uniqueFields.join(', ')}) ` +
        'are guarded by items that must be written in the same transaction, and batch writes have no transactions.',
      this.className,
      { hint: 'Write these entities one by one (create/save/delete).' },
    );
  }

  private checkedList<E>(list: ReadonlyArray<E>, operation: string): readonly E[] {
    if (!Array.isArray(list)) throw new InvalidArgumentError(`${operation}() takes an array, got ${describeValue(list)}.`, this.className);
    return list;
  }

  /** The call's `concurrency`, else the EntityManager's; checked before any request. */
  private concurrencyOf(options: BatchConcurrencyOptions | undefined, operation: string): number {
    return checkedBatchConcurrency((options ?? {}).concurrency, `${operation}() option concurrency`, this.concurrency, this.className);
  }

  private strIdOfItem(item: Item): string {
    return strIdOfItem(this.mapper.meta, item);
  }

  private get className(): string {
    return this.mapper.meta.className;
  }
}

/** `consistent` must be a boolean when given: a string 'false' would otherwise read consistently. */
function checkedConsistent(options: GetManyOptions, className: string): boolean {
  const consistent = (options ?? {}).consistent;
  if (consistent === undefined || typeof consistent === 'boolean') return consistent ?? true;
  throw new InvalidArgumentError(`getMany() option consistent must be true or false, got ${describeValue(consistent)}.`, className);
}

function keyIdOf(key: Item): string {
  return `${key[ATTR.pk]?.S}\u0000${key[ATTR.sk]?.S}`;
}

function keyIdOfRequest(request: WriteRequest): string {
  return keyIdOf((request.PutRequest?.Item ?? request.DeleteRequest?.Key) as Item);
}

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value) : String(value);
  return Array.isArray(value) ? 'an array' : `a ${value.constructor?.name ?? 'plain object'}`;
}

/** A validation error of the `index`-th input, with that position in each property path (`3.email`). */
function atIndex(error: unknown, index: number): unknown {
  if (!(error instanceof EntityValidationError)) return error;
  const violations = error.violations.map((v) => ({ ...v, property: v.property === '' ? String(index) : `${index}.${v.property}` }));
  return new EntityValidationError(error.entity ?? 'entity', violations);
}
