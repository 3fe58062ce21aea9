import { CallMeter, currentMeter, meteredCall, meteredStep } from '../client/cost';
import type { CostReporting } from '../client/cost';
import type { EntityIterable } from './entity-iterable';
import type { Repository } from './repository';

/**
 * Cost reporting per API call, applied only when an EntityManager has cost hooks: each public method of
 * a repository becomes a metered call (its own properties shadow the prototype's), so nothing of this
 * runs, and no async context is tracked, without hooks.
 */

/** The repository methods that send requests and settle once. Listings are metered as iterables. */
export const METERED_REPOSITORY_METHODS = [
  'getOrCreate', 'create', 'save', 'delete', 'deleteByStr', 'reload', 'findByStr', 'getByStr', 'getWith',
  'findByUid', 'getByUid', 'rename', 'findByUnique', 'claimUniques', 'getByUnique', 'count', 'update',
  'increment', 'getMany', 'saveMany', 'deleteMany',
] as const;

export const METERED_LISTING_METHODS = ['query', 'scan'] as const;

type AnyMethod = (...args: unknown[]) => unknown;

/** Makes every request-sending method of `repository` (and of the scopes `of()` returns) a metered call. */
export function meterRepository<T extends object>(repository: Repository<T>, reporting: CostReporting): Repository<T> {
  const entity = repository.metadata.className;
  meterMethods(repository, METERED_REPOSITORY_METHODS, reporting, entity);
  const methods = repository as unknown as Record<string, AnyMethod>;
  for (const name of METERED_LISTING_METHODS) {
    const original = methods[name];
    methods[name] = (...args) => meterIterable(original.apply(repository, args) as EntityIterable<T>, reporting, name, entity);
  }
  const of = repository.of.bind(repository);
  repository.of = (parent) => meterRepository(of(parent), reporting);
  return repository;
}

/** Replaces each named method of `target` (its own property now shadows the prototype's) with a metered call of it. */
function meterMethods(target: object, names: readonly string[], reporting: CostReporting, entity: string, call?: string): void {
  const methods = target as Record<string, AnyMethod>;
  for (const name of names) {
    const original = methods[name];
    const callName = call ?? name;
    methods[name] = (...args) => meteredCall(reporting, callName, entity, () => original.apply(target, args) as Promise<unknown>);
  }
}

const LISTING_CALLS = ['toArray', 'page', 'first'];

/**
 * A listing is one call from its first request to its end: `toArray()`, `page()` and `first()` each,
 * and a `for await` loop from its first step until it finishes, breaks or throws.
 */
function meterIterable<T>(iterable: EntityIterable<T>, reporting: CostReporting, call: string, entity: string): EntityIterable<T> {
  meterMethods(iterable, LISTING_CALLS, reporting, entity, call);
  const iterate = iterable[Symbol.asyncIterator];
  iterable[Symbol.asyncIterator] = () => meteredIterator(iterate.call(iterable), reporting, call, entity);
  return iterable;
}

const isDone = (result: IteratorResult<unknown>) => result.done === true;

/** A `for await` loop as one call: each step runs under the call's meter; the loop's end, break or error ends it. */
function meteredIterator<T>(iterator: AsyncIterator<T>, reporting: CostReporting, call: string, entity: string): AsyncIterator<T> {
  // Inside another metered call (toArray() iterating), the steps join that call.
  if (currentMeter()) return iterator;
  const meter = new CallMeter(reporting, call, entity);
  return {
    next: (...args: [] | [undefined]) => meteredStep(meter, () => iterator.next(...args), isDone),
    return: (value?: unknown) =>
      meteredStep(meter, async () => (iterator.return ? iterator.return(value) : { done: true, value: undefined }) as IteratorResult<T>),
  };
}
