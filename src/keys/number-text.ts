/**
 * Number attributes as text: DynamoDB and local engines may spell one value several ways (`1E+30`,
 * `1000000000000000000000000000000`, `1.0`), so exact readings go through the decimal value, never
 * the spelling.
 */

/** A decimal as sign, significant digits (no leading or trailing zeros) and the power of ten they scale by. */
export interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function decimalOf(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text);
  if (match === null) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const all = whole + fraction;
  const start = all.search(/[1-9]/);
  if (start < 0) return { negative: false, digits: '', exponent: 0 };
  let end = all.length;
  while (all.charCodeAt(end - 1) === 48) end -= 1; // trailing zeros move into the exponent
  return { negative: sign === '-', digits: all.slice(start, end), exponent: Number(exponent) - fraction.length + (all.length - end) };
}

export function sameDecimal(a: Decimal, b: Decimal | undefined): boolean {
  return b !== undefined && a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}

/**
 * The exact integer a number attribute holds, in any spelling (`1E+30` included); undefined when it
 * is not an integer (or not a number).
 */
export function integerFromText(text: string): bigint | undefined {
  const decimal = decimalOf(text);
  if (decimal === undefined || decimal.exponent < 0) return undefined;
  if (decimal.digits === '') return 0n;
  return BigInt(`${decimal.negative ? '-' : ''}${decimal.digits}${'0'.repeat(decimal.exponent)}`);
}

/** A bigint field's stored value: exact in any spelling; text that is no integer fails as BigInt() does. */
export function bigintFromText(text: string): bigint {
  return integerFromText(text) ?? BigInt(text);
}
