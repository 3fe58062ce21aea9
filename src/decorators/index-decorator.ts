import { getRegistry } from '../metadata/registry';
import { refuseStandardDecorator } from './legacy-check';
import type { Constructor, IndexOptions } from '../metadata/types';

/**
 * Declares a secondary index of an entity: `query({ index, where })` then reads the entities whose
 * `partition` fields equal the given values, ordered by the `sort` fields, in one Query. Entities
 * missing a partition field are not in the index (sparse). Checked when the class is first used.
 *
 * @example
 * ```ts
 * @Table('article')
 * @Index('byAuthor', { partition: ['authorId'], sort: ['createdAt'] })
 * class Article extends BaseEntity { ... }
 * ```
 */
export function Index(name: string, options: IndexOptions): ClassDecorator {
  return ((target: Constructor, context?: unknown) => {
    refuseStandardDecorator('Index', context);
    getRegistry().indexes.push({ target, name, options });
  }) as ClassDecorator;
}
