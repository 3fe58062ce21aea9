import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError, ReadLimitExceededError } from '../errors';
import type { ReadLimit } from '../errors';
import { itemSize } from '../marshalling/item-size';
import type { ReadLimits } from './types';

type Item = Record<string, AttributeValue>;

/** What one page cost in read units: as DynamoDB reported it, or computed from item sizes. */
export interface PageUnits {
  readUnits: number;
  estimated: boolean;
}

/** DynamoDB bills reads per 4 KB, rounded up per request (per item for a BatchGetItem). */
const READ_UNIT_BYTES = 4096;

const unitsOfBytes = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5);

/**
 * The read units of a Query or Scan answer: its `ConsumedCapacity`, or, from an engine that reports
 * none, the size of the items it returned by DynamoDB's rules (a lower bound when a filter dropped
 * items, which were read and billed too, or for `Select: COUNT`, which returns none).
 */
export function pageReadUnits(output: { ConsumedCapacity?: ConsumedCapacity; Items?: Item[] }, consistent: boolean): PageUnits {
  const reported = output.ConsumedCapacity?.CapacityUnits;
  if (reported !== undefined) return { readUnits: reported, estimated: false };
  let bytes = 0;
  for (const item of output.Items ?? []) bytes += itemSize(item);
  return { readUnits: unitsOfBytes(bytes, consistent), estimated: true };
}

/** A consistent BatchGetItem of `keys` keys that found `found`: each item rounded up on its own, a miss one unit. */
export function keyReadUnits(keys: number, found: readonly Item[]): PageUnits {
  let readUnits = Math.max(0, keys - found.length);
  for (const item of found) readUnits += unitsOfBytes(itemSize(item), true);
  return { readUnits, estimated: true };
}

/** `maxPages` and `maxReadUnits` as given: checked before any request (a JSON body may send anything). */
export function checkReadLimits(options: ReadLimits, entity: string): ReadLimits {
  const { maxPages, maxReadUnits } = options;
  if (maxPages !== undefined && (typeof maxPages !== 'number' || !Number.isInteger(maxPages) || maxPages < 1)) {
    throw new InvalidArgumentError(`maxPages must be a positive integer, got ${String(maxPages)} (listing ${entity}).`, entity);
  }
  if (maxReadUnits !== undefined && (typeof maxReadUnits !== 'number' || !Number.isFinite(maxReadUnits) || maxReadUnits <= 0)) {
    throw new InvalidArgumentError(`maxReadUnits must be a positive number, got ${String(maxReadUnits)} (listing ${entity}).`, entity);
  }
  return { maxPages, maxReadUnits };
}

/**
 * What one run of a listing or count has read, against its bounds. `check()` goes before each
 * request: a page is read only while the pages and units read so far are below the bounds.
 */
export class ReadBudget {
  pagesRead = 0;
  readUnits = 0;
  estimated = false;

  constructor(
    private readonly limits: ReadLimits,
    private readonly entity: string,
    private readonly operation: string,
  ) {}

  add(units: PageUnits | undefined): void {
    this.pagesRead += 1;
    if (units === undefined) return;
    this.readUnits += units.readUnits;
    this.estimated ||= units.estimated;
  }

  /**
   * Throws `ReadLimitExceededError` when the next page is past a bound. `resume` gives the cursor
   * (and the entities or count so far) only then: encoding a cursor per page would cost for nothing.
   */
  check<T>(resume: () => { cursor: string; items?: readonly T[]; count?: number }): void {
    const limit = this.exceeded();
    if (limit === undefined) return;
    const { pagesRead, readUnits, estimated } = this;
    const max = this.limits[limit] as number;
    throw new ReadLimitExceededError<T>(this.entity, { operation: this.operation, limit, max, pagesRead, readUnits, readUnitsEstimated: estimated, ...resume() });
  }

  private exceeded(): ReadLimit | undefined {
    const { maxPages, maxReadUnits } = this.limits;
    if (maxPages !== undefined && this.pagesRead >= maxPages) return 'maxPages';
    if (maxReadUnits !== undefined && this.readUnits >= maxReadUnits) return 'maxReadUnits';
    return undefined;
  }
}

/** Both parts of a page's cost (an index Query and the BatchGetItem of its keys). */
export function sumUnits(a: PageUnits, b: PageUnits): PageUnits {
  return { readUnits: a.readUnits + b.readUnits, estimated: a.estimated || b.estimated };
}

/** Whether a listing is bounded: its requests then ask for their consumed capacity, and its pages are measured. */
export function isBounded(limits: ReadLimits): boolean {
  return limits.maxPages !== undefined || limits.maxReadUnits !== undefined;
}

/** The request with `ReturnConsumedCapacity: 'TOTAL'` when it is measured (an executor asking for more keeps its own). */
export function measuredInput<I extends object>(input: I, measure: boolean): I {
  return measure ? { ...input, ReturnConsumedCapacity: 'TOTAL' } : input;
}
