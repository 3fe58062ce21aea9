import { InvalidArgumentError } from '../errors';
import { strIdProblem } from '../keys';
import { storedStateOf } from '../marshalling/stored-state';
import type { EntityMapper } from '../marshalling/entity-mapper';
import type { EntityMetadata } from '../metadata/types';

/**
 * The parent str id of `of(parent)`: the parent entity's (as stored, when it was loaded) or the str
 * id given, checked as the parent type's str ids are, before any request.
 */
export function scopeParentStrId(meta: EntityMetadata, parent: unknown): string {
  const parentMeta = meta.parent;
  if (parentMeta === undefined) {
    throw new InvalidArgumentError(
      `of() scopes a child type to its parent, and ${meta.className} has none; declare @Table('${meta.typeName}', { parent: () => Parent }) to make it a child type.`,
      meta.className,
    );
  }
  const strId = parent instanceof parentMeta.target ? (storedStateOf(parent)?.strId ?? (parent as Record<string, unknown>)[parentMeta.strIdProperty]) : parent;
  const problem = strIdProblem(parentMeta, strId);
  if (problem !== undefined) {
    throw new InvalidArgumentError(
      `${meta.className}.of() takes a ${parentMeta.className} or its str id: ${typeof parent === 'object' && !(parent instanceof parentMeta.target) ? `got ${describe(parent)}` : problem}.`,
      meta.className,
    );
  }
  return strId as string;
}

/**
 * The parent a loaded entity is written back to through this mapper's repository: the one it was
 * loaded under (an unscoped repository takes it from the entity), else the mapper's own. A scoped
 * repository refuses a child loaded under another parent, before any request: writing it there
 * would make a second entity.
 */
export function parentToWriteIn<T extends object>(mapper: EntityMapper<T>, entity: T): string | undefined {
  const { meta, parentStrId } = mapper;
  if (meta.parent === undefined || typeof entity !== 'object' || entity === null) return parentStrId;
  const loadedUnder = mapper.storedParentOf(entity);
  if (loadedUnder === undefined || loadedUnder === parentStrId || parentStrId === undefined) return loadedUnder ?? parentStrId;
  throw new InvalidArgumentError(
    `${meta.className} ${JSON.stringify(mapper.storedStrIdOf(entity))} belongs to ${meta.parent.className} ${JSON.stringify(loadedUnder)}, ` +
      `not to ${JSON.stringify(parentStrId)} (this repository's parent). Nothing was written. Write it through of(${JSON.stringify(loadedUnder)}), ` +
      'or create a new entity under the other parent.',
    meta.className,
  );
}

/**
 * The str id of the parent a child entity belongs to: the one it was loaded under or written to
 * (undefined for an entity of a top-level type, or a child not yet written).
 *
 * @example
 * const [comment] = await em.getRepository(Comment).query({ index: 'byAuthor', where: { author: 'ada' } }).toArray();
 * parentStrIdOf(comment); // 'how-to-train'
 */
export function parentStrIdOf(entity: object): string | undefined {
  return storedStateOf(entity)?.parent;
}

function describe(value: unknown): string {
  return value === null ? 'null' : `an object (${(value as object).constructor?.name ?? 'Object'})`;
}
