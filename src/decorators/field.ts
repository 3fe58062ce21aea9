import { MetadataError } from '../errors';
import { getRegistry } from '../metadata/registry';
import { refuseStandardDecorator } from './legacy-check';
import type { Constructor, FieldOptions } from '../metadata/types';

/**
 * Persists a property as a top-level attribute named like the property. The type comes from
 * TypeScript's `design:type` (needs `emitDecoratorMetadata`); give `type` for array elements and
 * wherever the compiler cannot tell (`@Field({ type: () => Address }) addresses!: Address[]`).
 */
export function Field(options: FieldOptions = {}): PropertyDecorator {
  return (prototype, property) => {
    refuseStandardDecorator('Field', property);
    getRegistry().fields.push({ target: ownerOf(prototype), property: propertyName(property), options });
  };
}

/**
 * The entity's unique, human-meaningful string identifier (a username, a slug). It is part of the
 * primary key, so uniqueness is enforced by DynamoDB itself. Implies `@Field()`.
 */
export function StrId(): PropertyDecorator {
  return (prototype, property) => {
    refuseStandardDecorator('StrId', property);
    getRegistry().strIds.push({ target: ownerOf(prototype), property: propertyName(property), options: undefined });
  };
}

function ownerOf(prototype: object): Constructor {
  if (typeof prototype === 'function') {
    throw new MetadataError(
      `@Field() and @StrId() go on instance properties, not on static members (class ${prototype.name}).`,
    );
  }
  return prototype.constructor as Constructor;
}

function propertyName(property: string | symbol): string {
  if (typeof property === 'symbol') {
    throw new MetadataError(`@Field() cannot persist symbol property ${String(property)}.`, undefined, { hint: 'Use a string name.' });
  }
  return property;
}

/**
 * No two entities of the type may hold the same value (a string or number field, e.g. `email`).
 * Enforced by DynamoDB through a guard item written in the same transaction as the entity, so it
 * needs an engine with transactions. Undefined and null values are not constrained.
 */
export function Unique(): PropertyDecorator {
  return (prototype, property) => {
    refuseStandardDecorator('Unique', property);
    getRegistry().uniques.push({ target: ownerOf(prototype), property: propertyName(property), options: undefined });
  };
}
