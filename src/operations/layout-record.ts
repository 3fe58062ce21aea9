import type { AttributeValue, QueryCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { ATTR } from '../metadata/attributes';
import type { EntityMetadata, IndexKeyField, IndexMetadata } from '../metadata/types';

/**
 * The layout record: which GSI each `@Index` of an entity type has its keys in, kept in the table
 * itself. An index takes a slot by its position among its class's indexes, so reordering decorators
 * would silently move it to another GSI, away from the keys its items carry; comparing the
 * declarations with the record at ensureTableExists() turns that into an error before any change.
 *
 * One item per entity type with indexes: PK `_layout`, SK `<typeName>`, one attribute `index:<name>`
 * per index recorded. No entity or unique-guard key can equal it (theirs contain `#`), and it has no
 * `_type`, so type-index listings and counts never see it.
 */

type Item = Record<string, AttributeValue>;

export const LAYOUT_RECORD_PK = '_layout';
const INDEX_PREFIX = 'index:';

/** What the record holds of one index: its GSI and a text of its key definition. */
export interface RecordedIndex {
  readonly gsi: string;
  /**
   * Key fields with their kinds, and the projection: `partition [author:string]; sort [at:date]; projection all`
   * (`projection include [slug, title, uid, version]` for a field list, sorted).
   */
  readonly key: string;
}

export function recordedIndexOf(index: IndexMetadata): RecordedIndex {
  const fields = (list: readonly IndexKeyField[]) => `[${list.map((f) => `${f.property}:${f.type.kind}`).join(', ')}]`;
  // A field list is recorded sorted: listing the same fields in another order is the same GSI.
  const projection = index.projection === 'include' ? `include [${[...index.nonKeyAttributes].sort().join(', ')}]` : index.projection;
  return { gsi: index.gsi, key: `partition ${fields(index.partition)}; sort ${fields(index.sort)}; projection ${projection}` };
}

/** Reads every entity type's record: one strongly consistent query of the `_layout` partition. */
export function layoutRecordsQueryInput(tableName: string, startKey?: Item): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': ATTR.pk },
    ExpressionAttributeValues: { ':pk': { S: LAYOUT_RECORD_PK } },
    ConsistentRead: true,
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  };
}

/** The indexes a record item holds, by index name; its type name is its sort key. */
export function recordedIndexesOf(item: Item): Map<string, RecordedIndex> {
  const recorded = new Map<string, RecordedIndex>();
  for (const [attribute, value] of Object.entries(item)) {
    if (!attribute.startsWith(INDEX_PREFIX)) continue;
    recorded.set(attribute.slice(INDEX_PREFIX.length), { gsi: value.M?.gsi?.S ?? '?', key: value.M?.key?.S ?? '?' });
  }
  return recorded;
}

/**
 * Why the declarations of an entity cannot use the table as recorded: an index whose key definition
 * changed, or which moved to another GSI. Each message names the entity, the index, both sides and the fix.
 */
export function layoutRecordProblems(meta: EntityMetadata, recorded: ReadonlyMap<string, RecordedIndex>): string[] {
  const problems: string[] = [];
  for (const index of meta.indexes) {
    const before = recorded.get(index.name);
    if (!before) continue;
    const now = recordedIndexOf(index);
    const where = `${meta.className} @Index('${index.name}')`;
    if (before.key !== now.key) {
      problems.push(
        `${where} was recorded with key ${before.key} (in ${before.gsi}) and is now declared with ${now.key} (in ${now.gsi}); ` +
          `the stored index keys follow the old definition. A changed key is a new index: give it a new name, then run em.reindex(${meta.className})`,
      );
    } else if (before.gsi !== now.gsi) {
      const slot = /[0-9]+$/.exec(before.gsi)?.[0] ?? '?';
      problems.push(
        `${where} is recorded in ${before.gsi} (slot ${slot}) but now takes ${now.gsi} (slot ${index.slot}), ` +
          `away from the keys its items carry (did the @Index decorators move?). Pin it with slot: ${slot} ` +
          `(@Index('${index.name}', { ..., slot: ${slot} })) or restore the decorator order`,
      );
    }
  }
  return problems;
}

/** The declared indexes of an entity that its record lacks. */
export function unrecordedIndexes(meta: EntityMetadata, recorded: ReadonlyMap<string, RecordedIndex>): IndexMetadata[] {
  return meta.indexes.filter((index) => !recorded.has(index.name));
}

/**
 * Adds indexes to an entity type's record (creating it if absent), each only if no one recorded it
 * meanwhile: two processes adding the same index race safely, the loser reads the record again.
 */
export function recordIndexesInput(tableName: string, meta: EntityMetadata, indexes: readonly IndexMetadata[]): UpdateItemCommandInput {
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  const conditions: string[] = [];
  indexes.forEach((index, i) => {
    const { gsi, key } = recordedIndexOf(index);
    names[`#i${i}`] = INDEX_PREFIX + index.name;
    values[`:i${i}`] = { M: { gsi: { S: gsi }, key: { S: key } } };
    sets.push(`#i${i} = :i${i}`);
    conditions.push(`attribute_not_exists(#i${i})`);
  });
  return {
    TableName: tableName,
    Key: { [ATTR.pk]: { S: LAYOUT_RECORD_PK }, [ATTR.sk]: { S: meta.typeName } },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
