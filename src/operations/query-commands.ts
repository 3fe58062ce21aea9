import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { buildFilterExpression, buildKeyConditionExpression, buildProjectionExpression, mergeAttributes } from '../expressions';
import type { AttributeCondition, SortKeyExpression } from '../expressions';
import type { ItemKey } from '../keys';
import type { SortKeyCondition } from '../keys/index-key-range';

/**
 * Pure builders of the Query input of a key-conditioned read: an `@Index` query, or a type-index
 * listing limited by creation time. Unit tests compare their output exactly.
 */

/** One Query: a partition, optionally a range of its sort keys, a filter and a projection. */
export interface KeyQuery {
  readonly indexName: string;
  readonly partition: { readonly attribute: string; readonly value: string };
  readonly sort?: SortKeyExpression;
  /** ANDed; applied after the read, so every item read is billed whether it passes or not. */
  readonly filter?: readonly AttributeCondition[];
  /** Attribute names to return (all when absent). */
  readonly projection?: readonly string[];
  readonly descending?: boolean;
  readonly limit?: number;
  readonly startKey?: ItemKey;
}

/** The key expression of a sort-key range over string keys (an `empty` range is answered without a request). */
export function sortKeyExpression(attribute: string, condition: Exclude<SortKeyCondition, { kind: 'empty' }>): SortKeyExpression {
  switch (condition.kind) {
    case 'beginsWith':
      return { attribute, op: 'beginsWith', value: { S: condition.prefix } };
    case 'between':
      return { attribute, op: 'between', low: { S: condition.low }, high: { S: condition.high } };
    case 'gte':
      return { attribute, op: 'gte', value: { S: condition.value } };
  }
}

/** A page of the query: `Limit`, `ExclusiveStartKey` and the projection as given. */
export function keyQueryInput(tableName: string, query: KeyQuery): QueryCommandInput {
  const key = buildKeyConditionExpression({ attribute: query.partition.attribute, value: { S: query.partition.value } }, query.sort);
  const filter = query.filter && query.filter.length > 0 ? buildFilterExpression(query.filter) : undefined;
  const projection = query.projection ? buildProjectionExpression(query.projection) : undefined;
  const parts = [key.attributes, ...(filter ? [filter.attributes] : []), ...(projection ? [projection.attributes] : [])];
  return {
    TableName: tableName,
    IndexName: query.indexName,
    KeyConditionExpression: key.expression,
    ...(filter ? { FilterExpression: filter.expression } : {}),
    ...(projection ? { ProjectionExpression: projection.expression } : {}),
    ...mergeAttributes(...parts),
    ...(query.descending ? { ScanIndexForward: false } : {}),
    ...(query.limit !== undefined ? { Limit: query.limit } : {}),
    ...(query.startKey ? { ExclusiveStartKey: query.startKey } : {}),
  };
}

/** Counting: the same key condition and filter with `Select: COUNT`, page after page from `startKey`. */
export function keyCountInput(tableName: string, query: KeyQuery, startKey?: ItemKey): QueryCommandInput {
  const { partition, sort, filter, indexName } = query;
  return { ...keyQueryInput(tableName, { indexName, partition, sort, filter, startKey }), Select: 'COUNT' };
}
