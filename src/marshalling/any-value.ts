import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToNative } from '@aws-sdk/util-dynamodb';
import { bigintAttribute, dateAttribute, numberAttribute, numberFromText } from './scalars';
import { addViolation, childPath } from './violations';
import type { ViolationSink } from './violations';

/**
 * Converts a free-form value (a field typed `Object`, `any`, or an array without element type) to an
 * attribute. JSON-like data round-trips exactly; Dates are stored as ISO strings (read back as strings:
 * declare a Date field to get Dates back). Values DynamoDB cannot hold are reported with their path.
 */
export function anyToAttribute(value: unknown, path: string, sink: ViolationSink): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return numberAttribute(value, path, sink);
    case 'boolean':
      return { BOOL: value };
    case 'bigint':
      return bigintAttribute(value, path, sink);
    case 'object':
      return value === null ? { NULL: true } : objectToAttribute(value, path, sink);
    default:
      addViolation(sink, path, 'storable', `${path} is a ${typeof value}, which DynamoDB cannot store`);
      return undefined;
  }
}

function objectToAttribute(value: object, path: string, sink: ViolationSink): AttributeValue | undefined {
  if (Array.isArray(value)) return { L: arrayToList(value, path, sink, anyToAttribute) };
  if (value instanceof Date) return dateAttribute(value, 'iso', path, sink);
  if (value instanceof Uint8Array) return { B: value };
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof Promise) {
    addViolation(sink, path, 'storable', `${path} is a ${value.constructor.name}; store an array or a plain object instead`);
    return undefined;
  }
  const map: Record<string, AttributeValue> = {};
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (entry === undefined) continue;
    const attribute = anyToAttribute(entry, childPath(path, key), sink);
    if (attribute) map[key] = attribute;
  }
  return { M: map };
}

export type Encoder = (value: unknown, path: string, sink: ViolationSink) => AttributeValue | undefined;

/** Lists keep their length and order, so `undefined` inside an array is an error rather than dropped. */
export function arrayToList(values: readonly unknown[], path: string, sink: ViolationSink, encode: Encoder): AttributeValue[] {
  const list: AttributeValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const element = values[i];
    const elementPath = childPath(path, i);
    if (element === undefined) {
      addViolation(sink, elementPath, 'storable', `${elementPath} is undefined; arrays cannot hold undefined (use null)`);
      continue;
    }
    list[i] = element === null ? { NULL: true } : (encode(element, elementPath, sink) ?? { NULL: true });
  }
  return list;
}

export function anyFromAttribute(attribute: AttributeValue): unknown {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return numberFromText(attribute.N);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL !== undefined) return null;
  if (attribute.L !== undefined) return attribute.L.map(anyFromAttribute);
  if (attribute.M !== undefined) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(attribute.M)) out[key] = anyFromAttribute(attribute.M[key] as AttributeValue);
    return out;
  }
  // Binary and sets (written by other tools) are left to util-dynamodb.
  return convertToNative(attribute);
}
