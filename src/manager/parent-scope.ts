import { InvalidArgumentError } from '../errors';
import { strIdProblem } from '../keys';
import { storedStateOf } from '../marshalling/stored-state';
import type { EntityMetadata } from '../metadata/types';

/**
 * The parent str id of `of(parent)`: the parent entity's (as stored, when it was loaded) or the str
 * id given, checked as the parent type's str ids are, before any request.
 */
export function scopeParentStrId(meta: EntityMetadata, parent: unknown): string {
  const parentMeta = meta.parent;
  if (parentMeta === undefined) {
    throw new InvalidArgumentError(
      `of() scopes a child type to its parent, and ${meta.className} has none.`,
      meta.className,
      { hint: `Declare @Table('${meta.typeName}', { parent: () => Parent }) to make it a child type.` },
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
