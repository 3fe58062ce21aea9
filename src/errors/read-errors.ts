import { DynamoSingleTableError } from './base';

/**
 * `scan()` without the opt-in (`scan({ allowScan: true })` or `new EntityManager({ allowScan: true })`).
 * A Scan is the one read whose cost grows with the whole table rather than with what it returns, so
 * it is never taken by accident. Raised by `scan()` itself, before any request.
 */
export class ScanNotAllowedError extends DynamoSingleTableError {
  /** The table the scan would have read. */
  readonly tableName: string;

  constructor(className: string, tableName: string) {
    super(
      'SCAN_NOT_ALLOWED',
      `${className}.scan() was refused: a Scan reads (and bills) every item of every type in table ${JSON.stringify(tableName)} ` +
        `to keep the ${className} items. Nothing was read.`,
      {
        entity: className,
        hint:
          `List ${className} with query() (its type listing, one Query per page), query({ index, where }) for an @Index, ` +
          'or getWith() for a parent with its children. To scan anyway, pass scan({ allowScan: true }), ' +
          'or new EntityManager({ ..., allowScan: true }) for every scan of the manager.',
      },
    );
    this.tableName = tableName;
  }
}

/** The bound a listing or count stopped at. */
export type ReadLimit = 'maxPages' | 'maxReadUnits';

/** What a bounded read had done when it stopped. */
export interface ReadLimitProgress<T = unknown> {
  /** `query()`, `scan()` or `count()`. */
  operation: string;
  limit: ReadLimit;
  /** The bound's value. */
  max: number;
  /** Resumes right after the last entity delivered (or counted): pass it back as `cursor`. */
  cursor: string;
  pagesRead: number;
  readUnits: number;
  /** True when some units were computed from item sizes because the engine reported none. */
  readUnitsEstimated: boolean;
  /** `toArray()` / `page()`: the entities read before the stop (a `for await` loop got them already). */
  items?: readonly T[];
  /** `count()`: the entities counted before the stop. */
  count?: number;
}

/**
 * A listing (`query()`, `scan()`) or `count()` needed another page past its `maxPages` or
 * `maxReadUnits`. Nothing is lost: `cursor` resumes right after the last entity delivered (for
 * `toArray()` and `page()`, those in `items`; for `count()`, the `count` so far), so a caller can
 * continue later, page by page, instead of getting a silently truncated answer.
 */
export class ReadLimitExceededError<T = unknown> extends DynamoSingleTableError {
  readonly limit: ReadLimit;
  readonly max: number;
  readonly cursor: string;
  readonly pagesRead: number;
  readonly readUnits: number;
  readonly readUnitsEstimated: boolean;
  /** The entities `toArray()` / `page()` had read before the stop; empty for a `for await` loop and `count()`. */
  readonly items: readonly T[];
  /** `count()` only: the entities counted before the stop (add the count resumed from `cursor`). */
  readonly count: number | undefined;

  constructor(entity: string, progress: ReadLimitProgress<T>) {
    const units = `${round(progress.readUnits)}${progress.readUnitsEstimated ? ' (estimated)' : ''}`;
    const counted = progress.count === undefined ? '' : `, ${progress.count} counted`;
    const resume =
      progress.count === undefined
        ? 'Pass error.cursor back as cursor to continue after the last entity delivered (toArray() and page() put theirs in error.items)'
        : 'Add error.count to count({ ...sameOptions, cursor: error.cursor }) to continue counting';
    super(
      'READ_LIMIT_EXCEEDED',
      `${entity} ${progress.operation} stopped at ${progress.limit} ${progress.max}: ${progress.pagesRead} page(s) and ` +
        `${units} read unit(s) read${counted}, and more remain.`,
      { entity, hint: `${resume}, or raise ${progress.limit}.` },
    );
    this.limit = progress.limit;
    this.max = progress.max;
    this.cursor = progress.cursor;
    this.pagesRead = progress.pagesRead;
    this.readUnits = progress.readUnits;
    this.readUnitsEstimated = progress.readUnitsEstimated;
    this.items = progress.items ?? [];
    this.count = progress.count;
  }
}

function round(units: number): number {
  return Math.round(units * 100) / 100;
}
