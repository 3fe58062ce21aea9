import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError, MetadataError } from '../../errors';
import type { ItemKey } from '../../keys';
import { EntityMapper } from '../../marshalling/entity-mapper';
import { ATTR, KEY_SEPARATOR } from '../../metadata/attributes';
import { getEntityMetadata } from '../../metadata/entity-metadata';
import type { Constructor, EntityMetadata } from '../../metadata/types';
import { itemTypeOf, partitionQueryInput } from '../../operations/collection-commands';
import type { RepositoryContext } from '../context';

type Item = Record<string, AttributeValue>;

/**
 * The child classes a `getWith` reads, by the name of each one's array in the result:
 * `{ comments: Comment, favorites: Favorite }`. `entity` is the parent's own name, so no child takes it.
 */
export type ChildClasses = { readonly [name: string]: Constructor<object> } & { readonly entity?: never };

/**
 * What `getWith` resolves to: `entity`, the parent (undefined when it does not exist), and for each
 * name given, that class's entities in str id order: `{ entity: Article | undefined; comments: Comment[] }`.
 */
export type WithChildren<T, C extends ChildClasses> = { entity: T | undefined } & {
  -readonly [K in Exclude<keyof C, 'entity'>]: C[K] extends Constructor<infer E> ? E[] : never;
};

/** One child type of the call: the result name it goes to and its mapper in the parent's partition. */
interface ChildSlot {
  readonly name: string;
  readonly mapper: EntityMapper<object>;
  readonly entities: object[];
}

/**
 * A parent and its children of the types given: ONE strongly consistent Query of the parent's
 * partition, page after page until done (a partition past 1 MB takes several). Items are sorted out
 * by sort key alone, through a lookup built once per call: `SK = <parentType>` is the parent,
 * `<childType>#<id>` a child of that type. Items of any other type are skipped, never decoded. Every
 * check is made before the first request.
 */
export async function readWithChildren<T extends object, C extends ChildClasses>(
  context: RepositoryContext,
  mapper: EntityMapper<T>,
  strId: string,
  children: C,
): Promise<WithChildren<T, C>> {
  const { meta } = mapper;
  refuseChildType(meta);
  const key = mapper.keyOf(strId);
  const slots = childSlotsOf(meta, children, strId);
  const result: Record<string, unknown> = { entity: undefined };
  for (const slot of slots.values()) result[slot.name] = slot.entities;
  const partition = key[ATTR.pk]?.S as string;
  let startKey: ItemKey | undefined;
  do {
    const output = await context.executor.send('Query', partitionQueryInput(context.tableName, partition, { startKey }), meta.className);
    for (const item of output.Items ?? []) {
      const sortKey = item[ATTR.sk]?.S ?? '';
      if (sortKey === meta.typeName) result.entity = mapper.fromItem(item);
      else placeChild(slots, sortKey, item);
    }
    startKey = output.LastEvaluatedKey;
  } while (startKey);
  return result as WithChildren<T, C>;
}

/** A child item goes to the slot of its type: the sort key's text before the first `#` (type names have none). */
function placeChild(slots: ReadonlyMap<string, ChildSlot>, sortKey: string, item: Item): void {
  // A key without `#` is no child's (itemTypeOf gives it whole, and no child type is named so).
  const slot = sortKey.includes(KEY_SEPARATOR) ? slots.get(itemTypeOf(sortKey)) : undefined;
  if (slot) slot.entities.push(slot.mapper.fromItem(item));
}

/** A child type has no children of its own (one level of nesting): its repositories, scoped or not, have no getWith. */
function refuseChildType(meta: EntityMetadata): void {
  const { parent, className } = meta;
  if (parent === undefined) return;
  throw new InvalidArgumentError(
    `getWith() reads a parent with its children, and ${className} is itself a child type (of ${parent.className}), with no children of its own.`,
    className,
    { hint: `Read the parent's collection instead: getRepository(${parent.className}).getWith(strId, { ${lowerFirst(className)}: ${className} }).` },
  );
}

/** The slots by child type name, checked: at least one, each a child type of this parent, given once, none named `entity`. */
function childSlotsOf(parent: EntityMetadata, children: unknown, parentStrId: string): Map<string, ChildSlot> {
  const fail = (why: string, hint?: string): never => {
    throw new InvalidArgumentError(`${parent.className}.getWith(): ${why}.`, parent.className, { hint });
  };
  if (typeof children !== 'object' || children === null || Array.isArray(children)) {
    return fail(`the second argument names the child classes to read, e.g. { comments: Comment }; got ${describe(children)}`);
  }
  const slots = new Map<string, ChildSlot>();
  for (const [name, target] of Object.entries(children)) {
    if (name === 'entity' || name === '__proto__') {
      fail(
        `"${name}" cannot name a child class (${name === 'entity' ? 'the result holds the parent under entity' : 'it is not a plain property'})`,
        'Give the children another name, e.g. { comments: Comment }.',
      );
    }
    const meta = childMetaOf(parent, name, target);
    const taken = slots.get(meta.typeName);
    if (taken !== undefined) fail(`${taken.name} and ${name} both name ${meta.className}`, 'Give each child class once.');
    slots.set(meta.typeName, { name, mapper: EntityMapper.of(meta.target).inParent(parentStrId), entities: [] });
  }
  if (slots.size === 0) fail(`give at least one child class, e.g. { comments: Comment }; to read the ${parent.className} alone, use findByStr()`);
  return slots;
}

function childMetaOf(parent: EntityMetadata, name: string, target: unknown): EntityMetadata {
  const { className } = parent;
  if (typeof target !== 'function') {
    throw new InvalidArgumentError(`${className}.getWith(): ${name} must be a child entity class of ${className}, got ${describe(target)}.`, className);
  }
  let meta: EntityMetadata;
  try {
    meta = getEntityMetadata(target as Constructor);
  } catch (error) {
    if (error instanceof MetadataError) throw new MetadataError(`${className}.getWith(): ${name}: ${error.summary}`, className, { hint: error.hint });
    throw error;
  }
  if (meta.parent?.target !== parent.target) {
    const is = meta.parent === undefined ? 'a top-level type' : `a child type of ${meta.parent.className}`;
    throw new InvalidArgumentError(
      `${className}.getWith(): ${name} is ${meta.className}, ${is}, so none is stored in a ${className}'s partition.`,
      className,
      { hint: `Give only child types of ${className} (declared @Table('<type>', { parent: () => ${className} })).` },
    );
  }
  return meta;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${(value as object).constructor?.name ?? 'Object'})` : typeof value;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
