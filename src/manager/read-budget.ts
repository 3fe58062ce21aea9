import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { estimatedUnits, reportedUnits } from '../client/capacity-estimate';
import { withCapacity } from '../client/executor';
import { InvalidArgumentError, ReadLimitExceededError } from '../errors';
import type { ReadLimit } from '../errors';
import type { ReadLimits } from './types';

type Item = Record<string, AttributeValue>;

/** What one page cost in read units: as DynamoDB reported it, or computed from item sizes. */
export interface PageUnits {
  readUnits: number;
  estimated: boolean;
}

/**
 * The read units of a Query or Scan: its `ConsumedCapacity`, or, from an engine that reports none,
 * the size of the items it returned by DynamoDB's billing rules (a lower bound when a filter dropped
 * items, which were read and billed too, or for `Select: COUNT`, which returns none).
 */
export function pageReadUnits(operation: 'Query' | 'Scan', input: object, output: object): PageUnits {
  const reported = reportedUnits(operation, output as Record<string, unknown>);
  if (reported !== undefined) return { readUnits: reported.readUnits, estimated: false };
  return { readUnits: estimatedUnits(operation, input as Record<string, unknown>, output as Record<string, unknown>).readUnits, estimated: true };
}

/**
 * The consistent BatchGetItem that read a keys-only page's entities, which found `found` of `keys`:
 * always estimated, since its answer stays in the batch machinery.
 */
export function keyReadUnits(keys: readonly Item[], found: readonly Item[]): PageUnits {
  const request = { RequestItems: { table: { Keys: keys, ConsistentRead: true } } };
  return { readUnits: estimatedUnits('BatchGetItem', request, { Responses: { table: found } }).readUnits, estimated: true };
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

/** The request with `ReturnConsumedCapacity: 'TOTAL'` when it is measured, by the executor's one rule (see withCapacity). */
export function measuredInput<I extends object>(input: I, measure: boolean): I {
  return measure ? withCapacity(input, 'TOTAL') : input;
}
