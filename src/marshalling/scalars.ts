import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DateFormat } from '../metadata/types';
import { addViolation } from './violations';
import type { ViolationSink } from './violations';
import { isWellFormed, loneSurrogateMessage } from '../keys/well-formed';
import { decimalOf, sameDecimal } from '../keys/number-text';

/** DynamoDB numbers: at most 38 significant digits, magnitude in [1e-130, 1e126). */
const MAX_SIGNIFICANT_DIGITS = 38;

export function stringAttribute(value: string, path: string, sink: ViolationSink): AttributeValue | undefined {
  if (isWellFormed(value)) return { S: value };
  addViolation(sink, path, 'unicode', loneSurrogateMessage(path));
  return undefined;
}

export function numberAttribute(value: number, path: string, sink: ViolationSink): AttributeValue | undefined {
  if (!Number.isFinite(value)) {
    addViolation(sink, path, 'isFinite', `${path} is ${value}, which DynamoDB cannot store; use a finite number or null`);
    return undefined;
  }
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e126 || magnitude < 1e-130)) {
    addViolation(sink, path, 'numberRange', `${path} is ${value}; DynamoDB numbers must lie within 1e-130 and 1e126`);
    return undefined;
  }
  return { N: String(value) };
}

export function bigintAttribute(value: bigint, path: string, sink: ViolationSink): AttributeValue | undefined {
  const digits = (value < 0n ? -value : value).toString();
  const significant = digits.replace(/0+$/, '').length;
  if (significant > MAX_SIGNIFICANT_DIGITS || digits.length > 126) {
    addViolation(
      sink,
      path,
      'numberPrecision',
      `${path} has ${significant} significant digits; DynamoDB numbers hold at most ${MAX_SIGNIFICANT_DIGITS} (store it as a string)`,
    );
    return undefined;
  }
  return { N: value.toString() };
}

export function dateAttribute(value: Date, format: DateFormat, path: string, sink: ViolationSink): AttributeValue | undefined {
  const time = value.getTime();
  if (Number.isNaN(time)) {
    addViolation(sink, path, 'isDate', `${path} is an invalid Date`);
    return undefined;
  }
  if (format === 'iso') return { S: value.toISOString() };
  return { N: String(format === 'epochSeconds' ? Math.floor(time / 1000) : time) };
}

export function dateFromAttribute(attribute: AttributeValue, format: DateFormat): Date {
  if (attribute.S !== undefined) return parseStoredIso(attribute.S);
  const number = Number(attribute.N);
  return new Date(format === 'epochSeconds' ? number * 1000 : number);
}

/** Where `toISOString()` puts digits in `YYYY-MM-DDTHH:mm:ss.sssZ`; the other characters are `-T:.Z`. */
const ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];

function hasStoredIsoShape(text: string): boolean {
  if (text.length !== 24) return false;
  const c = (at: number) => text.charCodeAt(at);
  // - - T : : . Z
  if (c(4) !== 45 || c(7) !== 45 || c(10) !== 84 || c(13) !== 58 || c(16) !== 58 || c(19) !== 46 || c(23) !== 90) return false;
  for (let i = 0; i < ISO_DIGITS.length; i += 1) {
    const code = text.charCodeAt(ISO_DIGITS[i] as number);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** The two-digit number at `at` (digits checked by hasStoredIsoShape). */
function twoDigits(text: string, at: number): number {
  return (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number);
}

/**
 * A stored ISO date. The library writes them with `toISOString()`, which for years 100 to 9999 is
 * always `YYYY-MM-DDTHH:mm:ss.sssZ`: read by position, about twice as fast as `new Date(text)`,
 * which showed in profiles of every page of a listing. Anything else (another writer's text, years
 * outside that range, an impossible day or time) goes to `new Date(text)`, so the result is the same.
 */
export function parseStoredIso(text: string): Date {
  if (!hasStoredIsoShape(text)) return new Date(text);
  const year = twoDigits(text, 0) * 100 + twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hours = twoDigits(text, 11);
  const minutes = twoDigits(text, 14);
  const seconds = twoDigits(text, 17);
  // Date.UTC maps years below 100 to 19xx and rolls over out-of-range parts: the parser decides those.
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hours > 23 || minutes > 59 || seconds > 59) {
    return new Date(text);
  }
  const milliseconds = twoDigits(text, 20) * 10 + text.charCodeAt(22) - 48;
  return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, milliseconds));
}

/** Accepts what a JSON body carries for a Date field: a Date, an ISO string or epoch milliseconds. */
export function dateFromInput(value: unknown, path: string, sink: ViolationSink): unknown {
  if (value instanceof Date || value === null) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  addViolation(sink, path, 'isDate', `${path} must be a Date, an ISO-8601 string or epoch milliseconds`);
  return value;
}

/** From 2^53 on, not every integer is a double: the text decides between a number and a bigint. */
const EXACT_INTEGERS = 2 ** 53;

/**
 * A free-form N attribute as a JS value. Below 2^53 in magnitude: the number (the nearest double).
 * From 2^53 on, a number when the text is a double's own value, else the exact bigint of an integer.
 * Engines respell numbers (`-9.936823498258001e+33` may come back as 34 digits), so the decimal value
 * decides, compared by significant digits and exponent, never by spelling.
 */
export function numberFromText(text: string): number | bigint {
  const number = Number(text);
  return Math.abs(number) < EXACT_INTEGERS ? number : largeNumberFromText(text, number);
}

function largeNumberFromText(text: string, number: number): number | bigint {
  const decimal = decimalOf(text);
  // Not an integer, not a number, or beyond DynamoDB's 1e126 (not from DynamoDB): the nearest number.
  if (decimal === undefined || decimal.exponent < 0 || decimal.exponent > 126) return number;
  // How JavaScript writes this double (what we store for a number field), whatever the engine's spelling.
  if (sameDecimal(decimal, decimalOf(String(number)))) return number;
  const exact = BigInt(`${decimal.negative ? '-' : ''}${decimal.digits}${'0'.repeat(decimal.exponent)}`);
  // The double's exact integer value (2^60 spelt in full): the number loses nothing.
  return Number.isFinite(number) && BigInt(number) === exact ? number : exact;
}

