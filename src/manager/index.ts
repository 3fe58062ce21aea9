export { EntityManager } from './entity-manager';
export type { EntityManagerOptions, ReindexOptions, ReindexProgress, ReindexResult, ReindexSkipped } from './entity-manager';
export { Repository } from './repository';
export { parentStrIdOf } from './parent-scope';
export { BaseEntity } from './base-entity';
export type { EntityClass } from './base-entity';
export { EntityIterable } from './entity-iterable';
export { Transaction } from './transaction';
export type { EntityRef, LoadedRefs } from './transact-get';
export type { EntityTarget, ScopedTarget } from './entity-target';
export type { EnsureTableOptions } from '../runners/table-setup';
export type { RepositoryUpdateOptions } from './actions/entity-updater';
export type {
  EntityInput,
  DataKeys,
  NumericKeys,
  UniqueKeys,
  ListOptions,
  ReadLimits,
  ScanOptions,
  GetManyOptions,
  SaveManyOptions,
  DeleteManyOptions,
  BatchConcurrencyOptions,
  GetOrCreateOptions,
  QueryOptions,
  QuerySelection,
  CountOptions,
  Where,
  KeyRange,
  KeyValue,
  Filter,
  FieldFilter,
  SortOrder,
  Page,
} from './types';
export type { UpdateOptions } from './actions/entity-updater';
export type { WriteOptions } from './actions/entity-writer';
export type { DeleteOptions } from './actions/cascade-deleter';
export type { ChildClasses, WithChildren } from './actions/collection-reader';
