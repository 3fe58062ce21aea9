import { getRegistry } from '../metadata/registry';
import type { Constructor, TableOptions } from '../metadata/types';

/**
 * Marks a class as an entity stored in the single table under `typeName`.
 * The type name is part of every key: keep it stable when the class is renamed.
 *
 * @example
 * ```ts
 * @Table('user')
 * class User extends BaseEntity { @StrId() username!: string }
 * ```
 */
export function Table(typeName: string, options: TableOptions = {}): ClassDecorator {
  return (target) => {
    getRegistry().tables.push({ target: target as unknown as Constructor, typeName, options });
  };
}
