import { CallMeter, currentMeter, meteredCall, withMeter } from '../client/cost';
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
  const methods = repository as unknown as Record<string, AnyMethod>;
  for (const name of METERED_REPOSITORY_METHODS) {
    const original = methods[name].bind(repository);
    methods[name] = (...args) => meteredCall(reporting, name, entity, () => original(...args) as Promise<unknown>);
  }
  for (const name of METERED_LISTING_METHODS) {
    const original = methods[name].bind(repository);
    methods[name] = (...args) => meterIterable(original(...args) as EntityIterable<T>, reporting, name, entity);
  }
  const of = repository.of.bind(repository);
  repository.of = (parent) => meterRepository(of(parent), reporting);
  return repository;
}

/**
 * A listing is one call from its first request to its end: `toArray()`, `page()` and `first()` each,
 * and a `for await` loop from its first step until it finishes, breaks or throws.
 */
function meterIterable<T>(iterable: EntityIterable<T>, reporting: CostReporting, call: string, entity: string): EntityIterable<T> {
  const methods = iterable as unknown as Record<string, AnyMethod>;
  for (const name of ['toArray', 'page', 'first']) {
    const original = methods[name].bind(iterable);
    methods[name] = (...args) => meteredCall(reporting, call, entity, () => original(...args) as Promise<unknown>);
  }
  const iterate = iterable[Symbol.asyncIterator].bind(iterable);
  iterable[Symbol.asyncIterator] = () => meteredIterator(iterate(), reporting, call, entity);
  return iterable;
}

function meteredIterator<T>(iterator: AsyncIterator<T>, reporting: CostReporting, call: string, entity: string): AsyncIterator<T> {
  // Inside another metered call (toArray() iterating), the steps join that call.
  if (currentMeter()) return iterator;
  const meter = new CallMeter(call, entity, reporting.tracer);
  let finished = false;
  const finish = (error?: { cause: unknown }) => {
    if (finished) return;
    finished = true;
    meter.finish(reporting, error);
  };
  const step = async (work: () => Promise<IteratorResult<T>>): Promise<IteratorResult<T>> => {
    try {
      const result = await withMeter(meter, work);
      if (result.done) finish();
      return result;
    } catch (error) {
      finish({ cause: error });
      throw error;
    }
  };
  return {
    next: (...args: [] | [undefined]) => step(() => iterator.next(...args)),
    return: async (value?: unknown) => {
      const result = await step(async () => (iterator.return ? iterator.return(value) : { done: true, value: undefined }) as IteratorResult<T>);
      finish();
      return result;
    },
  };
}
