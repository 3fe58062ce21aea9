import { EntityMapper } from '../marshalling/entity-mapper';
import type { Constructor } from '../metadata/types';

/**
 * A child type within one parent, as a scoped repository (`getRepository(Comment).of(slug)`) is:
 * what transactions and `transactGet` take where a child type needs its parent.
 */
export interface ScopedTarget<T extends object> {
  readonly target: Constructor<T>;
  readonly parentStrId: string | undefined;
}

/** An entity class, or a scoped repository of a child type. */
export type EntityTarget<T extends object> = Constructor<T> | ScopedTarget<T>;

/** The mapper whose keys are those of the target: a scoped repository's are in its parent's partition. */
export function mapperOfTarget<T extends object>(target: EntityTarget<T>): EntityMapper<T> {
  if (typeof target === 'function') return EntityMapper.of(target);
  const mapper = EntityMapper.of(target.target);
  return target.parentStrId === undefined ? mapper : mapper.inParent(target.parentStrId);
}

/** The mapper of a loaded entity: a child is written back to the parent it was loaded under. */
export function mapperOfEntity<T extends object>(entity: T): EntityMapper<T> {
  const mapper = EntityMapper.of(entity.constructor as Constructor<T>);
  const parent = mapper.meta.parent === undefined ? undefined : mapper.storedParentOf(entity);
  return parent === undefined ? mapper : mapper.inParent(parent);
}
