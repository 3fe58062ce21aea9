import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../errors';
import type { ItemKey } from '../keys';
import { ReadBudget } from './read-budget';
import type { PageUnits } from './read-budget';
import type { Page, ReadLimits } from './types';

type Item = Record<string, AttributeValue>;

/** One request's records, where the next one starts, and (when measured) what it cost. */
export interface SourcePage<R> {
  items: R[];
  lastKey?: ItemKey;
  units?: PageUnits;
}

/** Pages of records (stored items, or whatever a source reads per entity), one request at a time. */
export interface PageSource<R = Item> {
  /** One request; `limit` is its `Limit` (items read, before any filter). */
  fetch(startKey: ItemKey | undefined, limit: number | undefined): Promise<SourcePage<R>>;
  /** The cursor that resumes right after `item`. */
  cursorAfter(item: R): string;
  /**
   * The cursor that resumes after a page's LastEvaluatedKey: every record up to it was delivered or
   * dropped by the filter, so a listing stopped between pages resumes there without reading them again.
   */
  cursorAt(key: ItemKey): string;
  /**
   * A filter drops items after the read: `Limit` then bounds the items read, not those returned, so
   * `first()` reads whole pages instead of one item at a time.
   */
  readonly filtered?: boolean;
}

/** A listing that is known to be empty without asking (e.g. `between` with its bounds reversed). */
export const EMPTY_SOURCE: PageSource<never> = {
  fetch: () => Promise.resolve({ items: [] }),
  cursorAfter: () => '',
  cursorAt: () => '',
};

/** The bounds of a listing, and the names its `ReadLimitExceededError` gives. */
export interface ListingBounds {
  limits: ReadLimits;
  entity: string;
  /** e.g. `query()`. */
  operation: string;
}

/** One iteration: what is left to deliver, where the next request starts, and what was read. */
interface Run<R> {
  remaining: number;
  startKey: ItemKey | undefined;
  /** Where a cursor resumes: after the last record delivered, or after a page read to its end. */
  after: { record: R } | { key: ItemKey } | undefined;
  exhausted: boolean;
  budget: ReadBudget;
}

/**
 * An async iterable over the entities of a listing, fetched page by page as the loop asks for them.
 * With `limit`, one extra item is requested so that `cursor` is set exactly when more entities exist
 * (where a filter drops items after the read, a page may end at the limit without showing whether
 * more pass it: the cursor is then kept, and the next page may be empty). With `maxPages` /
 * `maxReadUnits`, a page past them is not read: `ReadLimitExceededError` carries the cursor instead.
 * Iterating again starts over from the initial cursor.
 */
export class EntityIterable<T> implements AsyncIterable<T> {
  private run: Run<unknown> | undefined;

  private readonly source: PageSource<unknown>;
  private readonly decode: (record: unknown) => T;
  private readonly startKey: ItemKey | undefined;
  private readonly limit: number | undefined;
  private readonly bounds: ListingBounds;

  constructor(source: PageSource, decode: (item: Item) => T, startKey: ItemKey | undefined, limit: number | undefined, bounds?: ListingBounds) {
    this.source = source as PageSource<unknown>;
    this.decode = decode as (record: unknown) => T;
    this.startKey = startKey;
    this.limit = limit;
    this.bounds = bounds ?? { limits: {}, entity: '', operation: '' };
  }

  /** Over a source of other records than stored items (e.g. index items paired with the entities read by key). */
  static over<T, R>(source: PageSource<R>, decode: (record: R) => T, startKey: ItemKey | undefined, limit: number | undefined, bounds?: ListingBounds): EntityIterable<T> {
    return new EntityIterable<T>(source as unknown as PageSource, decode as unknown as (item: Item) => T, startKey, limit, bounds);
  }

  /**
   * After (or during) iteration: the cursor that resumes after the last entity returned, also when the
   * loop was left early with `break`; undefined once the listing is known to be exhausted.
   */
  get cursor(): string | undefined {
    const run = this.run;
    return run === undefined || run.exhausted ? undefined : this.cursorOf(run);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    const run = this.start();
    for await (const records of this.pages(run, () => [])) {
      for (const record of records) {
        const entity = this.decode(record);
        // Recorded before yielding: a `break` in the caller's loop ends the generator at the yield.
        run.after = { record };
        run.remaining -= 1;
        yield entity;
      }
    }
  }

  /**
   * The first entity, or undefined when there is none. Without a filter it reads at most one item
   * (`Limit: 1`); with one, page by page until an item passes. Does not move `cursor`.
   */
  async first(): Promise<T | undefined> {
    const run = this.newRun();
    for (;;) {
      run.budget.check(() => ({ cursor: this.cursorOf(run) as string }));
      const page = await this.source.fetch(run.startKey, this.source.filtered ? undefined : 1);
      run.budget.add(page.units);
      const [item] = page.items;
      if (item !== undefined) return this.decode(item);
      if (!page.lastKey) return undefined;
      run.after = { key: page.lastKey };
      run.startKey = page.lastKey;
    }
  }

  /**
   * Every entity (up to `limit`), with the same paging and `cursor` as iterating. A loop of its own
   * over pages rather than `for await` over the entities: that costs a promise per entity, a
   * measurable share of a 25-item page.
   */
  async toArray(): Promise<T[]> {
    const run = this.start();
    const entities: T[] = [];
    for await (const records of this.pages(run, () => entities)) {
      for (const record of records) {
        entities.push(this.decode(record));
        run.after = { record };
        run.remaining -= 1;
      }
    }
    return entities;
  }

  /** One page for an API handler: the items and the cursor of the next page. */
  async page(): Promise<Page<T>> {
    const items = await this.toArray();
    return { items, cursor: this.cursor };
  }

  private start(): Run<unknown> {
    this.run = this.newRun();
    return this.run;
  }

  private newRun(): Run<unknown> {
    const { limits, entity, operation } = this.bounds;
    return { remaining: this.limit ?? Infinity, startKey: this.startKey, after: undefined, exhausted: false, budget: new ReadBudget(limits, entity, operation) };
  }

  /**
   * The records to deliver, a page at a time; the caller delivers each page before asking for the
   * next (and counts `remaining` down). `delivered`: the entities a `ReadLimitExceededError` carries.
   */
  private async *pages(run: Run<unknown>, delivered: () => readonly T[]): AsyncGenerator<unknown[]> {
    for (;;) {
      run.budget.check(() => ({ cursor: this.cursorOf(run) as string, items: delivered() }));
      // `Limit`: one more than the entities still wanted (a Scan's counts the items of every type read).
      const page = await this.source.fetch(run.startKey, run.remaining === Infinity ? undefined : run.remaining + 1);
      run.budget.add(page.units);
      const extra = page.items.length > run.remaining;
      yield extra ? page.items.slice(0, run.remaining) : page.items;
      // The extra item proves there is more: the cursor stays after the last entity delivered.
      if (extra) return;
      if (!page.lastKey) {
        run.exhausted = true;
        return;
      }
      // Every record of the page was delivered or dropped by the filter: resume after the page.
      run.after = { key: page.lastKey };
      // At the limit with a LastEvaluatedKey: there may be more, keep the cursor.
      if (run.remaining === 0) return;
      run.startKey = page.lastKey;
    }
  }

  /** Undefined before anything was read; a stop between pages resumes after the last page's key. */
  private cursorOf(run: Run<unknown>): string | undefined {
    const { after } = run;
    if (after === undefined) return run.startKey && this.source.cursorAt(run.startKey);
    return 'record' in after ? this.source.cursorAfter(after.record) : this.source.cursorAt(after.key);
  }
}

export function checkLimit(limit: unknown, entity: string): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`limit must be a positive integer, got ${String(limit)} (listing ${entity}).`, entity);
  }
  return limit;
}
