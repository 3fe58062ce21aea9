import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ExpressionAttributes } from './expression-attributes';

/**
 * Builders of the read-side expressions of a Query or Scan: the key condition, the filter and the
 * projection. Each has its own placeholder prefix (`#k`/`:k`, `#f`/`:f`, `#p`), so the three can be
 * merged into one request with `mergeAttributes`.
 */

/** A comparison with one value. `ne` is for filters only (a key condition cannot use it). */
export type Comparison = 'eq' | 'ne' | 'lt' | 'lte' | 'gt' | 'gte';

const COMPARATORS: Readonly<Record<Comparison, string>> = { eq: '=', ne: '<>', lt: '<', lte: '<=', gt: '>', gte: '>=' };

/** A condition on one attribute of the items read. */
export type AttributeCondition =
  | { readonly attribute: string; readonly op: Comparison; readonly value: AttributeValue }
  | { readonly attribute: string; readonly op: 'between'; readonly low: AttributeValue; readonly high: AttributeValue }
  | { readonly attribute: string; readonly op: 'beginsWith' | 'contains'; readonly value: AttributeValue }
  | { readonly attribute: string; readonly op: 'exists'; readonly exists: boolean }
  | { readonly attribute: string; readonly op: 'in'; readonly values: readonly AttributeValue[] };

/** What a key condition allows on the sort key: no `ne`, `contains`, `exists` or `in`. */
export type SortKeyExpression =
  | { readonly attribute: string; readonly op: Exclude<Comparison, 'ne'> | 'beginsWith'; readonly value: AttributeValue }
  | { readonly attribute: string; readonly op: 'between'; readonly low: AttributeValue; readonly high: AttributeValue };

export interface BuiltExpression {
  readonly expression: string;
  readonly attributes: PlaceholderValues;
}

/** The placeholders of one expression: what `mergeAttributes` puts into the request. */
export interface PlaceholderValues {
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

/** The sort-key part of a key condition, by operator: fixed text, built once. */
const SORT_KEY_TEXT: Readonly<Record<SortKeyExpression['op'], string>> = {
  eq: ' AND #k1 = :k1',
  lt: ' AND #k1 < :k1',
  lte: ' AND #k1 <= :k1',
  gt: ' AND #k1 > :k1',
  gte: ' AND #k1 >= :k1',
  beginsWith: ' AND begins_with(#k1, :k1)',
  between: ' AND #k1 BETWEEN :k1 AND :k2',
};

/**
 * `#k0 = :k0`, then ` AND ` the sort key's condition if any. The placeholders are always the same
 * (`#k0` the partition, `#k1` the sort key), so the text comes from a table: this runs on every page
 * of every query.
 */
export function buildKeyConditionExpression(
  partition: { readonly attribute: string; readonly value: AttributeValue },
  sort?: SortKeyExpression,
): BuiltExpression {
  if (!sort) return { expression: '#k0 = :k0', attributes: { names: { '#k0': partition.attribute }, values: { ':k0': partition.value } } };
  const names = { '#k0': partition.attribute, '#k1': sort.attribute };
  const values: Record<string, AttributeValue> =
    sort.op === 'between' ? { ':k0': partition.value, ':k1': sort.low, ':k2': sort.high } : { ':k0': partition.value, ':k1': sort.value };
  return { expression: '#k0 = :k0' + SORT_KEY_TEXT[sort.op], attributes: { names, values } };
}

/**
 * The conditions ANDed, in the order given; an empty list gives an empty expression. `prefix` keeps
 * the placeholders apart from other expressions of the request (`uc` for the caller's condition of a write).
 */
export function buildFilterExpression(conditions: readonly AttributeCondition[], prefix = 'f'): BuiltExpression {
  const attributes = new ExpressionAttributes(prefix);
  const expression = conditions.map((condition) => conditionText(attributes, condition)).join(' AND ');
  return { expression, attributes };
}

/** `#p0, #p1`: each attribute once, in the order first given. */
export function buildProjectionExpression(attributeNames: readonly string[]): BuiltExpression {
  const attributes = new ExpressionAttributes('p');
  const names = [...new Set(attributeNames)].map((name) => attributes.name(name));
  return { expression: names.join(', '), attributes };
}

function conditionText(attributes: ExpressionAttributes, condition: AttributeCondition): string {
  const name = attributes.name(condition.attribute);
  switch (condition.op) {
    case 'between':
      return `${name} BETWEEN ${attributes.value(condition.low)} AND ${attributes.value(condition.high)}`;
    case 'beginsWith':
      return `begins_with(${name}, ${attributes.value(condition.value)})`;
    case 'contains':
      return `contains(${name}, ${attributes.value(condition.value)})`;
    case 'exists':
      return condition.exists ? `attribute_exists(${name})` : `attribute_not_exists(${name})`;
    case 'in':
      return `${name} IN (${condition.values.map((value) => attributes.value(value)).join(', ')})`;
    default:
      return `${name} ${COMPARATORS[condition.op]} ${attributes.value(condition.value)}`;
  }
}
