import type { DynaliteModules, DynaliteStore, EngineError, Item, TableDescription } from './dynalite-modules';

/** Shared helpers of the engine's actions: dynalite's validation, its actions and table reads as promises. */

/** Validates and normalizes a request as dynalite validates that operation (types, then its checks). */
export function validated(modules: DynaliteModules, action: string, data: Item, store: DynaliteStore): Item {
  const { types, custom } = modules.validationOf(action);
  const checked = modules.validations.checkTypes(data, types);
  modules.validations.checkValidations(checked, types, custom, store);
  return checked;
}

/** Runs one of dynalite's actions on validated data. */
export function runAction(modules: DynaliteModules, action: string, store: DynaliteStore, data: Item): Promise<Item> {
  return new Promise((resolve, reject) => modules.actionOf(action)(store, data, (error, result) => (error ? reject(error) : resolve(result ?? {}))));
}

export function getTable(store: DynaliteStore, name: string, checkStatus = true): Promise<TableDescription> {
  return new Promise((resolve, reject) => store.getTable(name, checkStatus, (error, table) => (error ? reject(error) : resolve(table as TableDescription))));
}

/** A DynamoDB error answer: `name` as in `com.amazonaws.dynamodb.v20120810#<name>`. */
export function engineError(name: string, message: string, extra: Record<string, unknown> = {}): EngineError {
  const error = new Error(message) as EngineError;
  error.statusCode = 400;
  const service = name === 'ValidationException' ? 'com.amazon.coral.validate' : 'com.amazonaws.dynamodb.v20120810';
  error.body = { __type: `${service}#${name}`, message, ...extra };
  return error;
}
