/**
 * Exact bounds for ranges of raw string keys (a child's sort key is `<type>#` followed by its str id
 * as is). DynamoDB compares strings by their UTF-8 bytes and allows one condition on the sort key,
 * so `id > v` and `id < v` must become inclusive bounds that select exactly the same keys.
 */

/** The least string above `key`: nothing sorts between a string and itself followed by U+0000. */
export function leastKeyAbove(key: string): string {
  return key + '\u0000';
}

/**
 * The greatest well-formed string of at most `maxBytes` UTF-8 bytes below `key`, or undefined when
 * none is (`key` is empty). Keys are bounded, so it exists: the last code point lowered by one, then
 * filled up to `maxBytes` with the greatest code points that fit (U+10FFFF, then the greatest of 3, 2
 * and 1 bytes); or, when the last code point is U+0000, the key without it.
 */
export function greatestKeyBelow(key: string, maxBytes: number): string | undefined {
  if (key.length === 0) return undefined;
  const last = key.codePointAt(key.length - 1 - (isLowSurrogate(key.charCodeAt(key.length - 1)) ? 1 : 0)) as number;
  const head = key.slice(0, key.length - (last > 0xffff ? 2 : 1));
  if (last === 0) return head;
  const lowered = head + String.fromCodePoint(last - 1 >= 0xd800 && last - 1 <= 0xdfff ? 0xd7ff : last - 1);
  let room = maxBytes - Buffer.byteLength(lowered, 'utf8');
  let filled = lowered;
  if (room >= 4) {
    filled += '\u{10FFFF}'.repeat(Math.floor(room / 4));
    room %= 4;
  }
  if (room > 0) filled += GREATEST_OF_WIDTH[room];
  return filled;
}

/** The greatest code point encoded in 1, 2 and 3 UTF-8 bytes (U+FFFF is a noncharacter, but well-formed). */
const GREATEST_OF_WIDTH = ['', '\u007f', '\u07ff', '\uffff'] as const;

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
