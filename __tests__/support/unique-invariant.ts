import type { EntityManager } from '../../src';
import { allItems } from './tables';

type Item = Record<string, { S?: string; N?: string }>;

/**
 * The invariant of `@Unique()` fields, checked on everything stored: every unique value an entity
 * holds has exactly one guard, pointing to its holder; no guard exists without that holder.
 * Returns what breaks it (empty when it holds).
 */
export async function uniqueInvariantProblems(manager: EntityManager, typeName: string, fields: readonly string[]): Promise<string[]> {
  const items = (await allItems(manager)) as Item[];
  const entities = items.filter((item) => item._type?.S === typeName);
  const guards = new Map<string, Item>();
  for (const item of items) if (item.PK?.S?.startsWith(`${typeName}.`)) guards.set(item.PK.S, item);
  const problems: string[] = [];
  const held = new Set<string>();
  for (const entity of entities) {
    for (const field of fields) {
      const value = entity[field]?.S ?? entity[field]?.N;
      if (value === undefined) continue;
      const pk = `${typeName}.${field}#${value}`;
      held.add(pk);
      const guard = guards.get(pk);
      if (!guard) problems.push(`${entity.PK?.S} holds ${field}=${value} with no guard`);
      else if (guard.ownerUid?.S !== entity.uid?.S) problems.push(`${pk} points to ${guard.ownerUid?.S}, not its holder ${entity.uid?.S}`);
    }
  }
  for (const pk of guards.keys()) if (!held.has(pk)) problems.push(`${pk} is held by no entity`);
  return problems;
}
