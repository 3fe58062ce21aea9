import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ATTR, LIMITS } from '../metadata/attributes';
import { newWriteId } from './uid';
import type { EntityMetadata } from '../metadata/types';
import type { ItemKey } from './primary-key';
import { isWellFormed, loneSurrogateMessage } from './well-formed';

/**
 * Guard item of a unique value: `PK = <typeName>.<field>#<value>`, `SK = <typeName>.<field>`. The
 * text before the first `#` contains a `.`, which no type name may, so a guard can never share a key
 * with an entity. It carries no `_type`, so the type index never lists it.
 */
export const GUARD_ATTR = { ownerUid: 'ownerUid', ownerStrId: 'ownerStrId', ownerParentStrId: 'ownerParentStrId' } as const;

/** The entity a guard belongs to; `parentStrId` for a child type, whose str id is unique within its parent only. */
export interface GuardOwner {
  uid: string;
  strId: string;
  parentStrId?: string | undefined;
}

export function guardKey(meta: EntityMetadata, field: string, value: string): ItemKey {
  const scope = `${meta.typeName}.${field}`;
  return { PK: { S: `${scope}#${value}` }, SK: { S: scope } };
}

export function guardItem(meta: EntityMetadata, field: string, value: string, owner: GuardOwner): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {
    ...guardKey(meta, field, value),
    [GUARD_ATTR.ownerUid]: { S: owner.uid },
    [GUARD_ATTR.ownerStrId]: { S: owner.strId },
  };
  if (owner.parentStrId !== undefined) item[GUARD_ATTR.ownerParentStrId] = { S: owner.parentStrId };
  item[ATTR.writeId] = { S: newWriteId() };
  return item;
}

/**
 * The guarded text of a unique field's value; undefined for values that are not constrained, and for
 * text with a lone surrogate: it cannot be a key (writes of such a value are refused as invalid).
 */
export function uniqueValueText(value: unknown): string | undefined {
  if (typeof value === 'string') return isWellFormed(value) ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Why a value cannot be guarded (a lone surrogate, or a key beyond DynamoDB's partition key limit), if it cannot. */
export function guardKeyProblem(meta: EntityMetadata, field: string, value: string): string | undefined {
  if (!isWellFormed(value)) return loneSurrogateMessage(field);
  const bytes = Buffer.byteLength(`${meta.typeName}.${field}#${value}`, 'utf8');
  return bytes > LIMITS.partitionKeyBytes
    ? `${field} is too long to be unique: its guard key would be ${bytes} bytes (DynamoDB allows ${LIMITS.partitionKeyBytes})`
    : undefined;
}
