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
  /** A global secondary index; absent: the table itself. */
  readonly indexName?: string;
  readonly partition: { readonly attribute: string; readonly value: string };
  readonly sort?: SortKeyExpression;
  /** ANDed; applied after the read, so every item read is billed whether it passes or not. */
  readonly filter?: readonly AttributeCondition[];
  /** Attribute names to return (all when absent). */
  readonly projection?: readonly string[];
  readonly descending?: boolean;
  /** Strongly consistent: the table only (DynamoDB cannot read an index consistently). */
  readonly consistent?: boolean;
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
  const input: QueryCommandInput = { TableName: tableName, KeyConditionExpression: key.expression };
  if (query.indexName !== undefined) input.IndexName = query.indexName;
  if (query.consistent) input.ConsistentRead = true;
  const parts = [key.attributes];
  if (query.filter && query.filter.length > 0) {
    const filter = buildFilterExpression(query.filter);
    input.FilterExpression = filter.expression;
    parts.push(filter.attributes);
  }
  if (query.projection) {
    const projection = buildProjectionExpression(query.projection);
    input.ProjectionExpression = projection.expression;
    parts.push(projection.attributes);
  }
  Object.assign(input, mergeAttributes(...parts));
  if (query.descending) input.ScanIndexForward = false;
  if (query.limit !== undefined) input.Limit = query.limit;
  if (query.startKey) input.ExclusiveStartKey = query.startKey;
  return input;
}

/** Counting: the same key condition and filter with `Select: COUNT`, page after page from `startKey`. */
export function keyCountInput(tableName: string, query: KeyQuery, startKey?: ItemKey): QueryCommandInput {
  const { partition, sort, filter, indexName, consistent } = query;
  return { ...keyQueryInput(tableName, { indexName, partition, sort, filter, consistent, startKey }), Select: 'COUNT' };
}
