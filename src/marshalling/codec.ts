import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ClassShape, ValueType } from '../metadata/types';
import { anyFromAttribute, anyToAttribute, arrayToList, containerFits } from './any-value';
import type { Encoder } from './any-value';
import { bigintFromText } from '../keys/number-text';
import {
  bigintAttribute,
  dateAttribute,
  dateFromAttribute,
  dateFromInput,
  numberAttribute,
  stringAttribute,
} from './scalars';
import { addViolation, childPath } from './violations';
import type { ViolationSink } from './violations';

/** The three conversions of one value type, compiled once per field at registration. */
export interface Codec {
  /** Class value -> attribute; reports what cannot be stored. Never called with undefined or null. */
  readonly encode: Encoder;
  /** Attribute -> class value. Never called with a NULL attribute. */
  readonly decode: (attribute: AttributeValue) => unknown;
  /**
   * Plain input (a JSON body) -> class value: nested plain objects become class instances. `level` is
   * counted as in `encode`, so that deep or cyclic input is reported rather than overflowing the stack.
   */
  readonly fromInput: (value: unknown, path: string, sink: ViolationSink, level: number) => unknown;
}

export interface CompiledField {
  readonly property: string;
  readonly codec: Codec;
}

export interface CompiledShape {
  readonly shape: ClassShape;
  readonly fields: readonly CompiledField[];
  readonly byProperty: ReadonlyMap<string, CompiledField>;
}

const identity = (value: unknown): unknown => value;

export function compileCodec(type: ValueType, compileShape: (shape: ClassShape) => CompiledShape): Codec {
  switch (type.kind) {
    case 'string':
      return primitive('string', (value, path, sink) => stringAttribute(value as string, path, sink), (a) => a.S);
    case 'boolean':
      return primitive('boolean', (value) => ({ BOOL: value as boolean }), (a) => a.BOOL);
    case 'number':
      return primitive('number', (value, path, sink) => numberAttribute(value as number, path, sink), (a) => Number(a.N));
    case 'bigint':
      return primitive('bigint', (value, path, sink) => bigintAttribute(value as bigint, path, sink), (a) => bigintFromText(a.N as string));
    case 'date':
      return {
        encode: (value, path, sink) =>
          value instanceof Date ? dateAttribute(value, type.format, path, sink) : mismatch('a Date', value, path, sink),
        decode: (attribute) => dateFromAttribute(attribute, type.format),
        fromInput: dateFromInput,
      };
    case 'any':
      return { encode: anyToAttribute, decode: anyFromAttribute, fromInput: identity };
    case 'binary':
      return binaryCodec(type.buffer);
    case 'array':
      return arrayCodec(compileCodec(type.element, compileShape));
    case 'class':
      return classCodec(type.shape, compileShape);
  }
}

/** A scalar has no nesting level to check. */
type ScalarEncoder = (value: unknown, path: string, sink: ViolationSink) => AttributeValue | undefined;

function primitive(
  expected: 'string' | 'number' | 'boolean' | 'bigint',
  toAttribute: ScalarEncoder,
  decode: (attribute: AttributeValue) => unknown,
): Codec {
  return {
    encode: (value, path, sink) =>
      typeof value === expected ? toAttribute(value, path, sink) : mismatch(`a ${expected}`, value, path, sink),
    decode,
    fromInput: identity,
  };
}

/**
 * The SDK reads binary as a Uint8Array; a field declared `Buffer` gets a Buffer over the same memory
 * (no copy), so that Buffer methods and `Buffer.isBuffer` keep working after a load.
 */
function binaryCodec(buffer: boolean): Codec {
  const expected = buffer ? 'a Buffer' : 'a Uint8Array';
  return {
    encode: (value, path, sink) => (value instanceof Uint8Array ? { B: value } : mismatch(expected, value, path, sink)),
    decode: ({ B: bytes }) => (buffer && bytes !== undefined ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes),
    fromInput: identity,
  };
}

function arrayCodec(element: Codec): Codec {
  return {
    encode: (value, path, sink, level) => {
      if (!Array.isArray(value)) return mismatch('an array', value, path, sink);
      return containerFits(level, path, sink) ? { L: arrayToList(value, path, sink, element.encode, level) } : undefined;
    },
    decode: (attribute) => (attribute.L ?? []).map((item) => (item.NULL ? null : element.decode(item))),
    fromInput: (value, path, sink, level) => {
      if (!Array.isArray(value) || !containerFits(level, path, sink)) return value;
      return value.map((item, i) =>
        item === null || item === undefined ? item : element.fromInput(item, childPath(path, i), sink, level + 1),
      );
    },
  };
}

function classCodec(shape: ClassShape, compileShape: (shape: ClassShape) => CompiledShape): Codec {
  // Resolved on first use: a class may contain itself, and its plan may still be compiling now.
  let compiled: CompiledShape | undefined;
  const plan = () => (compiled ??= compileShape(shape));
  return {
    encode: (value, path, sink, level) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return mismatch(`a ${shape.className}`, value, path, sink);
      if (!containerFits(level, path, sink)) return undefined;
      return { M: encodeFields(plan(), value as Record<string, unknown>, path, sink, {}, level + 1) };
    },
    // Only declared fields are copied, so a stored `__proto__` key (or any unknown one) is never assigned.
    decode: (attribute) => decodeFields(plan(), attribute.M ?? {}),
    fromInput: (value, path, sink, level) =>
      containerFits(level, path, sink) ? shapeFromInput(plan(), value, path, sink, undefined, level + 1) : value,
  };
}

/**
 * The fields of a class value as a map of attributes; undefined fields are not written. `level` is the
 * nesting level of the fields: 1 for an entity's top-level attributes.
 */
export function encodeFields(
  plan: CompiledShape,
  value: Record<string, unknown>,
  path: string,
  sink: ViolationSink,
  into: Record<string, AttributeValue> = {},
  level = 1,
): Record<string, AttributeValue> {
  for (const field of plan.fields) {
    const fieldValue = value[field.property];
    if (fieldValue === undefined) continue;
    if (fieldValue === null) {
      into[field.property] = { NULL: true };
      continue;
    }
    const attribute = field.codec.encode(fieldValue, childPath(path, field.property), sink, level);
    if (attribute !== undefined) into[field.property] = attribute;
  }
  return into;
}

/** A new instance of the shape's class, built without running its constructor. */
export function decodeFields(
  plan: CompiledShape,
  map: Record<string, AttributeValue>,
  into: Record<string, unknown> = Object.create(plan.shape.target.prototype) as Record<string, unknown>,
): Record<string, unknown> {
  for (const field of plan.fields) {
    const attribute = map[field.property];
    if (attribute === undefined) continue;
    into[field.property] = attribute.NULL ? null : field.codec.decode(attribute);
  }
  return into;
}

/**
 * Plain input -> instance of the shape's class: runs the constructor (so defaults apply), copies the
 * known properties and reports unknown ones: silently dropping a misspelt property would lose data.
 * Keys in `skip` are the caller's to handle (an entity's managed `uid` and `version`).
 */
export function shapeFromInput(
  plan: CompiledShape,
  value: unknown,
  path: string,
  sink: ViolationSink,
  skip?: ReadonlySet<string>,
  level = 1,
): unknown {
  const target = plan.shape.target as new () => Record<string, unknown>;
  if (value instanceof target || value === null || value === undefined) return value;
  if (typeof value !== 'object' || Array.isArray(value)) return mismatch(`a ${plan.shape.className}`, value, path, sink);
  const instance = new target();
  for (const key of Object.keys(value)) {
    if (skip !== undefined && skip.has(key)) continue;
    const input = (value as Record<string, unknown>)[key];
    const field = plan.byProperty.get(key);
    const keyPath = childPath(path, key);
    if (!field) addViolation(sink, keyPath, 'unknownProperty', `${keyPath} is not a field of ${plan.shape.className}`);
    else if (input !== undefined) instance[key] = input === null ? null : field.codec.fromInput(input, keyPath, sink, level);
  }
  return instance;
}

function mismatch(expected: string, value: unknown, path: string, sink: ViolationSink): undefined {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  addViolation(sink, path, 'type', `${path} must be ${expected}, got ${actual}`);
  return undefined;
}
