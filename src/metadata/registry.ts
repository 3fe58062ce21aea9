import type { Constructor, FieldOptions, IndexOptions, TableOptions } from './types';

export interface TableRecord {
  readonly target: Constructor;
  readonly typeName: string;
  readonly options: TableOptions;
}

export interface PropertyRecord<O = undefined> {
  readonly target: Constructor;
  readonly property: string;
  readonly options: O;
}

export interface IndexRecord {
  readonly target: Constructor;
  readonly name: string;
  readonly options: IndexOptions;
}

/** Property names a base class reserves for its own members (e.g. Active Record's `save`). */
export interface ReservedMembers {
  readonly base: Constructor;
  readonly names: ReadonlySet<string>;
}

/**
 * Decorators only append plain records here; `buildEntityMetadata` turns them into validated metadata.
 * The registry lives on `globalThis` under a `Symbol.for` key so that two copies of the package
 * (CJS and ESM, or nested installs) see the same decorated classes.
 */
export interface MetadataRegistry {
  tables: TableRecord[];
  fields: PropertyRecord<FieldOptions>[];
  strIds: PropertyRecord[];
  uniques: PropertyRecord[];
  /** In decorator evaluation order: bottom to top within a class. */
  indexes: IndexRecord[];
  reserved: ReservedMembers[];
  /** Built metadata and derived per-class plans, by class. */
  cache: WeakMap<object, Map<string, unknown>>;
}

const REGISTRY_KEY = Symbol.for('dynamo-single-table.metadata-registry');

function createRegistry(): MetadataRegistry {
  return { tables: [], fields: [], strIds: [], uniques: [], indexes: [], reserved: [], cache: new WeakMap() };
}

export function getRegistry(): MetadataRegistry {
  const holder = globalThis as { [REGISTRY_KEY]?: MetadataRegistry };
  const registry = (holder[REGISTRY_KEY] ??= createRegistry());
  // A registry made by an older copy of the package (nested installs) lacks the newer lists.
  registry.indexes ??= [];
  return registry;
}

/**
 * Forgets every decorated class. For tests that define throw-away classes; classes decorated before
 * the reset must not be used afterwards.
 */
export function resetMetadataRegistry(): void {
  const registry = getRegistry();
  registry.tables = [];
  registry.fields = [];
  registry.strIds = [];
  registry.uniques = [];
  registry.indexes = [];
  registry.cache = new WeakMap();
  // Reserved members come from library modules loaded once; keep them.
}

/**
 * Per-class memo for anything derived from metadata (built metadata, marshalling plans...).
 * Computed once per class and kind, never per call.
 */
export function memoizePerClass<T>(target: object, kind: string, compute: () => T): T {
  const registry = getRegistry();
  let entries = registry.cache.get(target);
  if (!entries) {
    entries = new Map();
    registry.cache.set(target, entries);
  }
  if (entries.has(kind)) return entries.get(kind) as T;
  const value = compute();
  entries.set(kind, value);
  return value;
}
