import type { CursorPosition, ItemKey } from '../../keys';
import type { CursorKind } from '../../keys/cursor';
import type { IndexMetadata } from '../../metadata/types';
import type { KeyQuery } from '../../operations/query-commands';
import type { IndexKeyCondition } from './key-conditions';

/**
 * What a `query()` or `count()` reads, worked out from its options before any request: the Query
 * (undefined for the plain type listing, which keeps its own request), whether nothing can match,
 * and how a cursor of this read becomes its ExclusiveStartKey.
 */
export interface ReadPlan {
  readonly query: KeyQuery | undefined;
  readonly empty: boolean;
  /** Set for `@Index` queries. */
  readonly index: IndexMetadata | undefined;
  readonly cursorKind: CursorKind;
  readonly filtered: boolean;
  readonly partial: boolean;
  /**
   * The Query returns keys only and each page's entities are then read by key: a keys-only index,
   * or a field-list index queried without `select` (its items hold some fields only).
   */
  readonly readsByKey: boolean;
  /** The `where` of an `@Index` query as key texts (undefined for the type listing). */
  readonly keyCondition: IndexKeyCondition | undefined;
  /** The ExclusiveStartKey after a cursor's position, or an InvalidArgumentError if the cursor is another read's. */
  startKeyOf(position: CursorPosition): ItemKey;
}

/** The options as given: each is checked at run time (a JavaScript caller or a JSON body may send anything). */
export interface ReadOptions {
  readonly index?: unknown;
  readonly where?: unknown;
  readonly filter?: unknown;
  readonly select?: unknown;
  readonly createdAfter?: unknown;
  readonly createdBefore?: unknown;
}
