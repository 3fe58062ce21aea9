import { getRegistry } from '../metadata/registry';
import { refuseStandardDecorator } from './legacy-check';
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
  // A standard decorator gets a second argument (its context); a legacy class decorator gets none.
  return ((target: Constructor, context?: unknown) => {
    refuseStandardDecorator('Table', context);
    getRegistry().tables.push({ target, typeName, options });
  }) as ClassDecorator;
}
