/**
 * Stable, machine-readable error codes. They are part of the public contract: once released a code
 * never changes meaning, so callers may switch on `error.code` instead of on class identity (which
 * breaks when two copies of the package are loaded, e.g. CJS and ESM side by side).
 */
export type ErrorCode =
  | 'ENTITY_NOT_FOUND'
  | 'ENTITY_ALREADY_EXISTS'
  | 'VERSION_CONFLICT'
  | 'CONDITION_FAILED'
  | 'VALIDATION_FAILED'
  | 'INVALID_METADATA'
  | 'ITEM_TOO_LARGE'
  | 'TABLE_SCHEMA_MISMATCH'
  | 'TABLE_NOT_READY'
  | 'TABLE_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'PARENT_REQUIRED'
  | 'COLLECTION_TOO_LARGE'
  | 'NOT_CONFIGURED'
  | 'BATCH_GET_INCOMPLETE' | 'BATCH_SAVE_INCOMPLETE' | 'BATCH_DELETE_INCOMPLETE'
  | 'UNIQUE_CONSTRAINT_VIOLATION'
  | 'TRANSACTION_CANCELED'
  | 'TRANSACTION_TOO_LARGE'
  | 'UNSUPPORTED_BY_ENGINE'
  | 'SCAN_NOT_ALLOWED'
  | 'READ_LIMIT_EXCEEDED'
  | 'DYNAMODB_REQUEST_FAILED';

/** Brands our errors so that guards work across duplicate copies of the package. */
const SYMBOL_BRAND = Symbol.for('dynamo-single-table.error');

export interface DynamoSingleTableErrorOptions {
  cause?: unknown;
  /** The entity type name (`@Table('user')`) or class name the error is about, when there is one. */
  entity?: string;
  /**
   * What the developer can do about it ("Reload it, apply your change again and retry."): appended to
   * `message`, kept apart in `hint` so that an answer to an HTTP client can leave it out.
   */
  hint?: string;
}

/**
 * Base class of every error this library throws. `message` is the whole text, for logs and developers:
 * `summary` (what happened, naming the entity and field) followed by `hint` (the fix, when there is
 * one). The NestJS filter answers clients with `summary` only.
 */
export class DynamoSingleTableError extends Error {
  readonly code: ErrorCode;
  readonly entity: string | undefined;
  /** What happened, without the developer's fix: the message an HTTP client may read. */
  readonly summary: string;
  /** What the developer can do about it (call another method, reload, change the code), if anything. */
  readonly hint: string | undefined;
  override readonly cause: unknown;

  /** `summary`: what happened; the fix goes in `options.hint`, and `message` joins the two. */
  constructor(code: ErrorCode, summary: string, options: DynamoSingleTableErrorOptions = {}) {
    const hint = options.hint || undefined;
    super(hint === undefined ? summary : `${summary} ${hint}`);
    this.name = new.target.name;
    this.code = code;
    this.entity = options.entity;
    this.summary = summary;
    this.hint = hint;
    this.cause = options.cause;
  }
}

/**
 * True when `error` is one of ours (optionally with the given code). Works across duplicate copies of
 * the package because it checks the `code` brand, not the prototype chain.
 */
export function isDynamoSingleTableError(error: unknown, code?: ErrorCode): error is DynamoSingleTableError {
  if (!(error instanceof Error)) return false;
  const candidate = error as Partial<DynamoSingleTableError>;
  if (typeof candidate.code !== 'string' || !(SYMBOL_BRAND in error)) return false;
  return code === undefined || candidate.code === code;
}

Object.defineProperty(DynamoSingleTableError.prototype, SYMBOL_BRAND, { value: true });
