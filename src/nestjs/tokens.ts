import { getEntityMetadata } from '../metadata';
import type { Constructor } from '../metadata/types';

/** The connection name used when `forRoot`/`forFeature`/`@InjectRepository` are given none. */
export const DEFAULT_CONNECTION_NAME = 'default';

/**
 * Tokens are pure functions of (entity class, connection name): nothing is registered in module-level
 * state, so two testing modules in one process (or one app closed and another created) never see each
 * other's providers, and `getRepositoryToken(User)` in a test always equals what forFeature provided.
 */
const PREFIX = 'dynamo-single-table';

function connectionName(name: string | undefined): string {
  if (name === undefined) return DEFAULT_CONNECTION_NAME;
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`A dynamo-single-table connection name must be a non-empty string, got ${String(name)}.`);
  }
  return name;
}

/**
 * Injection token of the Repository of `entity` on connection `name`. It names the `@Table()` type
 * name as well as the class: type names are unique, so two classes that share a name (say `User` in
 * two bounded contexts) still get distinct tokens. Throws `MetadataError` for an undecorated class.
 */
export function getRepositoryToken(entity: Constructor, name?: string): string {
  const { typeName, className } = getEntityMetadata(entity);
  return `${PREFIX}:${connectionName(name)}:${typeName}:${className}Repository`;
}

/** Injection token of the EntityManager of connection `name`. */
export function getEntityManagerToken(name?: string): string {
  return `${PREFIX}:${connectionName(name)}:EntityManager`;
}

/** Injection token of the DynamoDBClient of connection `name` (yours, or the one built from `clientConfig`). */
export function getClientToken(name?: string): string {
  return `${PREFIX}:${connectionName(name)}:DynamoDBClient`;
}

/**
 * Tokens private to one core module instance. Every `forRoot` creates its own dynamic module, and
 * Nest resolves a module's unexported providers inside that module only, so these constants never
 * clash between named connections.
 */
export const MODULE_OPTIONS = Symbol('dynamo-single-table:module-options');
export const CONNECTION = Symbol('dynamo-single-table:connection');
