import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityValidationError, InvalidArgumentError } from '../../errors';
import { componentText, END, escapeKeyText, indexPartitionPrefix } from '../../keys/index-key';
import { sortKeyCondition } from '../../keys/index-key-range';
import type { SortKeyCondition, SortRange } from '../../keys/index-key-range';
import type { CompiledShape } from '../../marshalling/codec';
import type { ViolationSink } from '../../marshalling/violations';
import { LIMITS } from '../../metadata/attributes';
import type { EntityMetadata, IndexKeyField, IndexMetadata } from '../../metadata/types';

/**
 * `where` of an index query -> the index partition key and the sort-key condition, checked before
 * any request: values are marshalled with the field's codec (as a write would store them), then
 * turned into the key text of `index-key.ts`.
 */

export interface IndexKeyCondition {
  readonly partition: string;
  /** Undefined: the whole partition. `empty`: nothing can match, so no request is needed. */
  readonly sort: SortKeyCondition | undefined;
}

const RANGE_OPS: ReadonlySet<string> = new Set(['eq', 'lt', 'lte', 'gt', 'gte', 'between', 'beginsWith']);

/** "Article index byStatus is keyed by status, then publishedAt, slug" */
export function describeIndex(meta: EntityMetadata, index: IndexMetadata): string {
  const partition = index.partition.map((f) => f.property).join(', ');
  const sort = index.sort.map((f) => f.property).join(', ');
  return `${meta.className} index ${index.name} is keyed by ${partition}${sort ? `, then ${sort}` : ''}`;
}

export function indexNamed(meta: EntityMetadata, name: unknown): IndexMetadata {
  const index = meta.indexes.find((i) => i.name === name);
  if (index) return index;
  const known = meta.indexes.map((i) => i.name).join(', ');
  throw new InvalidArgumentError(`${meta.className} has no index ${JSON.stringify(name)} (its indexes: ${known || 'none'}).`, meta.className, {
    hint: known ? undefined : 'Declare one with @Index(name, { partition, sort }).',
  });
}

/** Values a caller gives as marshalled attributes, or an EntityValidationError naming the field. */
export function encodeFieldValue(meta: EntityMetadata, plan: CompiledShape, property: string, value: unknown): AttributeValue {
  const field = plan.byProperty.get(property);
  const sink: ViolationSink = [];
  const attribute = value === undefined || value === null ? undefined : field?.codec.encode(value, property, sink, 1);
  if (sink.length > 0) throw new EntityValidationError(meta.className, sink);
  if (attribute === undefined) {
    throw new InvalidArgumentError(`${meta.className}.${property}: a condition needs a value, got ${String(value)}.`, meta.className);
  }
  return attribute;
}

const LOWER_OPS: ReadonlySet<string> = new Set(['gt', 'gte']);
const UPPER_OPS: ReadonlySet<string> = new Set(['lt', 'lte']);

/**
 * The operator of a condition object: `{ gte: 5 }` -> ['gte', 5]; a plain value is `eq`. The one
 * pair allowed is a lower and an upper bound (`{ gte: from, lt: to }`), returned as `range`.
 */
function operatorOf(value: unknown, fail: (why: string) => never): [string, unknown] {
  if (typeof value !== 'object' || value === null || value instanceof Date) return ['eq', value];
  const keys = Object.keys(value);
  const record = value as Record<string, unknown>;
  if (keys.length === 1 && RANGE_OPS.has(keys[0] as string)) return [keys[0] as string, record[keys[0] as string]];
  const lower = keys.filter((key) => LOWER_OPS.has(key));
  const upper = keys.filter((key) => UPPER_OPS.has(key));
  if (keys.length === 2 && lower.length === 1 && upper.length === 1) return ['range', record];
  return fail(
    `a condition object takes one of ${[...RANGE_OPS].join(', ')}, or a lower bound (gt, gte) with an upper bound (lt, lte); got { ${keys.join(', ')} }`,
  );
}

export function indexKeyCondition(meta: EntityMetadata, plan: CompiledShape, index: IndexMetadata, where: unknown): IndexKeyCondition {
  const fail = (why: string): never => {
    throw new InvalidArgumentError(
      `${meta.className}.query({ index: '${index.name}' }): ${why}.`,
      meta.className,
      {
        hint:
          `${describeIndex(meta, index)}: give every partition field by equality, then equality on leading sort fields ` +
          'and at most one condition (or one lower and one upper bound) on the next.',
      },
    );
  };
  if (typeof where !== 'object' || where === null || Array.isArray(where)) return fail('where is required');
  const given = where as Record<string, unknown>;
  const keyFields = new Set([...index.partition, ...index.sort].map((f) => f.property));
  const stray = Object.keys(given).find((property) => !keyFields.has(property) && given[property] !== undefined);
  if (stray !== undefined) fail(`where names ${stray}, which is not a key field of this index (use filter)`);
  const text = (field: IndexKeyField, value: unknown) => {
    const max = index.partition.includes(field) ? LIMITS.partitionKeyBytes : LIMITS.sortKeyBytes;
    return keyText(meta, plan, field, value, max, fail);
  };
  let partition = indexPartitionPrefix(meta, index);
  for (const field of index.partition) {
    if (given[field.property] === undefined) fail(`where needs ${field.property}`);
    const [op, value] = operatorOf(given[field.property], fail);
    if (op !== 'eq') fail(`${field.property} is a partition field: it takes a value or { eq }, not ${op}`);
    partition += text(field, value) + END;
  }
  return { partition, sort: sortCondition(index, given, text, fail) };
}

function sortCondition(
  index: IndexMetadata,
  given: Record<string, unknown>,
  text: (field: IndexKeyField, value: unknown) => string,
  fail: (why: string) => never,
): SortKeyCondition | undefined {
  const prefix: string[] = [];
  let range: SortRange | undefined;
  let rangeOn: string | undefined;
  let missing: string | undefined;
  for (const field of index.sort) {
    const condition = given[field.property];
    if (condition === undefined) {
      missing ??= field.property;
      continue;
    }
    if (rangeOn !== undefined) fail(`where has a range on ${rangeOn}, so ${field.property} after it can take no condition`);
    if (missing !== undefined) fail(`where gives ${field.property} but not ${missing}, which comes before it`);
    const [op, value] = operatorOf(condition, fail);
    if (op === 'eq') prefix.push(text(field, value));
    else {
      range = sortRange(field, op, value, text, fail);
      rangeOn = field.property;
    }
  }
  return sortKeyCondition(prefix, range);
}

function sortRange(
  field: IndexKeyField,
  op: string,
  value: unknown,
  text: (field: IndexKeyField, value: unknown) => string,
  fail: (why: string) => never,
): SortRange {
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) fail(`${field.property}: between takes [low, high]`);
    const [low, high] = value as unknown[];
    return { op, low: text(field, low), high: text(field, high) };
  }
  if (op === 'beginsWith') {
    if (field.type.kind !== 'string' || typeof value !== 'string') fail(`${field.property}: beginsWith needs a string field and a string`);
    return { op, text: escapeKeyText(value as string) };
  }
  if (op === 'range') {
    const bounds = value as Record<string, unknown>;
    const lowerOp = 'gt' in bounds ? 'gt' : 'gte';
    const upperOp = 'lt' in bounds ? 'lt' : 'lte';
    return {
      op,
      lower: { op: lowerOp, text: text(field, bounds[lowerOp]) },
      upper: { op: upperOp, text: text(field, bounds[upperOp]) },
    };
  }
  return { op: op as 'lt' | 'lte' | 'gt' | 'gte', text: text(field, value) };
}

function keyText(
  meta: EntityMetadata,
  plan: CompiledShape,
  field: IndexKeyField,
  value: unknown,
  maxBytes: number,
  fail: (why: string) => never,
): string {
  if (value === undefined || value === null) fail(`${field.property} needs a value`);
  const text = componentText(field, encodeFieldValue(meta, plan, field.property, value));
  if (text === undefined) return fail(`${field.property} cannot be ${String(value)}`);
  if (Buffer.byteLength(text, 'utf8') > maxBytes) fail(`${field.property} is longer than any index key can hold`);
  return text;
}
