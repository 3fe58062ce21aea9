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

export interface ListOptions {
  /** At most this many entities. When more remain, `cursor` lets the next call resume. */
  limit?: number;
  /** A cursor returned by a previous listing of the same kind, to resume after its last entity. */
  cursor?: string;
}

export interface QueryOptions extends ListOptions {
  /** Creation order (uid order). @default 'asc' */
  order?: SortOrder;
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
