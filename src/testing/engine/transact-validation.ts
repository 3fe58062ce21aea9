import type { DbModule, EngineError, Item, TableDescription } from './dynalite-modules';
import { getTable, validated } from './actions';
import type { EngineContext } from './server';

/**
 * Validation of TransactWriteItems and TransactGetItems: each member is validated as the dynalite
 * operation of the same shape (Put as putItem, Update as updateItem, Delete and ConditionCheck as
 * deleteItem, Get as getItem), so its types are checked and its expressions parsed exactly as dynalite
 * does for single-item requests. Any error fails the whole request before anything is read or written.
 */

export const MAX_TRANSACTION_ITEMS = 100;

const WRITE_OPERATIONS = { Put: 'putItem', Update: 'updateItem', Delete: 'deleteItem', ConditionCheck: 'deleteItem' } as const;
export type WriteKind = keyof typeof WRITE_OPERATIONS;

/** One member of a transaction, validated against its table. */
export interface TransactMember {
  readonly table: TableDescription;
  /** dynalite's storage key of the item (unique within its table). */
  readonly key: string;
  /** The validated request data of the matching dynalite operation, expressions parsed (`_condition`, `_updates`, `_projection`). */
  readonly data: Item;
}

export interface WriteMember extends TransactMember {
  readonly kind: WriteKind;
  /** `ReturnValuesOnConditionCheckFailure: ALL_OLD`: a failed condition reports the stored item. */
  readonly returnOldOnFailure: boolean;
}

/** dynalite's db functions the transactions use beyond those every engine action uses. */
export type TransactDb = DbModule & {
  validateKeyPaths(nestedPaths: unknown, table: TableDescription): EngineError | null | undefined;
  mapPaths(paths: unknown, item: Item): Item;
};

export function validationError(context: EngineContext, message: string): EngineError {
  return context.modules.db.validationError(message);
}

/** `TransactItems` present and holding 1 to 100 members, as DynamoDB's request validation words it. */
export function transactItemsOf(context: EngineContext, data: Item): Item[] {
  const items = data.TransactItems;
  const constraint = (rule: string, value: string) =>
    validationError(context, `1 validation error detected: Value ${value} at 'transactItems' failed to satisfy constraint: Member must ${rule}`);
  if (items == null) throw constraint('not be null', 'null');
  if (!Array.isArray(items)) throw constraint('be a list', `'${String(items)}'`);
  if (items.length < 1) throw constraint('have length greater than or equal to 1', "'[]'");
  if (items.length > MAX_TRANSACTION_ITEMS) {
    throw constraint(`have length less than or equal to ${MAX_TRANSACTION_ITEMS}`, `'[${items.length} items]'`);
  }
  return items as Item[];
}

/** Validates every member of a TransactWriteItems request, in order; then refuses two members on one item. */
export async function validateWriteMembers(context: EngineContext, items: Item[]): Promise<WriteMember[]> {
  const tables = tableCache(context);
  const members: WriteMember[] = [];
  for (const item of items) members.push(await validateWriteMember(context, item, tables));
  refuseDuplicates(context, members);
  return members;
}

async function validateWriteMember(context: EngineContext, member: Item, tables: TableCache): Promise<WriteMember> {
  const [kind, request] = writeOperationOf(context, member);
  const returnValues = request.ReturnValuesOnConditionCheckFailure;
  if (returnValues != null && returnValues !== 'ALL_OLD' && returnValues !== 'NONE') {
    throw validationError(context, `1 validation error detected: Value '${String(returnValues)}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`);
  }
  const required = kind === 'ConditionCheck' ? 'ConditionExpression' : kind === 'Update' ? 'UpdateExpression' : undefined;
  if (required !== undefined && request[required] == null) {
    throw validationError(context, `1 validation error detected: Value null at '${lowerFirst(required)}' failed to satisfy constraint: Member must not be null`);
  }
  const data = validated(context.modules, WRITE_OPERATIONS[kind], { ...request }, context.store);
  const table = await tables(data.TableName as string);
  const { db } = context.modules;
  const invalid = kind === 'Put' ? db.validateItem(data.Item as Item, table) : db.validateKey(data.Key as Item, table);
  if (invalid) throw invalid;
  if (kind === 'Update') {
    const invalidUpdate = db.validateUpdates(data.AttributeUpdates, data._updates, table);
    if (invalidUpdate) throw invalidUpdate;
  }
  const key = db.createKey((kind === 'Put' ? data.Item : data.Key) as Item, table);
  return { kind, table, key, data, returnOldOnFailure: returnValues === 'ALL_OLD' };
}

function writeOperationOf(context: EngineContext, member: Item): [WriteKind, Item] {
  const present = Object.entries(member ?? {}).filter(([, value]) => value != null);
  const [name, request] = present[0] ?? [];
  if (present.length !== 1 || name === undefined || !(name in WRITE_OPERATIONS) || typeof request !== 'object') {
    throw validationError(context, 'TransactItems can only contain one of Check, Put, Update or Delete');
  }
  return [name as WriteKind, request as Item];
}

/** Validates every member of a TransactGetItems request (each a `Get`), in order. */
export async function validateGetMembers(context: EngineContext, items: Item[]): Promise<TransactMember[]> {
  const tables = tableCache(context);
  const db = context.modules.db as TransactDb;
  const members: TransactMember[] = [];
  for (const [index, item] of items.entries()) {
    const request = item?.Get;
    if (request == null || typeof request !== 'object') {
      throw validationError(context, `1 validation error detected: Value null at 'transactItems.${index + 1}.member.get' failed to satisfy constraint: Member must not be null`);
    }
    const data = validated(context.modules, 'getItem', { ...(request as Item) }, context.store);
    const table = await tables(data.TableName as string);
    const invalid = db.validateKey(data.Key as Item, table) ?? db.validateKeyPaths((data._projection as Item | undefined)?.nestedPaths, table);
    if (invalid) throw invalid;
    members.push({ table, key: db.createKey(data.Key as Item, table), data });
  }
  refuseDuplicates(context, members);
  return members;
}

/** DynamoDB refuses a transaction naming one item twice (same table and key), whatever the operations. */
function refuseDuplicates(context: EngineContext, members: readonly TransactMember[]): void {
  const seen = new Set<string>();
  for (const { table, key } of members) {
    const id = `${table.TableName}\u0000${key}`;
    if (seen.has(id)) throw validationError(context, 'Transaction request cannot include multiple operations on one item');
    seen.add(id);
  }
}

type TableCache = (name: string) => Promise<TableDescription>;

/** One table read per table name and request: 100 members of one table describe it once. */
function tableCache(context: EngineContext): TableCache {
  const tables = new Map<string, Promise<TableDescription>>();
  return (name) => {
    let table = tables.get(name);
    if (table === undefined) tables.set(name, (table = getTable(context.store, name)));
    return table;
  };
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
