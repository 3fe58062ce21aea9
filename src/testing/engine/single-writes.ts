import type { DbModule, Item } from './dynalite-modules';
import { runAction, validated } from './actions';
import type { EngineRoute } from './server';

/**
 * `ReturnValuesOnConditionCheckFailure: ALL_OLD` on PutItem, UpdateItem and DeleteItem: a failed
 * condition answers with the item as it was when the condition was evaluated (inside dynalite's item
 * lock, so it is the item the condition failed on). dynalite drops the parameter; the engine runs the
 * same action with a marker its condition check reads.
 */

const RETURN_OLD = '_returnOldOnConditionFailure';
const PATCHED = Symbol.for('dynamo-single-table.engine.checkConditional');

/** Once per dynalite copy: the condition check attaches the stored item to its failure when asked. */
export function patchConditionCheck(db: DbModule): void {
  const holder = db as DbModule & { [PATCHED]?: true };
  if (holder[PATCHED]) return;
  const check = db.checkConditional;
  db.checkConditional = (data, existingItem) => {
    const failure = check(data, existingItem);
    if (failure && data[RETURN_OLD] === true && existingItem && failure.body) failure.body = { ...failure.body, Item: existingItem };
    return failure;
  };
  holder[PATCHED] = true;
}

/** Marks validated request data so that its failed condition returns the stored item. */
export function returningOldOnFailure(data: Item): Item {
  return { ...data, [RETURN_OLD]: true };
}

function singleWrite(action: string): EngineRoute {
  return {
    applies: (data) => data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD',
    action: async ({ modules, store }, data) => runAction(modules, action, store, returningOldOnFailure(validated(modules, action, data, store))),
  };
}

export const SINGLE_WRITE_ROUTES: ReadonlyArray<[string, EngineRoute]> = [
  ['PutItem', singleWrite('putItem')],
  ['UpdateItem', singleWrite('updateItem')],
  ['DeleteItem', singleWrite('deleteItem')],
];
