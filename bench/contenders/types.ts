import type { ArticleData, CommentData, PostData, UserData } from '../fixture';

/** The operations of the overhead benchmark, in report order. */
export const OPERATIONS = ['get', 'create', 'update', 'query', 'indexQuery', 'getOrCreate', 'getWith'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Operations a library may have no equivalent of: it then has no cell for them (`-` in the report). */
export type OptionalOperation = 'getWith';

/** One value per operation; none for an optional operation the library lacks. */
export type PerOperation<V> = { readonly [K in Exclude<Operation, OptionalOperation>]: V } & { readonly [K in OptionalOperation]?: V };

export const OPERATION_TITLES: Readonly<Record<Operation, string>> = {
  get: 'get by id',
  create: 'create (conditional put)',
  update: 'update 2 fields',
  query: 'query, 25 items',
  indexQuery: 'index query, 25 items',
  getOrCreate: 'getOrCreate, existing',
  getWith: 'parent + 25 children, 1 Query',
};

/** One library under test, wired to a client whose requests never leave the process. */
export interface Contender {
  readonly name: string;
  /** Package and version, for the report. */
  readonly version: string;
  /** What each measured operation does with this library (requests, options), for the report. */
  readonly notes: PerOperation<string>;
  /** Attribute names that make up a LastEvaluatedKey of the listing used by `listAll`. */
  readonly pageKey: readonly string[];
  /** Writes one user the library's way; used once to capture the library's own item layout. */
  create(data: UserData): Promise<unknown>;
  /** Writes one article (the entity with a secondary index) the library's way, to capture its layout. */
  createArticle(data: ArticleData): Promise<unknown>;
  /**
   * Writes the post of `getWith` and its comments (one item each) the library's way, to capture its
   * layout of a parent with its children; absent when the library has no getWith equivalent.
   */
  readonly collection?: {
    createPost(data: PostData): Promise<unknown>;
    createComment(data: CommentData): Promise<unknown>;
  };
  /**
   * The measured calls. May do setup through the canned handler first (e.g. load the entity that
   * `update` changes): the harness answers GetItem with the subject's item while this runs.
   */
  operations(): Promise<PerOperation<() => Promise<unknown>>>;
  /** Every user of a paged listing, fully loaded (memory phase). */
  listAll(): Promise<unknown[]>;
}

export function packageVersion(name: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return `${name} ${(require(`${name}/package.json`) as { version: string }).version}`;
}
