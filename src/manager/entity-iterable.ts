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
  private nextCursor: string | undefined;

  constructor(
    private readonly source: PageSource,
    private readonly decode: (item: Item) => T,
    private readonly startKey: ItemKey | undefined,
    private readonly limit: number | undefined,
  ) {}

  /** After iteration: the cursor to resume from, or undefined when the listing is exhausted. */
  get cursor(): string | undefined {
    return this.nextCursor;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    this.nextCursor = undefined;
    let remaining = this.limit ?? Infinity;
    let startKey = this.startKey;
    let last: Item | undefined;
    for (;;) {
      const page = await this.source.fetch(startKey, remaining === Infinity ? undefined : remaining + 1);
      for (const item of page.items) {
        if (remaining === 0) {
          this.nextCursor = this.source.cursorAfter(last as Item);
          return;
        }
        yield this.decode(item);
        last = item;
        remaining -= 1;
      }
      if (!page.lastKey) return;
      if (remaining === 0) {
        // The page ended exactly at the limit and the engine says there may be more.
        this.nextCursor = last ? this.source.cursorAfter(last) : undefined;
        return;
      }
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
    return { items, cursor: this.nextCursor };
  }
}

export function checkLimit(limit: unknown, entity: string): number | undefined {
  if (limit === undefined) return undefined;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`limit must be a positive integer, got ${String(limit)} (listing ${entity}).`, entity);
  }
  return limit;
}
