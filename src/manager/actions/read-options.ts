import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../../errors';
import type { AttributeCondition, SortKeyExpression } from '../../expressions';
import type { CompiledShape } from '../../marshalling/codec';
import { ATTR } from '../../metadata/attributes';
import type { EntityMetadata } from '../../metadata/types';
import { encodeFieldValue } from './key-conditions';

/** `filter`, `select` and `createdAfter`/`createdBefore` of a query, checked and translated before any request. */

const COMPARISONS: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'lte', 'gt', 'gte']);
const FILTER_OPS = [...COMPARISONS, 'between', 'beginsWith', 'contains', 'exists', 'in'];
/** DynamoDB's limit of operands of IN. */
const MAX_IN_VALUES = 100;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/**
 * The filter's conditions, field by field and operator by operator, all ANDed. `label` names the
 * option in messages (`filter` of a query, `condition` of a write).
 */
export function filterConditions(meta: EntityMetadata, plan: CompiledShape, filter: unknown, label = 'filter'): AttributeCondition[] {
  if (filter === undefined) return [];
  const fail = (why: string): never => {
    throw new InvalidArgumentError(`${meta.className} ${label}: ${why}.`, meta.className);
  };
  if (!isPlainObject(filter)) return fail('pass an object of { field: { operator: value } }');
  const conditions: AttributeCondition[] = [];
  for (const [property, condition] of Object.entries(filter)) {
    if (condition === undefined) continue;
    if (!plan.byProperty.has(property)) {
      fail(`${property} is not a @Field() of ${meta.className} (its fields: ${plan.fields.map((f) => f.property).join(', ')})`);
    }
    if (!isPlainObject(condition) || Object.keys(condition).length === 0) {
      fail(`${property} takes an object of operators (${FILTER_OPS.join(', ')}), e.g. { eq: value }`);
    }
    for (const [op, value] of Object.entries(condition as Record<string, unknown>)) {
      conditions.push(fieldCondition(meta, plan, property, op, value, fail));
    }
  }
  return conditions;
}

function fieldCondition(
  meta: EntityMetadata,
  plan: CompiledShape,
  attribute: string,
  op: string,
  value: unknown,
  fail: (why: string) => never,
): AttributeCondition {
  const encode = (v: unknown) => encodeFieldValue(meta, plan, attribute, v);
  const kind = meta.shape.fields.find((f) => f.property === attribute)?.type.kind;
  if (COMPARISONS.has(op)) return { attribute, op: op as 'eq', value: encode(value) };
  switch (op) {
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) return fail(`${attribute}: between takes [low, high]`);
      return { attribute, op, low: encode(value[0]), high: encode(value[1]) };
    }
    case 'beginsWith':
      if (kind !== 'string' || typeof value !== 'string') return fail(`${attribute}: beginsWith needs a string field and a string`);
      return { attribute, op, value: encode(value) };
    case 'contains':
      return { attribute, op, value: containedValue(attribute, kind, value, encode, fail) };
    case 'exists':
      if (typeof value !== 'boolean') return fail(`${attribute}: exists takes true or false`);
      return { attribute, op, exists: value };
    case 'in':
      if (!Array.isArray(value) || value.length < 1 || value.length > MAX_IN_VALUES) {
        return fail(`${attribute}: in takes an array of 1 to ${MAX_IN_VALUES} values`);
      }
      return { attribute, op, values: value.map(encode) };
    default:
      return fail(`${attribute}: unknown operator ${JSON.stringify(op)} (operators: ${FILTER_OPS.join(', ')})`);
  }
}

/** A substring of a string field, or one element of a list field (marshalled as the list would store it). */
function containedValue(
  attribute: string,
  kind: string | undefined,
  value: unknown,
  encode: (v: unknown) => AttributeValue,
  fail: (why: string) => never,
): AttributeValue {
  if (kind === 'string' && typeof value === 'string') return encode(value);
  if (kind === 'array' && value !== undefined && value !== null) {
    const element = encode([value]).L?.[0];
    if (element !== undefined) return element;
  }
  return fail(`${attribute}: contains needs a string field and a string, or a list field and one element`);
}

/**
 * The attributes a `select` reads: the fields named, plus what the library needs to hydrate the
 * entity and to resume after it (keys, bookkeeping, the str id and the index keys of the cursor).
 */
export function projectionOf(meta: EntityMetadata, plan: CompiledShape, select: unknown, keyAttributes: readonly string[]): string[] | undefined {
  if (select === undefined) return undefined;
  if (!Array.isArray(select)) {
    throw new InvalidArgumentError(`${meta.className} select: pass an array of field names.`, meta.className);
  }
  const managed: string[] = [ATTR.pk, ATTR.sk, ATTR.uid, ATTR.version, meta.strIdProperty, ...keyAttributes];
  for (const property of select) {
    if (typeof property !== 'string' || !(plan.byProperty.has(property) || managed.includes(property))) {
      throw new InvalidArgumentError(
        `${meta.className} select: ${String(property)} is not a @Field() of ${meta.className} (its fields: ${plan.fields.map((f) => f.property).join(', ')}).`,
        meta.className,
      );
    }
  }
  return [...new Set([...managed, ...(select as string[])])];
}

/** UUIDv7: the first 48 bits are Unix milliseconds, so uid order is creation order. */
const MAX_UID_MILLIS = 2 ** 48 - 1;

/** The first 13 characters of every uid made in millisecond `ms`: `xxxxxxxx-xxxx`. */
function uidPrefix(ms: number): string {
  const hex = ms.toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8)}`;
}

export interface CreatedRange {
  /** Undefined: no bound. */
  readonly sort?: SortKeyExpression;
  /** No uid can match: answer without a request. */
  readonly empty: boolean;
  /** Whether a uid (a cursor's) lies in the range. */
  contains(uid: string): boolean;
}

/**
 * `createdAfter` / `createdBefore` (both exclusive) as a key condition on the type index's uid: a
 * uid made after millisecond `a` starts at or above `uidPrefix(a + 1)`; one made before `b` is below
 * `uidPrefix(b)` (every uid is longer than the prefix, so an inclusive bound on it excludes them).
 */
export function createdRange(meta: EntityMetadata, after: unknown, before: unknown): CreatedRange {
  const millis = (value: unknown, name: string): number | undefined => {
    if (value === undefined) return undefined;
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      throw new InvalidArgumentError(`${meta.className} ${name} must be a valid Date, got ${String(value)}.`, meta.className);
    }
    return value.getTime();
  };
  const afterMs = millis(after, 'createdAfter');
  const beforeMs = millis(before, 'createdBefore');
  const low = afterMs === undefined ? undefined : Math.max(0, afterMs + 1);
  const high = beforeMs === undefined ? undefined : Math.min(beforeMs, MAX_UID_MILLIS + 1);
  const empty = (low !== undefined && low > MAX_UID_MILLIS) || (high !== undefined && high <= 0) || (low !== undefined && high !== undefined && low >= high);
  const lowText = low === undefined || empty ? undefined : uidPrefix(low);
  const highText = high === undefined || empty || high > MAX_UID_MILLIS ? undefined : uidPrefix(high);
  const attribute = ATTR.uid;
  const sort: SortKeyExpression | undefined =
    lowText !== undefined && highText !== undefined
      ? { attribute, op: 'between', low: { S: lowText }, high: { S: highText } }
      : lowText !== undefined
        ? { attribute, op: 'gte', value: { S: lowText } }
        : highText !== undefined
          ? { attribute, op: 'lt', value: { S: highText } }
          : undefined;
  return {
    sort,
    empty,
    contains: (uid) => !empty && (lowText === undefined || uid >= lowText) && (highText === undefined || uid < highText),
  };
}
