import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { bodyText, ok, serviceError } from './canned-http';
import type { CannedHttpHandler, CannedResponse, Responder } from './canned-http';
import type { Contender, Operation } from './contenders/types';
import { ARTICLE_COUNT, articleData, COMMENT_COUNT, commentData, POST, userData } from './fixture';

type Item = Record<string, AttributeValue>;

/** Items in a contender's own layout, captured from the PutItem requests of its own `create`. */
export interface Samples {
  /** The stored item of SUBJECT (userData(0)). */
  readonly subject: Item;
  /** Distinct users, SUBJECT first. */
  readonly items: readonly Item[];
  /** The articles of one author (ARTICLE_COUNT), as the library stores them: the answer to the index query. */
  readonly articles: readonly Item[];
  /** The post and its COMMENT_COUNT comments in sort-key order, as one partition answers a Query; empty without getWith. */
  readonly collection: readonly Item[];
}

/** Lets the library write `count` users and keeps the items it sent: whatever it reads back is its own format. */
export async function captureSamples(handler: CannedHttpHandler, contender: Contender, count: number): Promise<Samples> {
  const items = await capturePuts(handler, contender.name, count, (i) => contender.create(userData(i)));
  const articles = await capturePuts(handler, contender.name, ARTICLE_COUNT, (i) => contender.createArticle(articleData(i)));
  const { collection } = contender;
  const thread = collection
    ? await capturePuts(handler, contender.name, COMMENT_COUNT + 1, (i) => (i === 0 ? collection.createPost(POST) : collection.createComment(commentData(i - 1))))
    : [];
  return { subject: items[0] as Item, items, articles, collection: thread.sort((a, b) => compareStrings(sortKeyOf(a), sortKeyOf(b))) };
}

/** The sort key of a captured item, whichever name the library gives it. */
function sortKeyOf(item: Item): string {
  return (item.SK ?? item.sk)?.S ?? '';
}

/** DynamoDB's order of string keys, UTF-8 bytes (the same as code units for these ASCII keys). */
function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Runs `create` `count` times against the canned handler and returns the items of its PutItem requests. */
export async function capturePuts(handler: CannedHttpHandler, name: string, count: number, create: (i: number) => Promise<unknown>): Promise<Item[]> {
  const items: Item[] = [];
  handler.responder = (operation, request) => {
    if (operation !== 'PutItem') throw new Error(`${name}: create sent ${operation}, expected PutItem`);
    items.push((JSON.parse(bodyText(request)) as { Item: Item }).Item);
    return EMPTY;
  };
  for (let i = 0; i < count; i += 1) await create(i);
  if (items.length !== count) throw new Error(`${name}: captured ${items.length} items for ${count} creates`);
  return items;
}

const EMPTY = ok({});
const UPDATED_ATTRIBUTES = ['email', 'age', 'version'];

function unexpected(operation: string, scenario: string): never {
  throw new Error(`Unexpected ${operation} in the "${scenario}" scenario`);
}

/** UpdateItem answers as DynamoDB would for the ReturnValues the library asked for. */
function updateResponder(subject: Item): Responder {
  const allAttributes = ok({ Attributes: subject });
  const updated = ok({ Attributes: Object.fromEntries(UPDATED_ATTRIBUTES.map((name) => [name, subject[name]])) });
  return (operation, request) => {
    if (operation === 'PutItem') return EMPTY; // dynamo-single-table's save(): a full, guarded PutItem
    if (operation !== 'UpdateItem') unexpected(operation, 'update');
    const body = bodyText(request);
    if (body.includes('"ReturnValues":"ALL_')) return allAttributes;
    if (body.includes('"ReturnValues":"UPDATED_')) return updated;
    return EMPTY;
  };
}

/** The canned DynamoDB behaviour of each measured operation, in the contender's own item layout. */
export function responderFor(operation: Operation, samples: Samples): Responder {
  const found = ok({ Item: samples.subject });
  switch (operation) {
    case 'get':
      return (op) => (op === 'GetItem' ? found : unexpected(op, operation));
    case 'create':
      return (op) => (op === 'PutItem' ? EMPTY : unexpected(op, operation));
    case 'update':
      return updateResponder(samples.subject);
    case 'query': {
      const page = queryPage(samples.items.slice(0, 25));
      return (op) => (op === 'Query' ? page : unexpected(op, operation));
    }
    case 'indexQuery': {
      const page = queryPage(samples.articles);
      return (op) => (op === 'Query' ? page : unexpected(op, operation));
    }
    case 'getWith': {
      const page = queryPage(samples.collection);
      return (op) => (op === 'Query' ? page : unexpected(op, operation));
    }
    case 'getOrCreate': {
      // The key exists: a conditional put fails and carries the stored item (ALL_OLD), as DynamoDB does.
      const taken = serviceError('ConditionalCheckFailedException', { Item: samples.subject });
      return (op) => (op === 'PutItem' ? taken : op === 'GetItem' ? found : unexpected(op, operation));
    }
  }
}

export function queryPage(items: readonly Item[], lastKey?: Item): CannedResponse {
  return ok({ Items: items, Count: items.length, ScannedCount: items.length, ...(lastKey ? { LastEvaluatedKey: lastKey } : {}) });
}

/** A listing of `pages` full pages of the sample items, the last one without LastEvaluatedKey. */
export function pagedListing(samples: Samples, pageKey: readonly string[], pages: number): { responder: Responder; reset(): void } {
  const last = samples.items[samples.items.length - 1] as Item;
  const lastKey = Object.fromEntries(pageKey.map((name) => [name, last[name]]));
  const middle = queryPage(samples.items, lastKey);
  const final = queryPage(samples.items);
  let served = 0;
  return {
    responder: (op) => {
      if (op !== 'Query') unexpected(op, 'list all');
      served += 1;
      return served < pages ? middle : final;
    },
    reset: () => {
      served = 0;
    },
  };
}
