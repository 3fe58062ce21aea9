import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ATTR, KEY_SEPARATOR, LIMITS } from '../metadata/attributes';
import type { EntityMetadata } from '../metadata/types';
import { isWellFormed, loneSurrogateMessage } from './well-formed';

export type ItemKey = Record<string, AttributeValue>;

/**
 * `PK = <typeName>#<strId>`, `SK = <typeName>`. Type names never contain `#`, so the type is always the
 * text before the first `#` and the str id everything after it: two different (type, id) pairs can
 * never compose to the same key, whatever the id contains.
 *
 * A child type's item lives in its parent's partition: `PK = <parentType>#<parentStrId>` (the
 * parent's partition key), `SK = <childType>#<childStrId>`. The parent's own SK has no `#`, and each
 * child SK starts with its type and the first `#`, so within a partition the parent, each child type
 * and each child id have keys of their own; across partitions nothing is shared at all.
 */
export function partitionKeyOf(typeName: string, strId: string): string {
  return typeName + KEY_SEPARATOR + strId;
}

/** The sort key of a child item: `<childType>#<childStrId>`. */
export function childSortKeyOf(typeName: string, strId: string): string {
  return typeName + KEY_SEPARATOR + strId;
}

/** The str id of an entity item (or key) of this type: after `<typeName>#` in its partition key, or in its sort key for a child. */
export function strIdOfItem(meta: EntityMetadata, item: Readonly<Record<string, AttributeValue>>): string {
  const key = meta.parent === undefined ? item[ATTR.pk] : item[ATTR.sk];
  return (key?.S ?? '').slice(meta.typeName.length + KEY_SEPARATOR.length);
}

/** The parent str id of a child item (or key): its partition key after `<parentType>#`; undefined for a top-level type. */
export function parentStrIdOfItem(meta: EntityMetadata, item: Readonly<Record<string, AttributeValue>>): string | undefined {
  const { parent } = meta;
  return parent === undefined ? undefined : (item[ATTR.pk]?.S ?? '').slice(parent.typeName.length + KEY_SEPARATOR.length);
}

/** The key of an entity; a child type's needs its parent's str id. */
export function primaryKeyOf(meta: EntityMetadata, strId: string, parentStrId?: string): ItemKey {
  const { parent, typeName } = meta;
  if (parent === undefined) return { [ATTR.pk]: { S: partitionKeyOf(typeName, strId) }, [ATTR.sk]: { S: typeName } };
  return { [ATTR.pk]: { S: partitionKeyOf(parent.typeName, parentStrId as string) }, [ATTR.sk]: { S: childSortKeyOf(typeName, strId) } };
}

/** The longest str id (UTF-8 bytes) that fits DynamoDB's key limits for this type: the partition key's, or a child's sort key's. */
export function maxStrIdBytes(meta: Pick<EntityMetadata, 'parent' | 'typeName'>): number {
  const limit = meta.parent === undefined ? LIMITS.partitionKeyBytes : LIMITS.sortKeyBytes;
  return limit - Buffer.byteLength(meta.typeName + KEY_SEPARATOR, 'utf8');
}

/** Why `value` cannot be the str id of this type, or undefined when it can. */
export function strIdProblem(meta: EntityMetadata, value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return value === undefined || value === null
      ? `${meta.strIdProperty} is required (it is the @StrId() of ${meta.className})`
      : `${meta.strIdProperty} must be a string, got ${typeof value}`;
  }
  if (value.length === 0) return `${meta.strIdProperty} must not be empty`;
  // Checked on every lookup too: an engine that stores such ids lossily would find another entity.
  if (!isWellFormed(value)) return loneSurrogateMessage(meta.strIdProperty);
  // Cheap bound first: a UTF-8 character takes at most 3 bytes per UTF-16 unit (and a type name at most 64).
  if (value.length * 3 <= 900) return undefined;
  const bytes = Buffer.byteLength(value, 'utf8');
  const max = maxStrIdBytes(meta);
  if (bytes > max) {
    return `${meta.strIdProperty} is ${bytes} bytes in UTF-8; ${meta.className} ids may be at most ${max} bytes (DynamoDB key limit)`;
  }
  return undefined;
}
