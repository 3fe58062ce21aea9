import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { convertToNative } from '@aws-sdk/util-dynamodb';
import { bigintAttribute, dateAttribute, numberAttribute, numberFromText, stringAttribute } from './scalars';
import { addViolation, childPath } from './violations';
import type { ViolationSink } from './violations';
import { isWellFormed, loneSurrogateMessage } from '../keys/well-formed';

/**
 * DynamoDB nests at most 32 levels, the top-level attribute being level 1: a map or list at level 32
 * would have no room for a value. Enforcing it here also stops cyclic and absurdly deep values with a
 * validation error instead of a stack overflow. Every encoder takes the level of the value it converts.
 */
export const MAX_CONTAINER_LEVEL = 31;

export type Encoder = (value: unknown, path: string, sink: ViolationSink, level: number) => AttributeValue | undefined;

/**
 * Converts a free-form value (a field typed `Object`, `any`, or an array without element type) to an
 * attribute. JSON-like data round-trips exactly; Dates are stored as ISO strings (read back as strings:
 * declare a Date field to get Dates back). Values DynamoDB cannot hold are reported with their path.
 */
export function anyToAttribute(value: unknown, path: string, sink: ViolationSink, level: number): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return stringAttribute(value, path, sink);
    case 'number':
      return numberAttribute(value, path, sink);
    case 'boolean':
      return { BOOL: value };
    case 'bigint':
      return bigintAttribute(value, path, sink);
    case 'object':
      return value === null ? { NULL: true } : objectToAttribute(value, path, sink, level);
    default:
      addViolation(sink, path, 'storable', `${path} is a ${typeof value}, which DynamoDB cannot store`);
      return undefined;
  }
}

function objectToAttribute(value: object, path: string, sink: ViolationSink, level: number): AttributeValue | undefined {
  if (value instanceof Date) return dateAttribute(value, 'iso', path, sink);
  if (value instanceof Uint8Array) return { B: value };
  if (!containerFits(level, path, sink)) return undefined;
  if (Array.isArray(value)) return { L: arrayToList(value, path, sink, anyToAttribute, level) };
  const unsupported = unsupportedObject(value);
  if (unsupported !== undefined) {
    addViolation(sink, path, 'storable', `${path} is a ${unsupported}; store an array, a plain object or a Uint8Array instead`);
    return undefined;
  }
  const map: Record<string, AttributeValue> = {};
  for (const key of Object.keys(value)) {
    const entry = (value as Record<string, unknown>)[key];
    if (entry === undefined) continue;
    const entryPath = childPath(path, key);
    if (!mapKeyFits(key, entryPath, sink)) continue;
    const attribute = anyToAttribute(entry, entryPath, sink, level + 1);
    if (attribute) map[key] = attribute;
  }
  return { M: map };
}

/** Objects that would otherwise be stored as a map of their enumerable keys, losing what they are. */
function unsupportedObject(value: object): string | undefined {
  if (value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) {
    return value.constructor.name;
  }
  // Typed arrays other than Uint8Array would become maps of their indices.
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value.constructor.name;
  return undefined;
}

/** Whether a map or list may sit at `level`; reports it when it may not. */
export function containerFits(level: number, path: string, sink: ViolationSink): boolean {
  if (level <= MAX_CONTAINER_LEVEL) return true;
  addViolation(
    sink,
    path,
    'nestingDepth',
    `${path} nests maps or lists deeper than DynamoDB's 32 levels (or is part of a cycle); flatten it or store it as a JSON string`,
  );
  return false;
}

/**
 * Keys DynamoDB refuses (empty names), cannot encode (lone surrogates) or engines mishandle
 * (`__proto__`: dynalite drops it, moto fails, and a plain-object assignment would set a prototype).
 */
function mapKeyFits(key: string, path: string, sink: ViolationSink): boolean {
  if (key === '') {
    addViolation(sink, path, 'mapKey', `${path} has an empty key; DynamoDB map keys (attribute names) need at least one character`);
  } else if (key === '__proto__') {
    addViolation(sink, path, 'mapKey', `${path}: a "__proto__" key cannot be stored; rename the key`);
  } else if (!isWellFormed(key)) {
    addViolation(sink, path, 'unicode', loneSurrogateMessage(`the key ${JSON.stringify(key)} of ${path}`));
  } else {
    return true;
  }
  return false;
}

/** Lists keep their length and order, so `undefined` inside an array is an error rather than dropped. */
export function arrayToList(
  values: readonly unknown[],
  path: string,
  sink: ViolationSink,
  encode: Encoder,
  level: number,
): AttributeValue[] {
  const list: AttributeValue[] = new Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const element = values[i];
    const elementPath = childPath(path, i);
    if (element === undefined) {
      addViolation(sink, elementPath, 'storable', `${elementPath} is undefined; arrays cannot hold undefined (use null)`);
      continue;
    }
    list[i] = element === null ? { NULL: true } : (encode(element, elementPath, sink, level + 1) ?? { NULL: true });
  }
  return list;
}

export function anyFromAttribute(attribute: AttributeValue): unknown {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return numberFromText(attribute.N);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL !== undefined) return null;
  if (attribute.L !== undefined) return attribute.L.map(anyFromAttribute);
  if (attribute.M !== undefined) return mapFromAttributes(attribute.M);
  // Binary (a Uint8Array) and sets (written by other tools) are left to util-dynamodb.
  return convertToNative(attribute);
}

function mapFromAttributes(map: Record<string, AttributeValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(map)) {
    const value = anyFromAttribute(map[key] as AttributeValue);
    // Stored by another tool: `out.__proto__ = value` would set the prototype, so it becomes an own key.
    if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out;
}
