import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DateFormat } from '../metadata/types';
import { addViolation } from './violations';
import type { ViolationSink } from './violations';

/** DynamoDB numbers: at most 38 significant digits, magnitude in [1e-130, 1e126). */
const MAX_SIGNIFICANT_DIGITS = 38;

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
  if (attribute.S !== undefined) return new Date(attribute.S);
  const number = Number(attribute.N);
  return new Date(format === 'epochSeconds' ? number * 1000 : number);
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

/**
 * A free-form N attribute as a JS value. Engines normalise numbers ("9.99e125" may come back as 126
 * digits), so the digits decide, not the spelling: up to 15 significant digits a double holds them
 * exactly; beyond, an integer a double cannot hold exactly comes back as a bigint, anything else as
 * the nearest number.
 */
export function numberFromText(text: string): number | bigint {
  const number = Number(text);
  if (Number.isSafeInteger(number) || !/^-?\d+$/.test(text)) return number;
  if (text.replace(/^-?0*/, '').replace(/0+$/, '').length <= 15) return number;
  const exact = BigInt(text);
  return BigInt(number) === exact ? number : exact;
}
