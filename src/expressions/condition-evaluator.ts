import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AttributeCondition } from './condition-builder';

/**
 * Conditions evaluated in JavaScript on a stored item, by DynamoDB's rules: numbers compare
 * numerically, strings and binary by their bytes, values of different types never compare (false),
 * `contains` looks into strings, lists and sets. Used to say which fields of a failed write
 * condition do not hold on the item as stored.
 */

type Item = Record<string, AttributeValue>;

/** The attributes (in condition order, each once) whose conditions do not hold on the item. */
export function failedConditionAttributes(item: Item | undefined, conditions: readonly AttributeCondition[]): string[] {
  const failed = new Set<string>();
  for (const condition of conditions) if (!holdsCondition(item, condition)) failed.add(condition.attribute);
  return [...failed];
}

export function holdsCondition(item: Item | undefined, condition: AttributeCondition): boolean {
  const stored = item?.[condition.attribute];
  switch (condition.op) {
    case 'exists':
      return (stored !== undefined) === condition.exists;
    case 'eq':
      return stored !== undefined && sameValue(stored, condition.value);
    case 'ne':
      // `a <> b` is true for an absent attribute and for values of different types.
      return stored === undefined || !sameValue(stored, condition.value);
    case 'in':
      return stored !== undefined && condition.values.some((value) => sameValue(stored, value));
    case 'between': {
      const low = compare(stored, condition.low);
      const high = compare(stored, condition.high);
      return low !== undefined && high !== undefined && low >= 0 && high <= 0;
    }
    case 'beginsWith':
      return beginsWith(stored, condition.value);
    case 'contains':
      return contains(stored, condition.value);
    default: {
      const order = compare(stored, condition.value);
      if (order === undefined) return false;
      return condition.op === 'lt' ? order < 0 : condition.op === 'lte' ? order <= 0 : condition.op === 'gt' ? order > 0 : order >= 0;
    }
  }
}

/** The order of two scalars of one type (S, N or B); undefined when absent or of different types. */
function compare(a: AttributeValue | undefined, b: AttributeValue): number | undefined {
  if (a === undefined) return undefined;
  if (a.N !== undefined && b.N !== undefined) return compareNumbers(a.N, b.N);
  if (a.S !== undefined && b.S !== undefined) return compareBytes(Buffer.from(a.S, 'utf8'), Buffer.from(b.S, 'utf8'));
  if (a.B !== undefined && b.B !== undefined) return compareBytes(a.B, b.B);
  return undefined;
}

/** DynamoDB numbers have up to 38 digits: compared exactly when both are integers, else as doubles. */
function compareNumbers(a: string, b: string): number {
  const integer = /^-?\d+$/;
  if (integer.test(a.trim()) && integer.test(b.trim())) {
    const [x, y] = [BigInt(a.trim()), BigInt(b.trim())];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const [x, y] = [Number(a), Number(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Equality of any two values: scalars by their order, sets as sets, lists and maps element by element. */
function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  const order = compare(a, b);
  if (order !== undefined) return order === 0;
  if (a.BOOL !== undefined || b.BOOL !== undefined) return a.BOOL === b.BOOL;
  if (a.NULL !== undefined || b.NULL !== undefined) return a.NULL === true && b.NULL === true;
  if (a.SS && b.SS) return sameMembers(a.SS.map((s) => ({ S: s })), b.SS.map((s) => ({ S: s })));
  if (a.NS && b.NS) return sameMembers(a.NS.map((n) => ({ N: n })), b.NS.map((n) => ({ N: n })));
  if (a.BS && b.BS) return sameMembers(a.BS.map((x) => ({ B: x })), b.BS.map((x) => ({ B: x })));
  if (a.L && b.L) return a.L.length === b.L.length && a.L.every((element, i) => sameValue(element, b.L?.[i] as AttributeValue));
  if (a.M && b.M) {
    const [ma, mb] = [a.M, b.M];
    const keys = Object.keys(ma);
    return keys.length === Object.keys(mb).length && keys.every((k) => mb[k] !== undefined && sameValue(ma[k] as AttributeValue, mb[k]));
  }
  return false;
}

function sameMembers(a: AttributeValue[], b: AttributeValue[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => sameValue(x, y)));
}

function beginsWith(stored: AttributeValue | undefined, prefix: AttributeValue): boolean {
  if (stored?.S !== undefined && prefix.S !== undefined) return stored.S.startsWith(prefix.S);
  if (stored?.B !== undefined && prefix.B !== undefined) {
    const [s, p] = [Buffer.from(stored.B), Buffer.from(prefix.B)];
    return s.length >= p.length && s.subarray(0, p.length).equals(p);
  }
  return false;
}

function contains(stored: AttributeValue | undefined, operand: AttributeValue): boolean {
  if (stored === undefined) return false;
  if (stored.S !== undefined) return operand.S !== undefined && stored.S.includes(operand.S);
  if (stored.B !== undefined) return operand.B !== undefined && Buffer.from(stored.B).includes(Buffer.from(operand.B));
  if (stored.L) return stored.L.some((element) => sameValue(element, operand));
  if (stored.SS) return operand.S !== undefined && stored.SS.includes(operand.S);
  if (stored.NS) return operand.N !== undefined && stored.NS.some((n) => compareNumbers(n, operand.N as string) === 0);
  if (stored.BS) return operand.B !== undefined && stored.BS.some((b) => compareBytes(b, operand.B as Uint8Array) === 0);
  return false;
}
