/** Keys of T that hold data (not methods). */
export type DataKeys<T> = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [K in keyof T]-?: T[K] extends (...args: any[]) => any ? never : K;
}[keyof T];

/**
 * What `create`, `getOrCreate` and `build` accept: the entity's data properties, all optional at the
 * type level (the str id and class-validator constraints are checked at run time). `version` is
 * managed by the library; `uid` may be given (see the README on supplying uids).
 */
export type EntityInput<T> = { [K in Exclude<DataKeys<T>, 'version'>]?: T[K] };

export type SortOrder = 'asc' | 'desc';

/**
 * Bounds on what one listing or count may read. Before each page the bounds are checked against what
 * was read so far: past either, a `ReadLimitExceededError` carries the cursor to resume from (never a
 * silently shorter answer). The last page read may take the read units past `maxReadUnits`.
 */
export interface ReadLimits {
  /** At most this many requests (pages) of DynamoDB. A positive integer. */
  maxPages?: number;
  /**
   * At most this many read capacity units: as DynamoDB reports them (`ReturnConsumedCapacity` is
   * asked), or computed from the item sizes where the engine reports none. A positive number.
   */
  maxReadUnits?: number;
}

export interface ListOptions extends ReadLimits {
  /** At most this many entities. When more remain, `cursor` lets the next call resume. */
  limit?: number;
  /** A cursor returned by a previous listing of the same kind, to resume after its last entity. */
  cursor?: string;
}

/** What `scan()` accepts: a listing's options and the opt-in to read the whole table. */
export interface ScanOptions extends ListOptions {
  /**
   * A Scan reads (and bills) every item of every type in the table: refused (`ScanNotAllowedError`)
   * unless this is true or the EntityManager was made with `allowScan: true`. Given here, it wins.
   */
  allowScan?: boolean;
}

/** A value an index key field may hold: the scalar types that have an order. */
export type KeyValue = string | number | bigint | boolean | Date;

/** One range condition on a key field: exactly one operator. `beginsWith` needs a string field. */
export type KeyRange<V> =
  | { eq: V }
  | { lt: V }
  | { lte: V }
  | { gt: V }
  | { gte: V }
  /** Both bounds included; `[high, low]` matches nothing. */
  | { between: readonly [V, V] }
  /** A lower and an upper bound, each inclusive or not: `{ gte: from, lt: to }`. */
  | ({ gt: V } | { gte: V }) & ({ lt: V } | { lte: V })
  | (V extends string ? { beginsWith: string } : never);

/**
 * The key condition of an index query: every partition field by equality (a value or `{ eq }`), then
 * equality on leading sort fields and at most one range on the next.
 */
export type Where<T> = { [K in DataKeys<T>]?: NonNullable<T[K]> extends KeyValue ? NonNullable<T[K]> | KeyRange<NonNullable<T[K]>> : never };

/**
 * Conditions on one field, ANDed. `contains` is a substring of a string field or an element of a list
 * field; `exists: false` also matches entities whose field was never set; `in` takes 1 to 100 values.
 */
export interface FieldFilter<V> {
  eq?: V;
  ne?: V;
  lt?: V;
  lte?: V;
  gt?: V;
  gte?: V;
  between?: readonly [V, V];
  beginsWith?: V extends string ? string : never;
  contains?: V extends string ? string : V extends ReadonlyArray<infer E> ? E : never;
  exists?: boolean;
  in?: readonly V[];
}

/**
 * Conditions on any fields, ANDed into a FilterExpression. DynamoDB applies a filter AFTER reading:
 * every item the key condition reads is billed, whether the filter keeps it or not.
 */
export type Filter<T> = { [K in DataKeys<T>]?: FieldFilter<NonNullable<T[K]>> };

/** Which entities a query or count reads. */
export interface QuerySelection<T = unknown> {
  /**
   * An `@Index` of the class. Index reads are eventually consistent (DynamoDB cannot read a global
   * secondary index consistently): a write may take a moment to show. Without it: the type listing.
   */
  index?: string;
  /** The key condition on the index's fields; required with `index`. */
  where?: Where<T>;
  /** Applied after the read (and billed per item read). Not on a keys-only index. */
  filter?: Filter<T>;
  /** Type listing only: entities created strictly after this time (from the uid's UUIDv7 timestamp). */
  createdAfter?: Date;
  /** Type listing only: entities created strictly before this time. */
  createdBefore?: Date;
}

export interface QueryOptions<T = unknown> extends ListOptions, QuerySelection<T> {
  /** Index order (creation order for the type listing). @default 'asc' */
  order?: SortOrder;
  /**
   * Read only these fields (plus the keys and bookkeeping the library needs). The entities are
   * partial: `save()` and `delete()` refuse them; reload one to change it.
   */
  select?: readonly DataKeys<T>[];
}

/**
 * What `count()` accepts: which entities, as for `query()`, and bounds on the pages read. `cursor`
 * (a `ReadLimitExceededError`'s, or a `query()` page's) counts only the entities after it.
 */
export interface CountOptions<T = unknown> extends QuerySelection<T>, ReadLimits {
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  /** Set when more entities remain; pass it back as `cursor`. */
  cursor: string | undefined;
}

/** Keys of T whose values are numbers (or bigints): what `increment()` accepts. */
export type NumericKeys<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends number | bigint ? K : never;
}[keyof T] &
  string;

/** Keys of T whose values are strings or numbers: the fields `@Unique()` may mark. */
export type UniqueKeys<T> = {
  [K in keyof T]-?: NonNullable<T[K]> extends string | number ? K : never;
}[keyof T] &
  string;

/** How a batch call (`getMany`, `saveMany`, `deleteMany`) spreads its chunks over time. */
export interface BatchConcurrencyOptions {
  /**
   * At most this many chunk requests (BatchGetItem of up to 100 keys, BatchWriteItem of up to 25
   * writes) in flight at once; a chunk keeps its slot through its own retries. `1` sends the chunks
   * one after another. A positive integer. @default the EntityManager's `batchConcurrency` (4)
   */
  concurrency?: number;
}

/** Options of `saveMany()`. */
export type SaveManyOptions = BatchConcurrencyOptions;

/** Options of `deleteMany()`. */
export type DeleteManyOptions = BatchConcurrencyOptions;

/** Options of `getMany()`. */
export interface GetManyOptions extends BatchConcurrencyOptions {
  /**
   * Strongly consistent reads (1 read unit per 4 KB per item): every write that succeeded before is
   * seen. `false`: eventually consistent, half the read units, but a write of the last second or so
   * may not be seen yet. @default true
   */
  consistent?: boolean;
}

/** Options of `getOrCreate()`. */
export interface GetOrCreateOptions {
  /**
   * Read first: one consistent GetItem (1 read unit up to 4 KB) returns an existing entity without a
   * write; only a miss sends the conditional create, which stays race-free. Pays off when most calls
   * find the entity: a refused create costs the item's write units (twice with `@Unique()` fields),
   * and a create after a miss costs the read on top. @default false
   */
  readFirst?: boolean;
}
