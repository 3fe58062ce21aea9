import { MetadataError } from '../errors';
import { RESERVED_ATTRIBUTES, TYPE_NAME_PATTERN } from './attributes';
import { buildIndexes } from './index-metadata';
import { INDEX_KEY_ATTRIBUTE } from './index-slots';
import { getRegistry, memoizePerClass } from './registry';
import type { TableRecord } from './registry';
import type { ClassShape, Constructor, EntityMetadata, TableOptions, TypeIndexMode } from './types';
import { classShape, collectFieldSites, completeShape } from './value-types';
import { getMetadataStorage } from 'class-validator';

/**
 * The validated metadata of an entity class, built on first use and memoized. Every mistake in the
 * decorators surfaces here, naming the class, the property and the fix.
 */
export function getEntityMetadata(target: Constructor): EntityMetadata {
  if (typeof target !== 'function') {
    throw new MetadataError(`Expected an entity class decorated with @Table(), got ${describe(target)}.`);
  }
  return memoizePerClass(target, 'entity', () => buildEntityMetadata(target));
}

function buildEntityMetadata(target: Constructor): EntityMetadata {
  const table = findTable(target);
  checkTypeNameIsUnique(table);
  const strIdProperty = findStrId(target);
  for (const site of collectFieldSites(target)) checkNotReserved(target, site.property);
  const shape = completeShape(classShape(target));
  const uniqueFields = findUniqueFields(target, shape, strIdProperty);
  const strIdField = shape.fields.find((f) => f.property === strIdProperty);
  if (strIdField?.type.kind !== 'string') {
    throw new MetadataError(
      `${target.name}.${strIdProperty} is the @StrId() but is not a string.`,
      target.name,
      { hint: `Declare it as \`${strIdProperty}!: string\`.` },
    );
  }
  const indexes = buildIndexes({ target, typeName: table.typeName, strIdProperty, shape });
  const parent = parentOf(table);
  return Object.freeze({
    target,
    className: target.name,
    typeName: table.typeName,
    strIdProperty,
    shape,
    uniqueFields,
    hasValidators: hasClassValidatorConstraints(target),
    indexes,
    parent,
    typeIndex: typeIndexOf(table),
  });
}

/** The metadata of `@Table(type, { parent })`'s parent, checked: an entity class that is not a child itself. */
function parentOf(table: TableRecord): EntityMetadata | undefined {
  const given = (table.options as TableOptions | undefined)?.parent;
  if (given === undefined) return undefined;
  const name = table.target.name;
  const parent: unknown = typeof given === 'function' && !isClass(given) ? given() : undefined;
  if (typeof parent !== 'function') {
    throw new MetadataError(`@Table('${table.typeName}', { parent }) on ${name}: parent must be a function returning the parent class, e.g. parent: () => Article.`, name);
  }
  const record = getRegistry().tables.find((r) => r.target === parent);
  const grandparent = (record?.options as TableOptions | undefined)?.parent;
  if (parent === table.target || grandparent !== undefined) {
    throw new MetadataError(
      `@Table('${table.typeName}', { parent }) on ${name}: ${(parent as Constructor).name} ${parent === table.target ? 'is the class itself' : 'is a child type itself'}; ` +
        'a child type has a parent that is a top-level entity type (one level of nesting).',
      name,
    );
  }
  return getEntityMetadata(parent as Constructor);
}

function typeIndexOf(table: TableRecord): TypeIndexMode {
  const mode = (table.options as TableOptions | undefined)?.typeIndex ?? 'all';
  if (mode === 'all' || mode === 'keys' || mode === 'none') return mode;
  throw new MetadataError(
    `@Table('${table.typeName}', { typeIndex: ${JSON.stringify(mode)} }) on ${table.target.name}: typeIndex must be 'all', 'keys' or 'none'.`,
    table.target.name,
  );
}

/** `parent: Article` instead of `parent: () => Article`: classes are functions too, so tell them apart. */
function isClass(value: (...args: never[]) => unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function findTable(target: Constructor): TableRecord {
  const records = getRegistry().tables.filter((record) => record.target === target);
  if (records.length === 0) {
    throw new MetadataError(
      `${target.name} is not an entity: decorate it with @Table('<type name>') and mark its id with @StrId().`,
      target.name,
    );
  }
  if (records.length > 1) {
    throw new MetadataError(`${target.name} has @Table() more than once.`, target.name, { hint: 'Keep one.' });
  }
  const [record] = records as [TableRecord];
  if (typeof record.typeName !== 'string' || !TYPE_NAME_PATTERN.test(record.typeName)) {
    throw new MetadataError(
      `@Table(${JSON.stringify(record.typeName)}) on ${target.name}: a type name is 1-64 characters, ` +
        'a letter followed by letters, digits, "_" or "-" (it is part of every key).',
      target.name,
    );
  }
  return record;
}

function checkTypeNameIsUnique(table: TableRecord): void {
  const other = getRegistry().tables.find((r) => r.typeName === table.typeName && r.target !== table.target);
  if (other) {
    throw new MetadataError(
      `@Table(${JSON.stringify(table.typeName)}) is used by both ${other.target.name} and ${table.target.name}; ` +
        'type names must be unique within a table.',
      table.target.name,
      { hint: 'Rename one of them.' },
    );
  }
}

function findStrId(target: Constructor): string {
  const properties = new Set<string>();
  for (let c: unknown = target; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    for (const record of getRegistry().strIds) if (record.target === c) properties.add(record.property);
  }
  if (properties.size === 1) return [...properties][0] as string;
  const problem =
    properties.size === 0 ? 'has no @StrId() property' : `has ${properties.size} @StrId() properties (${[...properties].join(', ')})`;
  throw new MetadataError(
    `${target.name} ${problem}; exactly one string property must be marked @StrId() (e.g. username).`,
    target.name,
  );
}

function findUniqueFields(target: Constructor, shape: ClassShape, strIdProperty: string): string[] {
  const properties = new Set<string>();
  for (let c: unknown = target; typeof c === 'function'; c = Object.getPrototypeOf(c)) {
    for (const record of getRegistry().uniques) if (record.target === c) properties.add(record.property);
  }
  for (const property of properties) {
    const kind = shape.fields.find((f) => f.property === property)?.type.kind;
    const [problem, hint] =
      property === strIdProperty
        ? ['is the @StrId(), which is unique already (it is the primary key)', 'Remove @Unique().']
        : kind === undefined
          ? ['has @Unique() but no @Field()', 'Add @Field().']
          : kind !== 'string' && kind !== 'number'
            ? [`is a ${kind} field; @Unique() works on string and number fields`]
            : [];
    if (problem) throw new MetadataError(`${target.name}.${property} ${problem}.`, target.name, { hint });
  }
  return [...properties];
}

function checkNotReserved(target: Constructor, property: string): void {
  if (RESERVED_ATTRIBUTES.has(property) || INDEX_KEY_ATTRIBUTE.test(property)) {
    throw new MetadataError(
      `${target.name}.${property} collides with the reserved attribute "${property}" ` +
        `(${[...RESERVED_ATTRIBUTES].join(', ')} and index keys such as _gsi1pk or _gsi.<type>.<index>.pk are managed by dynamo-single-table).`,
      target.name,
      { hint: 'Rename the property.' },
    );
  }
  for (const reserved of getRegistry().reserved) {
    if (target.prototype instanceof reserved.base && reserved.names.has(property)) {
      throw new MetadataError(
        `${target.name}.${property} would shadow ${reserved.base.name}.prototype.${property}() ` +
          '(with useDefineForClassFields, a class field becomes an own property hiding the method).',
        target.name,
        { hint: 'Rename the property.' },
      );
    }
  }
}

function hasClassValidatorConstraints(target: Constructor): boolean {
  return getMetadataStorage().getTargetValidationMetadatas(target, '', true, false).length > 0;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
}
