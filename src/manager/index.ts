export { EntityManager } from './entity-manager';
export type { EntityManagerOptions } from './entity-manager';
export { Repository } from './repository';
export { BaseEntity } from './base-entity';
export type { EntityClass } from './base-entity';
export { EntityIterable } from './entity-iterable';
export type { EnsureTableOptions } from './table-setup';
export type { EntityInput, DataKeys, ListOptions, QueryOptions, SortOrder, Page } from './types';
