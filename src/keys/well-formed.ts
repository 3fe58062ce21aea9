/** `String.prototype.isWellFormed` (ES2024, in Node >= 20); the TypeScript lib we compile with stops at ES2022. */
interface WellFormedCheck {
  isWellFormed(): boolean;
}

/**
 * Whether `text` is well-formed UTF-16 (no lone surrogate). DynamoDB stores strings as UTF-8, which
 * cannot encode a lone surrogate: dynalite replaces it by U+FFFD (so `a\ud800` and `a\udc00` become one
 * key) and moto fails with HTTP 500. The native check is O(1) for one-byte strings, the common case.
 */
export function isWellFormed(text: string): boolean {
  return (text as unknown as WellFormedCheck).isWellFormed();
}

export function loneSurrogateMessage(subject: string): string {
  return `${subject} holds a lone surrogate (not well-formed UTF-16), which DynamoDB cannot store as UTF-8`;
}
