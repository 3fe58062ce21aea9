import type { Callback, DynaliteModules, DynaliteStore, EngineError, Item, ItemDb, TableDescription } from './dynalite-modules';
import { runAction } from './actions';

/**
 * Storage steps of a transaction on dynalite's store: item locks over several keys and tables, reads,
 * the item an update expression produces, and writes that keep the secondary indexes in step.
 */

/** Keys of items (dynalite storage keys) by table name. */
export type KeysByTable = ReadonlyMap<string, ReadonlySet<string>>;

/**
 * Runs `body` while holding dynalite's item lock on every key. dynalite's single-item actions take the
 * same per-key locks, so a transaction and a racing PutItem/UpdateItem/DeleteItem on one of its items
 * serialize. Tables are locked one after the other in name order and each table's keys in one call
 * (the lock queues all of them synchronously), so two transactions never wait on each other in a cycle.
 */
export async function withItemLocks<T>(store: DynaliteStore, keysByTable: KeysByTable, body: () => Promise<T>): Promise<T> {
  const releases: Array<() => void> = [];
  try {
    for (const tableName of [...keysByTable.keys()].sort()) {
      const keys = [...(keysByTable.get(tableName) ?? [])].sort();
      releases.push(await lockKeys(store.getItemDb(tableName), keys));
    }
    return await body();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

function lockKeys(itemDb: ItemDb, keys: string[]): Promise<() => void> {
  return new Promise((resolve) => itemDb.lock(keys, (release) => resolve(release(() => undefined))));
}

export function keysByTable(members: ReadonlyArray<{ table: TableDescription; key: string }>): KeysByTable {
  const keys = new Map<string, Set<string>>();
  for (const { table, key } of members) {
    const ofTable = keys.get(table.TableName) ?? new Set<string>();
    keys.set(table.TableName, ofTable.add(key));
  }
  return keys;
}

/** The stored item, or undefined when there is none. */
export function readItem(store: DynaliteStore, tableName: string, key: string): Promise<Item | undefined> {
  return new Promise((resolve, reject) =>
    store.getItemDb(tableName).get(key, (error, item) => {
      if (error && error.name !== 'NotFoundError') return reject(error);
      resolve(error ? undefined : (item ?? undefined));
    }),
  );
}

/**
 * The item an UpdateItem request produces from `oldItem`, computed by dynalite's own updateItem action
 * (update expression or AttributeUpdates, type errors, item size limit) run against a sandbox store: it
 * reads `oldItem`, keeps what the action would write and writes nothing, neither the item nor its index
 * entries. dynalite does not export its update-expression application; running the action this way
 * reuses it without a copy. The condition is left out: the transaction has evaluated it already.
 * Rejects with the action's error (a ValidationException) when the update cannot apply to this item.
 */
export async function updatedItem(modules: DynaliteModules, store: DynaliteStore, table: TableDescription, data: Item, oldItem: Item | undefined): Promise<Item> {
  let written: Item | undefined;
  const ignore = (...args: unknown[]) => (args[args.length - 1] as Callback)(null);
  const itemDb: ItemDb = {
    lock: (_keys, run) => run((done) => done),
    // updateItem clones the item it reads before changing it.
    get: (_key, callback) => callback(null, oldItem),
    put: (_key, item, callback) => {
      written = item;
      callback(null);
    },
    del: ignore,
  };
  const indexDb: ItemDb = { ...itemDb, put: ignore };
  const sandbox = {
    ...store,
    getTable: (...args: unknown[]) => (args[args.length - 1] as Callback<TableDescription>)(null, table),
    getItemDb: () => itemDb,
    getIndexDb: () => indexDb,
  } as DynaliteStore;
  const { _condition: _ignoredCondition, Expected: _ignoredExpected, ...unconditional } = data;
  await runAction(modules, 'updateItem', sandbox, unconditional);
  if (written === undefined) throw new Error('dynalite updateItem wrote no item');
  return written;
}

/** Writes (or with `newItem` undefined, deletes) one item, its secondary index entries first, as dynalite's actions do. */
export function writeItem(
  modules: DynaliteModules,
  store: DynaliteStore,
  table: TableDescription,
  key: string,
  oldItem: Item | undefined,
  newItem: Item | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error: EngineError | null | undefined) => (error ? reject(error) : resolve());
    modules.db.updateIndexes(store, table, oldItem, newItem, (error) => {
      if (error) return reject(error);
      const itemDb = store.getItemDb(table.TableName);
      if (newItem === undefined) itemDb.del(key, done);
      else itemDb.put(key, newItem, done);
    });
  });
}
