import { DynamoSingleTableError } from './base';

export class EntityNotFoundError extends DynamoSingleTableError {
  /** What was looked up: `{ strId }` or `{ uid }`. */
  readonly key: Readonly<Record<string, string>>;

  constructor(entity: string, key: Record<string, string>) {
    const [field, value] = Object.entries(key)[0] ?? ['key', '?'];
    super('ENTITY_NOT_FOUND', `${entity} with ${field} ${JSON.stringify(value)} does not exist.`, { entity });
    this.key = key;
  }
}

export class EntityAlreadyExistsError extends DynamoSingleTableError {
  readonly strId: string;

  constructor(entity: string, strIdField: string, strId: string, cause?: unknown) {
    super(
      'ENTITY_ALREADY_EXISTS',
      `${entity} with ${strIdField} ${JSON.stringify(strId)} already exists.`,
      { entity, cause, hint: 'Use getOrCreate() to fetch it, or save() a loaded copy to change it.' },
    );
    this.strId = strId;
  }
}

export class VersionConflictError extends DynamoSingleTableError {
  readonly strId: string;
  readonly expectedVersion: number;
  /** The stored version when the engine reported it; `null` when the item no longer exists. */
  readonly actualVersion: number | null | undefined;

  constructor(
    entity: string,
    strId: string,
    expectedVersion: number,
    actualVersion: number | null | undefined,
    cause?: unknown,
  ) {
    const actual =
      actualVersion === null
        ? 'it was deleted or replaced'
        : actualVersion === undefined
          ? 'it was changed, deleted or replaced'
          : `it is now at version ${actualVersion}`;
    super(
      'VERSION_CONFLICT',
      `${entity} ${JSON.stringify(strId)} was expected at version ${expectedVersion} but ${actual}.`,
      { entity, cause, hint: 'Reload it, apply your change again and retry.' },
    );
    this.strId = strId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/**
 * The `condition` given to a write does not hold on the stored entity: nothing was written. Distinct
 * from a version conflict (the entity is at the version expected, or none was expected) and from a
 * missing entity. `fields` are those whose conditions do not hold on the item as stored when the
 * failure was examined (all the condition's fields if it has changed since and now holds).
 */
export class ConditionFailedError extends DynamoSingleTableError {
  readonly strId: string;
  readonly fields: readonly string[];

  constructor(entity: string, strId: string, fields: readonly string[], cause?: unknown) {
    super(
      'CONDITION_FAILED',
      `${entity} ${JSON.stringify(strId)} was not written: its condition on ${fields.join(', ')} does not hold on the stored entity.`,
      { entity, cause, hint: 'Reload it to see its current values.' },
    );
    this.strId = strId;
    this.fields = fields;
  }
}

/** One failed property, in the shape of class-validator's errors but as plain data. */
export interface PropertyViolation {
  /** Dotted path of the property, e.g. `email` or `address.city` or `tags.2`. */
  property: string;
  /** Constraint name -> message, e.g. `{ isEmail: 'email must be an email' }`. */
  constraints: Record<string, string>;
}

export class EntityValidationError extends DynamoSingleTableError {
  readonly violations: readonly PropertyViolation[];

  constructor(entity: string, violations: PropertyViolation[]) {
    const details = violations
      .map((v) => `${v.property}: ${Object.values(v.constraints).join('; ')}`)
      .join(' | ');
    super('VALIDATION_FAILED', `${entity} is invalid: ${details}`, { entity });
    this.violations = violations;
  }
}

export class ItemTooLargeError extends DynamoSingleTableError {
  /** `size` is undefined when DynamoDB refused an update whose result it alone could size. */
  readonly size: number | undefined;
  readonly limit: number;

  constructor(entity: string, strId: string, size: number | undefined, limit: number) {
    const stored = size === undefined ? 'would grow beyond the limit' : `would be stored as ${size} bytes`;
    super(
      'ITEM_TOO_LARGE',
      `${entity} ${JSON.stringify(strId)} ${stored}; DynamoDB items are limited to ${limit} bytes.`,
      { entity, hint: 'Move large values (files, long text) to S3 and store a reference.' },
    );
    this.size = size;
    this.limit = limit;
  }
}
