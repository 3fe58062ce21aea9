import { MetadataError } from '../errors';
import { ATTR, TYPE_NAME_PATTERN } from './attributes';
import { assignIndexSlots, gsiNames, MAX_INDEX_SLOTS, ownGsiNames } from './index-slots';
import { getRegistry } from './registry';
import type { IndexRecord } from './registry';
import type { ClassShape, Constructor, IndexKeyField, IndexMetadata } from './types';

/** Field types with an order, which can therefore form (part of) an index key. */
const KEY_KINDS: ReadonlySet<string> = new Set(['string', 'number', 'bigint', 'date', 'boolean']);

/** What an entity's indexes need to know of it besides its fields. */
export interface IndexedEntity {
  readonly target: Constructor;
  readonly typeName: string;
  readonly strIdProperty: string;
  readonly shape: ClassShape;
}

/** The validated `@Index` declarations of an entity class, with their GSIs. */
export function buildIndexes(entity: IndexedEntity): IndexMetadata[] {
  const { target, shape } = entity;
  const names = new Set<string>();
  // Checked before slots are assigned, so that assignment can rely on well-formed options.
  for (const record of getRegistry().indexes.filter((r) => r.target === target)) {
    checkRecord(target, record);
    checkProjectedFields(target, shape, record);
    if (names.has(record.name)) {
      throw new MetadataError(`${target.name} declares @Index('${record.name}') twice; index names are unique per entity.`, target.name);
    }
    names.add(record.name);
  }
  return assignIndexSlots(target).map(({ record, projection, slot }) => ({
    name: record.name,
    partition: record.options.partition.map((property) => keyField(target, shape, record, property)),
    sort: (record.options.sort ?? []).map((property) => keyField(target, shape, record, property)),
    projection,
    nonKeyAttributes: projection === 'include' ? nonKeyAttributesOf(entity, record.options.projection as readonly string[]) : [],
    slot,
    ...(projection === 'include' ? ownGsiNames(entity.typeName, record.name) : gsiNames(projection, slot)),
  }));
}

/** The fields listed, then what hydrating an entity from the index needs: uid, version, str id. */
function nonKeyAttributesOf(entity: IndexedEntity, fields: readonly string[]): string[] {
  return [...new Set([...fields, ATTR.uid, ATTR.version, entity.strIdProperty])];
}

function checkRecord(target: Constructor, record: IndexRecord): void {
  const where = `${target.name} @Index(${JSON.stringify(record.name)})`;
  const fail = (why: string): never => {
    throw new MetadataError(`${where}: ${why}.`, target.name);
  };
  if (typeof record.name !== 'string' || !TYPE_NAME_PATTERN.test(record.name)) {
    fail('an index name is 1-64 characters, a letter followed by letters, digits, "_" or "-" (it is part of every index key)');
  }
  const options = record.options as unknown;
  if (typeof options !== 'object' || options === null) fail('needs options { partition: [fields], sort?: [fields] }');
  const { partition, sort = [], projection = 'all', slot } = record.options;
  if (!isFieldList(partition) || partition.length === 0) fail('partition must be a non-empty array of field names');
  if (!isFieldList(sort)) fail('sort must be an array of field names');
  const all = [...partition, ...sort];
  const repeated = all.find((field, i) => all.indexOf(field) !== i);
  if (repeated !== undefined) fail(`${repeated} appears twice in its key; each field may appear once`);
  if (Array.isArray(projection)) {
    checkFieldList(projection, fail);
    if (slot !== undefined) fail('slot does not apply to a field-list projection: a field-list index has its own GSI; remove slot');
  } else if (projection !== 'all' && projection !== 'keys') {
    fail(`projection must be 'all', 'keys' or a list of field names, got ${JSON.stringify(projection)}`);
  }
  if (slot !== undefined && (!Number.isInteger(slot) || slot < 1 || slot > MAX_INDEX_SLOTS)) {
    fail(`slot must be an integer from 1 to ${MAX_INDEX_SLOTS}, got ${String(slot)}`);
  }
}

function checkFieldList(projection: readonly unknown[], fail: (why: string) => never): void {
  if (!isFieldList(projection) || projection.length === 0) {
    fail("a projection list names one field or more (for none, use projection: 'keys')");
  }
  const repeated = projection.find((field, i) => projection.indexOf(field) !== i);
  if (repeated !== undefined) fail(`projection lists ${String(repeated)} twice; list each field once`);
}

/** Every field a projection lists must be a @Field() of the class: the index copies stored attributes. */
function checkProjectedFields(target: Constructor, shape: ClassShape, record: IndexRecord): void {
  const { projection } = record.options;
  if (!Array.isArray(projection)) return;
  const unknown = (projection as readonly string[]).filter((property) => !shape.fields.some((f) => f.property === property));
  if (unknown.length > 0) {
    throw new MetadataError(
      `${target.name} @Index(${JSON.stringify(record.name)}): projection lists ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a @Field()' : 'are not @Field()s'} ` +
        `of ${target.name} (its fields: ${shape.fields.map((f) => f.property).join(', ')}).`,
      target.name,
    );
  }
}

function isFieldList(value: unknown): value is readonly string[] {
  return Array.isArray(value) && value.every((field) => typeof field === 'string' && field.length > 0);
}

function keyField(target: Constructor, shape: ClassShape, record: IndexRecord, property: string): IndexKeyField {
  const field = shape.fields.find((f) => f.property === property);
  const where = `${target.name} @Index(${JSON.stringify(record.name)})`;
  if (!field) {
    throw new MetadataError(`${where}: ${property} is not a @Field() of ${target.name}; index keys are made of fields.`, target.name);
  }
  if (!KEY_KINDS.has(field.type.kind)) {
    throw new MetadataError(
      `${where}: ${property} is ${/^[aeiou]/.test(field.type.kind) ? 'an' : 'a'} ${field.type.kind} field; index keys are made of string, number, bigint, Date and boolean fields.`,
      target.name,
    );
  }
  return field as IndexKeyField;
}
