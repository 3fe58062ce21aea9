import type { Server } from 'node:http';

/**
 * The parts of dynalite the embedded engine reuses: its storage (LevelDB through `db`), its request
 * validation and expression parsing (`validations`), and its single-item actions. dynalite ships no
 * type declarations; these interfaces name only what the engine calls.
 */

export type Callback<T = unknown> = (error: EngineError | null | undefined, result?: T) => void;

/** An error as dynalite makes them: the HTTP status and the JSON body to answer with. */
export interface EngineError extends Error {
  statusCode?: number;
  body?: Record<string, unknown>;
}

export type Item = Record<string, unknown>;

export interface ItemDb {
  lock(keys: string | string[], run: (release: <F extends (...args: never[]) => unknown>(done: F) => F) => void): void;
  get(key: string, callback: Callback<Item>): void;
  put(key: string, item: Item, callback: Callback): void;
  del(key: string, callback: Callback): void;
  createValueStream?(options?: Record<string, unknown>): NodeJS.ReadableStream;
}

export interface TableDescription {
  TableName: string;
  TableStatus: string;
  KeySchema: Array<{ AttributeName: string; KeyType: string }>;
  AttributeDefinitions: Array<{ AttributeName: string; AttributeType: string }>;
  GlobalSecondaryIndexes?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

export interface DynaliteStore {
  options: { maxItemSize: number; [key: string]: unknown };
  tableDb: ItemDb;
  getTable(name: string, checkStatus: boolean, callback: Callback<TableDescription>): void;
  getTable(name: string, callback: Callback<TableDescription>): void;
  getItemDb(tableName: string): ItemDb;
  getIndexDb(indexType: string, tableName: string, indexName: string): ItemDb;
  deleteItemDb?(tableName: string, callback: Callback): void;
  deleteIndexDb?(indexType: string, tableName: string, indexName: string, callback: Callback): void;
  db: { close(callback: Callback): void };
  lifecycleManager?: { gracefulClose(callback: Callback): void };
}

export interface DbModule {
  create(options: Record<string, unknown>): DynaliteStore;
  createKey(item: Item, table: TableDescription): string;
  validateKey(key: Item, table: TableDescription): EngineError | null | undefined;
  validateItem(item: Item, table: TableDescription): EngineError | null | undefined;
  validateUpdates(attributeUpdates: unknown, expressionUpdates: unknown, table: TableDescription): EngineError | null | undefined;
  checkConditional(data: Item, existingItem: Item | undefined): EngineError | null | undefined;
  updateIndexes(store: DynaliteStore, table: TableDescription, oldItem: Item | null | undefined, item: Item | null | undefined, callback: Callback): void;
  validationError(message: string): EngineError;
  itemSize(item: Item): number;
}

export interface ActionValidation {
  types: Record<string, unknown>;
  custom?: unknown;
}

export interface ValidationsModule {
  checkTypes(data: Item, types: Record<string, unknown>): Item;
  checkValidations(data: Item, types: Record<string, unknown>, custom: unknown, store: DynaliteStore): void;
}

export type DynaliteAction = (store: DynaliteStore, data: Item, callback: Callback<Item>) => void;

export interface DynaliteModules {
  dynalite(options: Record<string, unknown>): Server;
  db: DbModule;
  validations: ValidationsModule;
  /** The validation of one of dynalite's operations, by its name (`putItem`, `updateItem`...). */
  validationOf(action: string): ActionValidation;
  /** One of dynalite's single-request actions, by name. */
  actionOf(action: string): DynaliteAction;
}

/** dynalite is an optional peer: loaded when the engine starts, through specifiers bundlers leave alone. */
export async function loadDynaliteModules(): Promise<DynaliteModules> {
  const load = async (path: string): Promise<unknown> => {
    const loaded = (await import(path)) as { default?: unknown };
    return loaded.default ?? loaded;
  };
  const root = 'dynalite';
  const [dynalite, db, validations] = await Promise.all([load(root), load(`${root}/db/index.js`), load(`${root}/validations/index.js`)]);
  const names = ['putItem', 'updateItem', 'deleteItem', 'getItem', 'updateTable', 'describeTable'];
  const validationEntries = await Promise.all(names.map(async (name) => [name, await load(`${root}/validations/${name}.js`)] as const));
  const actionEntries = await Promise.all(names.map(async (name) => [name, await load(`${root}/actions/${name}.js`)] as const));
  const validationsByName = new Map(validationEntries);
  const actionsByName = new Map(actionEntries);
  return {
    dynalite: dynalite as DynaliteModules['dynalite'],
    db: db as DbModule,
    validations: validations as ValidationsModule,
    validationOf: (name) => validationsByName.get(name) as ActionValidation,
    actionOf: (name) => actionsByName.get(name) as DynaliteAction,
  };
}
