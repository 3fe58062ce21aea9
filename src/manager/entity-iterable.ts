import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../errors';
import type { ItemKey } from '../keys';
import type { Page } from './types';

type Item = Record<string, AttributeValue>;

export interface PageSource {
  /** One request; `limit` is a hint (the source may ignore it, e.g. a filtered scan). */
  fetch(startKey: ItemKey | undefined, limit: number | undefined): Promise<{ items: Item[]; lastKey?: ItemKey }>;
  /** The cursor that resumes right after `item`. */
  cursorAfter(item: Item): string;
}

/**
 * An async iterable over the entities of a listing, fetched page by page as the loop asks for them.
 * With `limit`, one extra item is requested so that `cursor` is set exactly when more entities exist.
 * Iterating again starts over from the initial cursor.
 */
export class EntityIterable<T> implements AsyncIterable<T> {
  private lastYielded: Item | undefined;
  private exhausted = false;

  constructor(
    private readonly source: PageSource,
    private readonly decode: (item: Item) => T,
    private readonly startKey: ItemKey | undefined,
    private readonly limit: number | undefined,
  ) {}

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

  async toArray(): Promise<T[]> {
    const items: T[] = [];
    for await (const entity of this) items.push(entity);
    return items;
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
