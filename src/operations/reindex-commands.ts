import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { indexAttributesOf } from '../keys/index-key';
import { ATTR } from '../metadata/attributes';
import { INDEX_KEY_ATTRIBUTE } from '../metadata/index-slots';
import type { EntityMetadata } from '../metadata/types';

type Item = Record<string, AttributeValue>;

/** How a stored item's index key attributes must change to match its declared indexes. */
export interface ReindexKeyChanges {
  /** Key attributes to write: missing, or holding another key. */
  readonly set: Item;
  /** `_gsiNpk`/`_gsiNsk` attributes no declared index of the item uses any more. */
  readonly remove: readonly string[];
  /** Why a key cannot be stored (too long for DynamoDB): the item is then left as it is. */
  readonly problems: readonly string[];
}

/**
 * Compares the index keys an item's stored fields imply with the ones it holds. Empty (nothing to
 * set or remove) for an item already indexed as declared, which makes reindexing idempotent.
 */
export function reindexKeyChanges(meta: EntityMetadata, item: Item): ReindexKeyChanges {
  const problems: string[] = [];
  const wanted = indexAttributesOf(meta, item, (_index, problem) => problems.push(problem));
  if (problems.length > 0) return { set: {}, remove: [], problems };
  const set: Item = {};
  for (const [name, value] of Object.entries(wanted)) if (item[name]?.S !== value.S) set[name] = value;
  const remove = Object.keys(item).filter((name) => INDEX_KEY_ATTRIBUTE.test(name) && !(name in wanted));
  return { set, remove, problems };
}

export function hasChanges(changes: ReindexKeyChanges): boolean {
  return changes.remove.length > 0 || Object.keys(changes.set).length > 0;
}

/**
 * Writes only an item's index key attributes, on condition that it is still the version that was
 * read (same uid, same version): a save in between computed its keys itself and must not be
 * overwritten. The version does not move and the write history is untouched: a reindex is no change
 * of the entity, so it cannot make a user's later save conflict.
 */
export function reindexUpdateInput(tableName: string, item: Item, changes: ReindexKeyChanges): UpdateItemCommandInput {
  const names: Record<string, string> = { '#uid': ATTR.uid, '#version': ATTR.version };
  const values: Item = { ':uid': item[ATTR.uid] as AttributeValue };
  const sets = Object.entries(changes.set).map(([name, value], i) => {
    names[`#s${i}`] = name;
    values[`:s${i}`] = value;
    return `#s${i} = :s${i}`;
  });
  const removes = changes.remove.map((name, i) => {
    names[`#r${i}`] = name;
    return `#r${i}`;
  });
  const version = item[ATTR.version];
  if (version) values[':version'] = version;
  return {
    TableName: tableName,
    Key: { [ATTR.pk]: item[ATTR.pk] as AttributeValue, [ATTR.sk]: item[ATTR.sk] as AttributeValue },
    UpdateExpression: [sets.length > 0 ? `SET ${sets.join(', ')}` : '', removes.length > 0 ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
    ConditionExpression: `#uid = :uid AND ${version ? '#version = :version' : 'attribute_not_exists(#version)'}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
