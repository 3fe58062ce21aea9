import type { EngineError, Item } from './dynalite-modules';
import { engineError } from './actions';
import type { EngineContext, EngineRoute } from './server';
import { keysByTable, readItem, updatedItem, withItemLocks, writeItem } from './transact-store';
import { transactItemsOf, validateGetMembers, validateWriteMembers, validationError } from './transact-validation';
import type { TransactDb, WriteMember } from './transact-validation';
import { readCapacity, writeCapacity } from './transact-capacity';

/**
 * TransactWriteItems and TransactGetItems, with DynamoDB's documented semantics: every member is
 * validated first (one error fails the request), then all items are locked, read, their conditions
 * evaluated, and either every write applies or none does (TransactionCanceledException with one
 * cancellation reason per member, in request order). ClientRequestToken makes a write idempotent
 * for 10 minutes after it succeeded.
 */

interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

const NONE: CancellationReason = { Code: 'None' };

function cancelled(reasons: CancellationReason[]): EngineError {
  const message = `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((reason) => reason.Code).join(', ')}]`;
  const error = engineError('TransactionCanceledException', message);
  // DynamoDB names the message `Message` here (the exception's modelled member), not `message`.
  error.body = { __type: error.body?.__type, Message: message, CancellationReasons: reasons };
  return error;
}

async function transactWriteItems(context: EngineContext, data: Item): Promise<Item> {
  const items = transactItemsOf(context, data);
  const token = clientRequestToken(context, data);
  if (token === undefined) return writeAll(context, data, items);
  const tokens = tokensOf(context);
  if (claimToken(tokens, token, stableJson(items)) === 'replay') return {};
  try {
    const answer = await writeAll(context, data, items);
    tokens.set(token, { ...(tokens.get(token) as TokenUse), settledAt: Date.now() });
    return answer;
  } catch (error) {
    // Only a request that succeeded holds its token: a failed one may be retried with it.
    tokens.delete(token);
    throw error;
  }
}

async function writeAll(context: EngineContext, data: Item, items: Item[]): Promise<Item> {
  const members = await validateWriteMembers(context, items);
  const { oldItems, newItems } = await withItemLocks(context.store, keysByTable(members), () => applyLocked(context, members));
  const capacity = writeCapacity(context.modules.db, data, members, oldItems, newItems);
  return capacity ? { ConsumedCapacity: capacity } : {};
}

interface Applied {
  oldItems: Array<Item | undefined>;
  newItems: Array<Item | undefined>;
}

/** Under the item locks: conditions, then the new items, then every write, or a cancellation. */
async function applyLocked(context: EngineContext, members: readonly WriteMember[]): Promise<Applied> {
  const { store, modules } = context;
  const oldItems = await Promise.all(members.map((member) => readItem(store, member.table.TableName, member.key)));
  const failed = members.map((member, index) => modules.db.checkConditional(member.data, oldItems[index]) != null);
  if (failed.some(Boolean)) {
    throw cancelled(members.map((member, index) => (failed[index] ? conditionFailed(member, oldItems[index]) : NONE)));
  }
  const outcomes = await Promise.all(members.map((member, index) => newItemOf(context, member, oldItems[index])));
  if (outcomes.some((outcome) => 'error' in outcome)) {
    throw cancelled(outcomes.map((outcome) => ('error' in outcome ? { Code: 'ValidationError', Message: outcome.error.message } : NONE)));
  }
  await Promise.all(
    members.map((member, index) => {
      const outcome = outcomes[index] as { item: Item | undefined };
      if (member.kind === 'ConditionCheck') return undefined;
      return writeItem(modules, store, member.table, member.key, oldItems[index], outcome.item);
    }),
  );
  return { oldItems, newItems: outcomes.map((outcome) => (outcome as { item: Item | undefined }).item) };
}

function conditionFailed(member: WriteMember, oldItem: Item | undefined): CancellationReason {
  const reason: CancellationReason = { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' };
  if (member.returnOldOnFailure && oldItem !== undefined) reason.Item = oldItem;
  return reason;
}

type Outcome = { item: Item | undefined } | { error: EngineError };

/** What a member leaves stored: Put its item, Delete nothing, Update what dynalite computes (or the update's error). */
async function newItemOf(context: EngineContext, member: WriteMember, oldItem: Item | undefined): Promise<Outcome> {
  if (member.kind === 'Put') return { item: member.data.Item as Item };
  if (member.kind !== 'Update') return { item: undefined };
  try {
    return { item: await updatedItem(context.modules, context.store, member.table, member.data, oldItem) };
  } catch (error) {
    const failure = error as EngineError;
    if (failure.statusCode === 400) return { error: failure };
    throw error;
  }
}

async function transactGetItems(context: EngineContext, data: Item): Promise<Item> {
  const members = await validateGetMembers(context, transactItemsOf(context, data));
  const { store } = context;
  // Locked while read: a transaction writing some of these items is seen entirely or not at all.
  const items = await withItemLocks(store, keysByTable(members), () =>
    Promise.all(members.map((member) => readItem(store, member.table.TableName, member.key))),
  );
  const db = context.modules.db as TransactDb;
  const responses = items.map((item, index) => {
    if (item === undefined) return {};
    const paths = (members[index].data._projection as Item | undefined)?.paths;
    return { Item: paths ? db.mapPaths(paths, item) : item };
  });
  const capacity = readCapacity(context.modules.db, data, members.map((member) => member.table.TableName), items);
  return capacity ? { Responses: responses, ConsumedCapacity: capacity } : { Responses: responses };
}

// ClientRequestToken idempotency.

const TOKENS_STATE = 'transactions.clientRequestTokens';
const TOKEN_LIFETIME_MS = 10 * 60 * 1000;

interface TokenUse {
  readonly request: string;
  /** When the request succeeded; undefined while it runs. */
  readonly settledAt?: number;
}

function clientRequestToken(context: EngineContext, data: Item): string | undefined {
  const token = data.ClientRequestToken;
  if (token == null) return undefined;
  if (typeof token !== 'string' || token.length < 1 || token.length > 36) {
    throw validationError(context, `1 validation error detected: Value '${String(token)}' at 'clientRequestToken' failed to satisfy constraint: Member must have length less than or equal to 36`);
  }
  return token;
}

function tokensOf(context: EngineContext): Map<string, TokenUse> {
  let tokens = context.state.get(TOKENS_STATE) as Map<string, TokenUse> | undefined;
  if (tokens === undefined) context.state.set(TOKENS_STATE, (tokens = new Map()));
  const expired = Date.now() - TOKEN_LIFETIME_MS;
  for (const [token, use] of tokens) if (use.settledAt !== undefined && use.settledAt < expired) tokens.delete(token);
  return tokens;
}

/** 'replay' when the same request already succeeded with this token; throws when the token is taken otherwise. */
function claimToken(tokens: Map<string, TokenUse>, token: string, request: string): 'replay' | 'claimed' {
  const use = tokens.get(token);
  if (use === undefined) {
    tokens.set(token, { request });
    return 'claimed';
  }
  if (use.request !== request) {
    throw engineError(
      'IdempotentParameterMismatchException',
      'Request parameters do not match the parameters of the original request made with the same ClientRequestToken',
    );
  }
  if (use.settledAt === undefined) throw engineError('TransactionInProgressException', 'Transaction from previous request is still in progress');
  return 'replay';
}

/** JSON with object keys sorted: two requests equal in content compare equal whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${stableJson((value as Item)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export const TRANSACTION_ROUTES: ReadonlyArray<[string, EngineRoute]> = [
  ['TransactWriteItems', { action: transactWriteItems }],
  ['TransactGetItems', { action: transactGetItems }],
];
