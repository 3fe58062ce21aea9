import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ATTR, KEY_SEPARATOR, LIMITS } from '../metadata/attributes';
import type { EntityMetadata } from '../metadata/types';
import { isWellFormed, loneSurrogateMessage } from './well-formed';

export type ItemKey = Record<string, AttributeValue>;

/**
 * `PK = <typeName>#<strId>`, `SK = <typeName>`. Type names never contain `#`, so the type is always the
 * text before the first `#` and the str id everything after it: two different (type, id) pairs can
 * never compose to the same key, whatever the id contains.
 */
export function partitionKeyOf(typeName: string, strId: string): string {
  return typeName + KEY_SEPARATOR + strId;
}

/** The str id of an entity item (or key) of this type: its partition key after `<typeName>#`. */
export function strIdOfItem(meta: EntityMetadata, item: Readonly<Record<string, AttributeValue>>): string {
  return (item[ATTR.pk]?.S ?? '').slice(meta.typeName.length + KEY_SEPARATOR.length);
}

export function primaryKeyOf(meta: EntityMetadata, strId: string): ItemKey {
  return { [ATTR.pk]: { S: partitionKeyOf(meta.typeName, strId) }, [ATTR.sk]: { S: meta.typeName } };
}

/** The longest str id (UTF-8 bytes) that fits DynamoDB's 2048-byte partition key for this type. */
export function maxStrIdBytes(typeName: string): number {
  return LIMITS.partitionKeyBytes - Buffer.byteLength(typeName + KEY_SEPARATOR, 'utf8');
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
  // Cheap bound first: a UTF-8 character takes at most 3 bytes per UTF-16 unit.
  if (value.length * 3 <= 1024) return undefined;
  const bytes = Buffer.byteLength(value, 'utf8');
  const max = maxStrIdBytes(meta.typeName);
  if (bytes > max) {
    return `${meta.strIdProperty} is ${bytes} bytes in UTF-8; ${meta.className} ids may be at most ${max} bytes (DynamoDB key limit)`;
  }
  return undefined;
}
