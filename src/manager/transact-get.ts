import { InvalidArgumentError, UnsupportedByEngineError } from '../errors';
import type { EntityMapper } from '../marshalling/entity-mapper';
import { mapperOfTarget } from './entity-target';
import type { EntityTarget, ScopedTarget } from './entity-target';
import type { Constructor } from '../metadata/types';
import type { RepositoryContext } from './context';
import { TRANSACTION_LIMIT, isUnknownOperation } from '../runners/transaction-runner';

/** `[User, 'john']`: an entity class (or a child type's scoped repository) and a str id. */
export type EntityRef<T extends object = object> = readonly [EntityTarget<T>, string];

/** The entities of a list of refs, in order; `undefined` where none exists. */
export type LoadedRefs<R extends readonly EntityRef[]> = {
  -readonly [K in keyof R]: R[K] extends readonly [Constructor<infer T>, string]
    ? T | undefined
    : R[K] extends readonly [ScopedTarget<infer T>, string]
      ? T | undefined
      : never;
};

export async function transactGetEntities(context: RepositoryContext, refs: readonly EntityRef[]): Promise<unknown[]> {
  if (refs.length > TRANSACTION_LIMIT) {
    throw new InvalidArgumentError(`transactGet() reads at most ${TRANSACTION_LIMIT} entities at once (DynamoDB's limit), got ${refs.length}.`);
  }
  const mappers = refs.map(([target]) => mapperOfTarget(target));
  const keys = refs.map(([, strId], i) => (mappers[i] as EntityMapper<object>).keyOf(strId));
  const distinct = new Set(keys.map((key) => JSON.stringify(key)));
  if (distinct.size !== keys.length) {
    throw new InvalidArgumentError('transactGet() may read each entity once.', undefined, { hint: 'Remove the duplicate refs.' });
  }
  if (refs.length === 0) return [];
  const TransactItems = keys.map((Key) => ({ Get: { TableName: context.tableName, Key } }));
  try {
    const output = await context.executor.send('TransactGetItems', { TransactItems });
    return (output.Responses ?? []).map((response, i) => (response.Item ? (mappers[i] as EntityMapper<object>).fromItem(response.Item) : undefined));
  } catch (error) {
    if (isUnknownOperation(error)) throw new UnsupportedByEngineError('transactions', 'TransactGetItems', error);
    throw error;
  }
}
