import { END } from './index-key';

/**
 * The key condition on an index sort key that selects exactly the entities whose sort fields match:
 * equality on a prefix of the sort fields, then at most one range on the next one. Works on the
 * component texts of `index-key.ts` (each value's order-preserving text, without END).
 *
 * Why the bounds are exact: after the equal prefix P, an entity whose next field is v has a key
 * starting with `P + text(v) + END`; one with a greater value w has `P + text(w)` greater than
 * `P + text(v) + END` (a longer text continues with a character or escape above END); one with a
 * missing value has `P + MISSING`, below `P + END`; and no stored key ends right after a value's
 * text or after an escape's first character, so inclusive bounds of that shape never meet a key.
 */
export type SortKeyCondition =
  | { readonly kind: 'beginsWith'; readonly prefix: string }
  | { readonly kind: 'between'; readonly low: string; readonly high: string }
  | { readonly kind: 'gte'; readonly value: string }
  /** No key can match (e.g. `lt: ''`, or `between` with its bounds reversed): answer without a request. */
  | { readonly kind: 'empty' };

export type SortRange =
  | { readonly op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte'; readonly text: string }
  | { readonly op: 'between'; readonly low: string; readonly high: string }
  /** A lower and an upper bound together (`{ gte: from, lt: to }`); either may be absent. */
  | { readonly op: 'range'; readonly lower?: SortBound<'gt' | 'gte'>; readonly upper?: SortBound<'lt' | 'lte'> }
  /** `text` is the escaped prefix of a string value. */
  | { readonly op: 'beginsWith'; readonly text: string };

export interface SortBound<Op extends string> {
  readonly op: Op;
  readonly text: string;
}

/** One above END: the first text after every key whose value equals the one before it. */
const AFTER_EQUAL = ' $';

/**
 * The condition for sort fields: `prefix` holds the texts of the leading fields given by equality,
 * `range` the condition on the next field, if any. Undefined when nothing limits the sort key.
 */
export function sortKeyCondition(prefix: readonly string[], range?: SortRange): SortKeyCondition | undefined {
  let equal = '';
  for (const text of prefix) equal += text + END;
  if (range === undefined) return equal === '' ? undefined : { kind: 'beginsWith', prefix: equal };
  switch (range.op) {
    case 'eq':
      return { kind: 'beginsWith', prefix: equal + range.text + END };
    case 'beginsWith':
      // An empty prefix still requires a value: a missing one (MISSING) sorts before END.
      return range.text === '' ? upFrom(equal, equal + END) : { kind: 'beginsWith', prefix: equal + range.text };
    case 'lt':
      return between(equal + END, equal + range.text);
    case 'lte':
      return between(equal + END, equal + range.text + AFTER_EQUAL);
    case 'gt':
      return upFrom(equal, equal + range.text + AFTER_EQUAL);
    case 'gte':
      return upFrom(equal, equal + range.text + END);
    case 'between':
      return between(equal + range.low + END, equal + range.high + AFTER_EQUAL);
    case 'range':
      return boundedRange(equal, range.lower, range.upper);
  }
}

/** Keys between a lower and an upper bound on the field after the equal prefix, each optional. */
function boundedRange(equal: string, lower?: SortBound<'gt' | 'gte'>, upper?: SortBound<'lt' | 'lte'>): SortKeyCondition {
  // Without a lower bound, a value is still required: MISSING sorts before the empty value's END.
  const low = lower === undefined ? equal + END : equal + lower.text + (lower.op === 'gt' ? AFTER_EQUAL : END);
  if (upper === undefined) return upFrom(equal, low);
  return between(low, equal + upper.text + (upper.op === 'lte' ? AFTER_EQUAL : ''));
}

function between(low: string, high: string): SortKeyCondition {
  return compareUtf8(low, high) > 0 ? { kind: 'empty' } : { kind: 'between', low, high };
}

/** DynamoDB's order of strings: their UTF-8 bytes (not JavaScript's UTF-16 code units). */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Keys from `low` up, within the equal prefix when there is one. */
function upFrom(equal: string, low: string): SortKeyCondition {
  if (equal === '') return { kind: 'gte', value: low };
  // The prefix ends with END; with its last character raised by one it bounds every key that starts with it.
  const high = equal.slice(0, -1) + String.fromCharCode(equal.charCodeAt(equal.length - 1) + 1);
  return { kind: 'between', low, high };
}

/** Whether a stored sort key satisfies the condition, as DynamoDB compares strings (UTF-8 bytes). */
export function matchesSortKeyCondition(key: string, condition: SortKeyCondition | undefined): boolean {
  if (condition === undefined) return true;
  const compare = compareUtf8;
  switch (condition.kind) {
    case 'beginsWith':
      return key.startsWith(condition.prefix);
    case 'gte':
      return compare(key, condition.value) >= 0;
    case 'between':
      return compare(key, condition.low) >= 0 && compare(key, condition.high) <= 0;
    case 'empty':
      return false;
  }
}
