import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../errors';
import type { ItemKey } from '../keys';
import type { Page } from './types';

type Item = Record<string, AttributeValue>;

/** Pages of records (stored items, or whatever a source reads per entity), one request at a time. */
export interface PageSource<R = Item> {
  /** One request; `limit` is a hint (the source may ignore it, e.g. a filtered scan). */
  fetch(startKey: ItemKey | undefined, limit: number | undefined): Promise<{ items: R[]; lastKey?: ItemKey }>;
  /** The cursor that resumes right after `item`. */
  cursorAfter(item: R): string;
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
};

/**
 * An async iterable over the entities of a listing, fetched page by page as the loop asks for them.
 * With `limit`, one extra item is requested so that `cursor` is set exactly when more entities exist.
 * Iterating again starts over from the initial cursor.
 */
export class EntityIterable<T> implements AsyncIterable<T> {
  private lastYielded: unknown;
  private exhausted = false;

  private readonly source: PageSource<unknown>;
  private readonly decode: (record: unknown) => T;
  private readonly startKey: ItemKey | undefined;
  private readonly limit: number | undefined;

  constructor(source: PageSource, decode: (item: Item) => T, startKey: ItemKey | undefined, limit: number | undefined) {
    this.source = source as PageSource<unknown>;
    this.decode = decode as (record: unknown) => T;
    this.startKey = startKey;
    this.limit = limit;
  }

  /** Over a source of other records than stored items (e.g. index items paired with the entities read by key). */
  static over<T, R>(source: PageSource<R>, decode: (record: R) => T, startKey: ItemKey | undefined, limit: number | undefined): EntityIterable<T> {
    return new EntityIterable<T>(source as unknown as PageSource, decode as unknown as (item: Item) => T, startKey, limit);
  }

  /**
   * After (or during) iteration: the cursor that resumes after the last entity returned, also when the
   * loop was left early with `break`; undefined once the listing is known to be exhausted.
   */
  get cursor(): string | undefined {
    return this.exhausted || !this.lastYielded ? undefined : this.source.cursorAfter(this.lastYielded);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.lastYielded = undefined;
    this.exhausted = false;
    let remaining = this.limit ?? Infinity;
    let startKey = this.startKey;
    for (;;) {
      const page = await this.source.fetch(startKey, remaining === Infinity ? undefined : remaining + 1);
      for (const item of page.items) {
        if (remaining === 0) return; // the extra item proves there is more: keep the cursor
        const entity = this.decode(item);
        // Recorded before yielding: a `break` in the caller's loop ends the generator at the yield.
        this.lastYielded = item;
        remaining -= 1;
        yield entity;
      }
      // No LastEvaluatedKey: nothing more. At the limit with one: there may be more, keep the cursor.
      if (!page.lastKey) {
        this.exhausted = true;
        return;
      }
      if (remaining === 0) return;
      startKey = page.lastKey;
    }
  }

  /**
   * The first entity, or undefined when there is none. Without a filter it reads at most one item
   * (`Limit: 1`); with one, page by page until an item passes. Does not move `cursor`.
   */
  async first(): Promise<T | undefined> {
    let startKey = this.startKey;
    for (;;) {
      const page = await this.source.fetch(startKey, this.source.filtered ? undefined : 1);
      const [item] = page.items;
      if (item !== undefined) return this.decode(item);
      if (!page.lastKey) return undefined;
      startKey = page.lastKey;
    }
  }

  /**
   * Every entity (up to `limit`), with the same paging and `cursor` as iterating. A loop of its own
   * rather than `for await` over the generator: that costs a promise per entity, a measurable share
   * of a 25-item page.
   */
  async toArray(): Promise<T[]> {
    this.lastYielded = undefined;
    this.exhausted = false;
    const entities: T[] = [];
    let remaining = this.limit ?? Infinity;
    let startKey = this.startKey;
    for (;;) {
      const page = await this.source.fetch(startKey, remaining === Infinity ? undefined : remaining + 1);
      for (const item of page.items) {
        if (remaining === 0) return entities; // the extra item proves there is more: keep the cursor
        entities.push(this.decode(item));
        this.lastYielded = item;
        remaining -= 1;
      }
      if (!page.lastKey) {
        this.exhausted = true;
        return entities;
      }
      if (remaining === 0) return entities;
      startKey = page.lastKey;
    }
  }

  /** One page for an API handler: the items and the cursor of the next page. */
  async page(): Promise<Page<T>> {
    const items = await this.toArray();
    return { items, cursor: this.cursor };
  }
}

export function checkLimit(limit: unknown, entity: string): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`limit must be a positive integer, got ${String(limit)} (listing ${entity}).`, entity);
  }
  return limit;
}
