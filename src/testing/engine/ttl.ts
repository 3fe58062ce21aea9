import type { DynaliteStore, Item, ItemDb, TableDescription } from './dynalite-modules';
import { engineError, getTable } from './actions';
import type { EngineContext, EngineRoute } from './server';

/**
 * Time to live: UpdateTimeToLive, DescribeTimeToLive, and the deletion of expired items. The setting
 * lives in the table's description record in dynalite's table store, so an on-disk store keeps it
 * across restarts and DeleteTable drops it with the table. The deletion is explicit
 * (`deleteExpiredItems`) or periodic (`startExpirySweeper`): DynamoDB deletes "eventually", a test
 * wants "now".
 */

/** The field of the description record holding the setting; the SDK ignores it in DescribeTable answers. */
const TTL_FIELD = 'EngineTimeToLive';

interface TimeToLiveSetting {
  AttributeName: string;
}

const TABLE_NAME = { type: 'String', required: true, tableName: true, regex: '[a-zA-Z0-9_.-]+' };

const UPDATE_TTL_TYPES = {
  TableName: TABLE_NAME,
  TimeToLiveSpecification: {
    type: 'FieldStruct<TimeToLiveSpecification>',
    notNull: true,
    children: {
      AttributeName: { type: 'String', notNull: true, lengthGreaterThanOrEqual: 1, lengthLessThanOrEqual: 255 },
      Enabled: { type: 'Boolean', notNull: true },
    },
  },
};

const DESCRIBE_TTL_TYPES = { TableName: TABLE_NAME };

/** Validates a request against types written in dynalite's validation format. */
export function checkedRequest(context: EngineContext, data: Item, types: Record<string, unknown>, custom?: unknown): Item {
  const { validations } = context.modules;
  const checked = validations.checkTypes(data, types);
  validations.checkValidations(checked, types, custom, context.store);
  return checked;
}

/** Runs `run` holding dynalite's lock of `key` in `db` (the lock dynalite's own table and item updates take). */
export function underLock<T>(db: ItemDb, key: string, run: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    db.lock(key, (release) => {
      const done = release((error: unknown, value?: T) => (error ? reject(error) : resolve(value as T)));
      run().then(
        (value) => done(null, value),
        (error: unknown) => done(error),
      );
    });
  });
}

export function putRecord(db: ItemDb, key: string, value: Item): Promise<void> {
  return new Promise((resolve, reject) => db.put(key, value, (error) => (error ? reject(error) : resolve())));
}

function timeToLiveOf(table: TableDescription): TimeToLiveSetting | undefined {
  return table[TTL_FIELD] as TimeToLiveSetting | undefined;
}

/** A table being deleted is gone for TTL purposes, as in DynamoDB. */
async function liveTable(store: DynaliteStore, name: string): Promise<TableDescription> {
  const table = await getTable(store, name, false);
  if (table.TableStatus === 'DELETING') {
    throw engineError('ResourceNotFoundException', `Requested resource not found: Table: ${name} not found`);
  }
  return table;
}

/**
 * A table still being created is not changed: dynalite makes it ACTIVE by writing back the description
 * it created, which would drop a setting stored in between.
 */
async function changeableTable(store: DynaliteStore, name: string): Promise<TableDescription> {
  const table = await liveTable(store, name);
  if (table.TableStatus === 'CREATING') {
    throw engineError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being created: ${name}`);
  }
  return table;
}

async function updateTimeToLive(context: EngineContext, data: Item): Promise<unknown> {
  const request = checkedRequest(context, data, UPDATE_TTL_TYPES);
  const name = request.TableName as string;
  const { AttributeName, Enabled } = request.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean };
  const { tableDb } = context.store;
  return underLock(tableDb, name, async () => {
    const table = await changeableTable(context.store, name);
    const current = timeToLiveOf(table);
    // DynamoDB refuses a specification that changes nothing, and a second attribute while one is on.
    if (Enabled && current) throw engineError('ValidationException', 'TimeToLive is already enabled');
    if (!Enabled && !current) throw engineError('ValidationException', 'TimeToLive is already disabled');
    if (!Enabled && current && current.AttributeName !== AttributeName) {
      throw engineError('ValidationException', `TimeToLive is active on a different AttributeName: current AttributeName is ${current.AttributeName}`);
    }
    const updated: Item = { ...table };
    if (Enabled) updated[TTL_FIELD] = { AttributeName };
    else delete updated[TTL_FIELD];
    await putRecord(tableDb, name, updated);
    return { TimeToLiveSpecification: { AttributeName, Enabled } };
  });
}

async function describeTimeToLive(context: EngineContext, data: Item): Promise<unknown> {
  const request = checkedRequest(context, data, DESCRIBE_TTL_TYPES);
  const setting = timeToLiveOf(await liveTable(context.store, request.TableName as string));
  const TimeToLiveDescription = setting ? { TimeToLiveStatus: 'ENABLED', AttributeName: setting.AttributeName } : { TimeToLiveStatus: 'DISABLED' };
  return { TimeToLiveDescription };
}

/** DynamoDB leaves alone expiry times more than five years in the past (its developer guide's TTL rules). */
const OLDEST_PROCESSED_SECONDS = 5 * 365 * 24 * 60 * 60;

/**
 * DynamoDB expires an item only on a top-level Number (epoch seconds) below now, and not older than five
 * years; any other value (a string, a set, milliseconds far in the future) never expires.
 */
export function isExpired(item: Item, attributeName: string, nowSeconds: number): boolean {
  const value = item[attributeName] as { N?: unknown } | undefined;
  if (value === undefined || typeof value.N !== 'string') return false;
  const seconds = Number(value.N);
  return Number.isFinite(seconds) && seconds < nowSeconds && seconds >= nowSeconds - OLDEST_PROCESSED_SECONDS;
}

export async function valuesOf(db: ItemDb): Promise<Item[]> {
  const values: Item[] = [];
  const stream = db.createValueStream?.();
  if (!stream) return values;
  for await (const value of stream as AsyncIterable<Item>) values.push(value);
  return values;
}

export function getRecord(db: ItemDb, key: string): Promise<Item | undefined> {
  return new Promise((resolve, reject) => {
    db.get(key, (error, value) => {
      if (error && error.name !== 'NotFoundError') return reject(error);
      resolve(error ? undefined : value);
    });
  });
}

/** Deletes one item if it is still expired, under its item lock, with its index entries (as DeleteItem does). */
function deleteIfExpired(context: EngineContext, table: TableDescription, key: string, attributeName: string, nowSeconds: number): Promise<boolean> {
  const { store, modules } = context;
  const itemDb = store.getItemDb(table.TableName);
  return underLock(itemDb, key, async () => {
    const item = await getRecord(itemDb, key);
    if (!item || !isExpired(item, attributeName, nowSeconds)) return false;
    await new Promise<void>((resolve, reject) => modules.db.updateIndexes(store, table, item, null, (error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => itemDb.del(key, (error) => (error ? reject(error) : resolve())));
    return true;
  });
}

async function sweepTable(context: EngineContext, table: TableDescription, nowSeconds: number): Promise<number> {
  const setting = timeToLiveOf(table);
  if (!setting || (table.TableStatus !== 'ACTIVE' && table.TableStatus !== 'UPDATING')) return 0;
  const candidates = (await valuesOf(context.store.getItemDb(table.TableName))).filter((item) => isExpired(item, setting.AttributeName, nowSeconds));
  let deleted = 0;
  for (const item of candidates) {
    // Re-read under the lock: the item may have been rewritten with a later expiry since the scan.
    if (await deleteIfExpired(context, table, context.modules.db.createKey(item, table), setting.AttributeName, nowSeconds)) deleted += 1;
  }
  return deleted;
}

/** Deletes every item whose TTL attribute is below `now` in every TTL-enabled table; returns how many. */
export async function deleteExpiredItems(context: EngineContext, now: number = Date.now()): Promise<number> {
  const nowSeconds = now / 1000;
  let deleted = 0;
  for (const table of await valuesOf(context.store.tableDb)) {
    deleted += await sweepTable(context, table as TableDescription, nowSeconds);
  }
  return deleted;
}

/**
 * Sweeps every `intervalMs` until the returned stop function is called. A sweep never overlaps the
 * previous one; its failures (e.g. the store closing under it) are dropped: the next sweep retries.
 */
export function startExpirySweeper(context: EngineContext, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    deleteExpiredItems(context)
      .catch(() => undefined)
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export const TTL_ROUTES: ReadonlyArray<[string, EngineRoute]> = [
  ['UpdateTimeToLive', { action: updateTimeToLive }],
  ['DescribeTimeToLive', { action: describeTimeToLive }],
];
