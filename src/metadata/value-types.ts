import { MetadataError } from '../errors';
import { getRegistry, memoizePerClass } from './registry';
import type { ClassShape, Constructor, DateFormat, FieldMetadata, FieldOptions, TypeHint, ValueType } from './types';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage.js';

const UNSUPPORTED: ReadonlyMap<unknown, string> = new Map<unknown, string>([
  [Map, 'Map'],
  [Set, 'Set'],
  [WeakMap, 'WeakMap'],
  [WeakSet, 'WeakSet'],
  [Promise, 'Promise'],
  [Function, 'Function'],
  [Symbol, 'Symbol'],
]);

const PRIMITIVES: ReadonlyMap<unknown, ValueType> = new Map<unknown, ValueType>([
  [String, { kind: 'string' }],
  [Number, { kind: 'number' }],
  [BigInt, { kind: 'bigint' }],
  [Boolean, { kind: 'boolean' }],
  [Object, { kind: 'any' }],
]);

interface FieldSite {
  target: Constructor;
  property: string;
  options: FieldOptions;
}

/** Resolves the stored type of one decorated property from `@Field({ type })`, `@Type` and `design:type`. */
export function resolveFieldType(site: FieldSite): ValueType {
  const declared = Reflect.getMetadata('design:type', site.target.prototype, site.property) as TypeHint | undefined;
  const hint = site.options.type?.() ?? classTransformerType(site);
  const dateFormat = site.options.dateFormat ?? 'iso';
  // A Set or Map property cannot be stored, whatever element type `type` names.
  if (UNSUPPORTED.has(declared)) return typeOf(declared as TypeHint, site, dateFormat);
  // `@Field() hits = 0` has no type annotation, so design:type says Object: the default value tells.
  if (hint === undefined && declared === Object) return typeOfDefaultValue(site) ?? { kind: 'any' };
  if (declared === Array) {
    const element = hint ? typeOf(hint, site, dateFormat) : ({ kind: 'any' } as const);
    return { kind: 'array', element };
  }
  const source = hint ?? declared;
  if (source === undefined) {
    throw new MetadataError(
      `Cannot infer the type of ${site.target.name}.${site.property}.`,
      site.target.name,
      {
        hint:
          'Enable "emitDecoratorMetadata" (and "experimentalDecorators") in tsconfig.json and compile with tsc or ts-jest ' +
          '(esbuild does not emit it), or declare it: @Field({ type: () => String }).',
      },
    );
  }
  return typeOf(source, site, dateFormat);
}

function typeOf(source: TypeHint, site: FieldSite, dateFormat: DateFormat): ValueType {
  if (typeof source !== 'function') {
    throw new MetadataError(
      `${site.target.name}.${site.property}: @Field({ type }) must return a class or String/Number/Boolean/Date/BigInt/Object.`,
      site.target.name,
    );
  }
  const primitive = PRIMITIVES.get(source);
  if (primitive) return primitive;
  if (source === Date) return { kind: 'date', format: dateFormat };
  if (source === Buffer || source === Uint8Array) return { kind: 'binary', buffer: source === Buffer };
  if (source === Array) return { kind: 'array', element: { kind: 'any' } };
  const unsupported = UNSUPPORTED.get(source);
  if (unsupported) {
    throw new MetadataError(
      `${site.target.name}.${site.property} is a ${unsupported}, which cannot be stored.`,
      site.target.name,
      { hint: 'Use an array, a plain object (@Field() with type Object) or a nested class instead.' },
    );
  }
  return { kind: 'class', shape: classShape(source as Constructor) };
}

/**
 * The type of a field declared without a type annotation, from its default value in an instance made
 * with no arguments (entity constructors take none; one instance per class, when it is first used):
 * a string, number, bigint, boolean or Date default gives that type. Anything else (no default, an
 * object, a constructor that needs arguments) leaves the field free-form, as `Object` says.
 */
function typeOfDefaultValue(site: FieldSite): ValueType | undefined {
  const instance = memoizePerClass(site.target, 'defaults', () => {
    try {
      return new (site.target as new () => Record<string, unknown>)();
    } catch {
      return undefined;
    }
  });
  const value = instance?.[site.property];
  if (value instanceof Date) return { kind: 'date', format: site.options.dateFormat ?? 'iso' };
  const byTypeOf: Record<string, ValueType | undefined> = {
    string: { kind: 'string' },
    number: { kind: 'number' },
    bigint: { kind: 'bigint' },
    boolean: { kind: 'boolean' },
  };
  return byTypeOf[typeof value];
}

/** Reads class-transformer's `@Type(() => X)` so users of it need not repeat the type. */
function classTransformerType(site: FieldSite): TypeHint | undefined {
  const metadata = defaultMetadataStorage.findTypeMetadata(site.target, site.property);
  return metadata?.typeFunction() as TypeHint | undefined;
}

/**
 * The persisted shape of a class: its own and inherited `@Field`s. The shape object is memoized before
 * its fields are resolved, so a class may contain itself (a tree of comments).
 */
export function classShape(target: Constructor): ClassShape {
  return memoizePerClass(target, 'shape', () => ({ target, className: target.name, fields: [] }));
}

const completedShapes = new WeakSet<ClassShape>();

/** Resolves the fields of a shape (and of the classes nested in it) once. */
export function completeShape(shape: ClassShape): ClassShape {
  if (completedShapes.has(shape)) return shape;
  completedShapes.add(shape);
  try {
    const byProperty = new Map<string, FieldMetadata>();
    for (const site of collectFieldSites(shape.target)) {
      byProperty.set(site.property, { property: site.property, type: resolveFieldType(site) });
    }
    shape.fields.push(...byProperty.values());
    for (const field of shape.fields) completeNested(field.type);
    return shape;
  } catch (error) {
    // Leave no half-built shape behind: the next use must fail the same way.
    completedShapes.delete(shape);
    shape.fields.length = 0;
    throw error;
  }
}

function completeNested(type: ValueType): void {
  if (type.kind === 'array') completeNested(type.element);
  if (type.kind !== 'class') return;
  completeShape(type.shape);
  if (type.shape.fields.length === 0) {
    throw new MetadataError(
      `${type.shape.className} is used as a nested type but has no @Field() properties.`,
      type.shape.className,
      { hint: 'Decorate the properties to store with @Field(), or declare the property as Object to store it as-is.' },
    );
  }
}

/** `@Field` sites of a class and its ancestors, ancestors first (a subclass may redeclare a field). */
export function collectFieldSites(target: Constructor): FieldSite[] {
  const chain: Constructor[] = [];
  for (let c: unknown = target; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.unshift(c as Constructor);
  }
  const { fields, strIds } = getRegistry();
  const sites: FieldSite[] = [];
  for (const owner of chain) {
    for (const record of fields) if (record.target === owner) sites.push({ ...record, target: owner });
    for (const record of strIds) if (record.target === owner) sites.push({ target: owner, property: record.property, options: {} });
  }
  return sites;
}
