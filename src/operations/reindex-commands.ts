import type { AttributeValue, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { indexAttributesOf } from '../keys/index-key';
import { ATTR } from '../metadata/attributes';
import { INDEX_KEY_ATTRIBUTE } from '../metadata/index-slots';
import { typeIndexLayout } from '../metadata/table-layout';
import type { EntityMetadata } from '../metadata/types';

type Item = Record<string, AttributeValue>;

/** How a stored item's index key attributes (and type index attribute) must change to match its declarations. */
export interface ReindexKeyChanges {
  /** Key attributes to write: missing, or holding another key. */
  readonly set: Item;
  /** `_gsiNpk`/`_gsiNsk` attributes no declared index of the item uses any more; `_type`/`_tk` of another typeIndex. */
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
  // The type index the item is in follows the type's typeIndex: `_type` for 'all', `_tk` for 'keys'.
  const typeIndex = typeIndexLayout(meta.typeIndex);
  if (typeIndex) wanted[typeIndex.partition.name] = { S: meta.typeName };
  const set: Item = {};
  for (const [name, value] of Object.entries(wanted)) if (item[name]?.S !== value.S) set[name] = value;
  const remove = Object.keys(item).filter((name) => (INDEX_KEY_ATTRIBUTE.test(name) || TYPE_ATTRIBUTES.has(name)) && !(name in wanted));
  return { set, remove, problems };
}

/** The attributes that put an item in a type index. */
const TYPE_ATTRIBUTES: ReadonlySet<string> = new Set([ATTR.type, ATTR.typeKeys]);

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
