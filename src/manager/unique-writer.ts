import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityNotFoundError, VersionConflictError } from '../errors';
import type { DynamoSingleTableError } from '../errors';
import type { AttributeChange } from '../expressions';
import { newWriteId } from '../keys';
import type { EntityMapper } from '../marshalling/entity-mapper';
import { ATTR } from '../metadata/attributes';
import type { ExpectedIdentity } from '../operations/entity-commands';
import { updateEntry } from '../operations/transaction-commands';
import { createEntries, deleteEntries, guardChanges, saveEntries, storedUniques, uniquesAfterChanges } from './entity-entries';
import type { PreparedCreate } from './entity-entries';
import type { RepositoryContext } from './repository';
import { runExplainedTransaction } from './transaction-runner';
import type { TransactionEntry } from './transaction-runner';

type Item = Record<string, AttributeValue>;

/** Writes that hold a concurrent change back this often before giving up (deleteByStr, getOrCreate). */
const RACE_ATTEMPTS = 3;

/**
 * Writes of entities with `@Unique()` fields: the entity and its guard items in one transaction,
 * so a value is claimed, moved or released exactly when the entity changes. Failures surface as the
 * single error that explains them (the entity exists, the value is taken, the copy is stale).
 */
export class UniqueWriter<T extends object> {
  constructor(
    private readonly context: RepositoryContext,
    private readonly mapper: EntityMapper<T>,
    private readonly fetchItem: (strId: string) => Promise<Item | undefined>,
  ) {}

  create(prepared: PreparedCreate<T>): Promise<void> {
    return this.commit(createEntries(this.context.tableName, this.mapper, prepared));
  }

  async getOrCreate(prepared: PreparedCreate<T>): Promise<[T, boolean]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.create(prepared);
        return [prepared.entity, true];
      } catch (error) {
        if ((error as DynamoSingleTableError).code !== 'ENTITY_ALREADY_EXISTS') throw error;
        const existing = await this.fetchItem(prepared.strId);
        if (existing) return [this.mapper.fromItem(existing), false];
        if (attempt >= RACE_ATTEMPTS) throw error;
      }
    }
  }

  async save(change: { entity: T; strId: string; expected: ExpectedIdentity; item: Item }): Promise<void> {
    const { uniques } = await storedUniques(this.mapper, change.entity, change.strId, change.expected, this.fetchItem);
    await this.commit(saveEntries(this.context.tableName, this.mapper, { ...change, before: uniques }));
  }

  async delete(entity: T | undefined, strId: string, expected: ExpectedIdentity): Promise<void> {
    const { uniques } = await storedUniques(this.mapper, entity, strId, expected, this.fetchItem);
    await this.commit(deleteEntries(this.context.tableName, this.mapper, { strId, expected, before: uniques }));
  }

  /** Reads the entity for its version and unique values, then deletes both; false when absent. */
  async deleteByStr(strId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt += 1) {
      const item = await this.fetchItem(strId);
      if (!item) return false;
      const expected = { uid: item[ATTR.uid]?.S as string, version: Number(item[ATTR.version]?.N) };
      try {
        await this.delete(this.mapper.fromItem(item), strId, expected);
        return true;
      } catch (error) {
        if (!(error instanceof VersionConflictError) || attempt >= RACE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * A partial update that changes unique fields: read the entity, then update it and move its guards
   * in one transaction guarded by the version read. Without `expectedVersion` the caller asked for no
   * particular version, so a write that slipped in between is retried on a fresh read.
   */
  async update(strId: string, changes: AttributeChange[], expectedVersion: number | undefined): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.updateOnce(strId, changes, expectedVersion);
      } catch (error) {
        if (expectedVersion !== undefined || !(error instanceof VersionConflictError) || attempt >= RACE_ATTEMPTS) throw error;
      }
    }
  }

  private async updateOnce(strId: string, changes: AttributeChange[], expectedVersion: number | undefined): Promise<T> {
    const item = await this.fetchItem(strId);
    if (!item) throw new EntityNotFoundError(this.mapper.meta.className, { [this.mapper.meta.strIdProperty]: strId });
    const expected = { uid: item[ATTR.uid]?.S as string, version: Number(item[ATTR.version]?.N) };
    if (expectedVersion !== undefined && expectedVersion !== expected.version) {
      throw new VersionConflictError(this.mapper.meta.className, strId, expectedVersion, expected.version);
    }
    const before = this.mapper.uniqueValuesOf(this.mapper.fromItem(item));
    const writeId = newWriteId();
    const main: TransactionEntry = {
      entity: this.mapper.meta.className,
      strIdField: this.mapper.meta.strIdProperty,
      strId,
      request: updateEntry(this.context.tableName, this.mapper.keyOf(strId), { changes, writeId, expectedVersion: expected.version }),
      operation: 'update',
      expectedVersion: expected.version,
      writeId,
    };
    await this.commit([main, ...guardChanges(this.context.tableName, this.mapper, strId, expected.uid, before, uniquesAfterChanges(before, changes))]);
    return this.mapper.fromItem(applyChanges(item, changes, writeId));
  }

  private commit(entries: TransactionEntry[]): Promise<void> {
    return runExplainedTransaction(this.context.executor, entries);
  }
}

/** The stored item after an update, computed locally: transactions return no values. */
function applyChanges(item: Item, changes: AttributeChange[], writeId: string): Item {
  const removed = new Set(changes.filter((c) => c.kind === 'remove').map((c) => c.attribute));
  const next: Item = {};
  for (const [name, value] of Object.entries(item)) if (!removed.has(name)) next[name] = value;
  for (const change of changes) {
    if (change.kind === 'set') next[change.attribute] = change.value;
    if (change.kind === 'increment') next[change.attribute] = { N: String(Number(item[change.attribute]?.N ?? 0) + Number(change.by.N)) };
  }
  next[ATTR.version] = { N: String(Number(item[ATTR.version]?.N) + 1) };
  next[ATTR.writeId] = { S: writeId };
  return next;
}
