import { DynamoSingleTableError } from './base';

export class UniqueConstraintError extends DynamoSingleTableError {
  readonly field: string;
  readonly value: string;

  constructor(entity: string, field: string, value: string, cause?: unknown) {
    super(
      'UNIQUE_CONSTRAINT_VIOLATION',
      `${entity}.${field} ${JSON.stringify(value)} is already taken by another ${entity}.`,
      { entity, cause, hint: `Choose another ${field}.` },
    );
    this.field = field;
    this.value = value;
  }
}

/** What happened to one item of a canceled transaction. */
export interface TransactionItemFailure {
  /** Position of the item in the transaction. */
  index: number;
  /** What the item did: `create`, `save`, `update`, `delete`, `deleteByStr`, `conditionCheck`, `uniqueGuard`, `uniqueRelease`. */
  operation: string;
  entity: string;
  strId: string;
  /** DynamoDB's reason code, e.g. `ConditionalCheckFailed`, `TransactionConflict`. */
  reason: string;
  /** The same failure as one of our errors, where it maps to one. */
  error?: DynamoSingleTableError;
}

export class TransactionCanceledError extends DynamoSingleTableError {
  /** The items that failed (items that would have succeeded are not listed). */
  readonly failures: readonly TransactionItemFailure[];

  constructor(failures: TransactionItemFailure[], cause: unknown) {
    const details = failures
      .map((f) => (f.error ? f.error.summary : `${f.entity} ${JSON.stringify(f.strId)} (${f.operation}): ${f.reason}`))
      .join(' | ');
    // The fixes of the failed items, each once: several items may fail the same way.
    const hints = [...new Set(failures.map((f) => f.error?.hint).filter((hint) => hint !== undefined))];
    super('TRANSACTION_CANCELED', `Transaction canceled, nothing was written: ${details || 'no reason given'}`, {
      cause,
      entity: failures[0]?.entity,
      hint: hints.join(' ') || undefined,
    });
    this.failures = failures;
  }
}

export class TransactionTooLargeError extends DynamoSingleTableError {
  readonly size: number;

  constructor(size: number, limit: number) {
    super(
      'TRANSACTION_TOO_LARGE',
      `A transaction holds ${size} items; DynamoDB allows at most ${limit} (unique-field guards count too). Nothing was sent.`,
      { hint: 'Split it into smaller transactions.' },
    );
    this.size = size;
  }
}

/**
 * An operation on a parent and its whole item collection (a rename, which must move every child in
 * the same transaction) does not fit in one TransactWriteItems. Raised before anything is written.
 */
export class CollectionTooLargeError extends DynamoSingleTableError {
  readonly size: number;

  constructor(entity: string, strId: string, operation: string, size: number, limit: number) {
    super(
      'COLLECTION_TOO_LARGE',
      `${operation} of ${entity} ${JSON.stringify(strId)} would write ${size} items (the entity, its children and their unique guards) ` +
        `in one transaction; DynamoDB allows ${limit}. Nothing was written.`,
      { entity, hint: 'Move or delete children first, or delete with { cascade: true }, which works in steps.' },
    );
    this.size = size;
  }
}
