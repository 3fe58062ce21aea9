import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { DynamoSingleTableError } from './base';
import type { ErrorCode } from './base';

/** The developer's fix of a MetadataError or InvalidArgumentError, kept out of `summary`. */
export interface ErrorHintOptions {
  hint?: string;
}

/** A decorated class is wrong (or not decorated). Raised when the class is registered or first used. */
export class MetadataError extends DynamoSingleTableError {
  constructor(message: string, entity?: string, options: ErrorHintOptions = {}) {
    super('INVALID_METADATA', message, { entity, hint: options.hint });
  }
}

export class TableSchemaMismatchError extends DynamoSingleTableError {
  readonly tableName: string;

  constructor(tableName: string, problems: string[]) {
    super(
      'TABLE_SCHEMA_MISMATCH',
      `Table ${JSON.stringify(tableName)} exists with a different schema: ${problems.join('; ')}.`,
      { hint: 'Use another tableName, or migrate the table to the layout described in the README.' },
    );
    this.tableName = tableName;
  }
}

/** The table or its index did not become ACTIVE in time. */
export class TableNotReadyError extends DynamoSingleTableError {
  constructor(tableName: string, timeoutMs: number, status: string) {
    super(
      'TABLE_NOT_READY',
      `Table ${JSON.stringify(tableName)} did not become ACTIVE within ${timeoutMs} ms (status ${status}).`,
      { hint: 'Raise ensureTableExists({ timeoutMs }) or check the table in the AWS console.' },
    );
  }
}

/** The engine lacks a DynamoDB feature an operation needs (dynalite has no transactions). */
export class UnsupportedByEngineError extends DynamoSingleTableError {
  readonly capability: string;

  /** `wayOut`: what to do instead, when it is not "use an engine with transactions". */
  constructor(capability: string, operation: string, cause: unknown, entity?: string, wayOut?: string) {
    super(
      'UNSUPPORTED_BY_ENGINE',
      wayOut === undefined
        ? `${operation} needs ${capability}, which this DynamoDB engine does not support (dynalite has no ` +
            `TransactWriteItems/TransactGetItems). Nothing was written.`
        : `${operation} needs ${capability}, which this DynamoDB engine does not support. Nothing was changed.`,
      { cause, entity, hint: wayOut ?? 'Use DynamoDB, DynamoDB Local or moto for this.' },
    );
    this.capability = capability;
  }
}

export interface InvalidArgumentOptions extends ErrorHintOptions {
  code?: 'INVALID_ARGUMENT' | 'PARENT_REQUIRED';
}

/** A method argument (cursor, limit, uid...) is malformed. Raised before any request is sent. */
export class InvalidArgumentError extends DynamoSingleTableError {
  /** `options`: a code alone is accepted too, as before hints existed. */
  constructor(message: string, entity?: string, options: InvalidArgumentOptions | InvalidArgumentOptions['code'] = {}) {
    const { code = 'INVALID_ARGUMENT', hint } = typeof options === 'string' ? { code: options } : options;
    super(code, message, { entity, hint });
  }
}

/**
 * A by-id method of a child type (`@Table(type, { parent })`) was called without its parent: a child's
 * str id is unique only within its parent, so the parent is part of its key. Raised before any request.
 */
export class ParentRequiredError extends InvalidArgumentError {
  constructor(className: string, parentClassName: string, method: string) {
    const repository = `getRepository(${className})`;
    super(`${className} is stored under its parent ${parentClassName}, so ${method} needs the parent.`, className, {
      code: 'PARENT_REQUIRED',
      hint: `Call it on ${repository}.of(${lowerFirst(parentClassName)}OrStrId) (Active Record: ${className}.of(...)).`,
    });
  }
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Active Record used before `BaseEntity.useEntityManager(em)`. */
export class NotConfiguredError extends DynamoSingleTableError {
  constructor(className: string) {
    super(
      'NOT_CONFIGURED',
      `${className} has no EntityManager.`,
      { entity: className, hint: `Call BaseEntity.useEntityManager(em) (or ${className}.useEntityManager(em)) at start-up.` },
    );
  }
}

/** Any DynamoDB request failure we do not translate into a more specific error. */
export class DynamoDBRequestError extends DynamoSingleTableError {
  /** The AWS error name, e.g. `ConditionalCheckFailedException`, `ProvisionedThroughputExceededException`. */
  readonly awsErrorName: string;
  /** The command that failed, e.g. `PutItem`. */
  readonly operation: string;
  readonly httpStatusCode: number | undefined;
  readonly requestId: string | undefined;
  /** Whether retrying the same request later may succeed (throttling, 5xx, network). */
  readonly retryable: boolean;
  /** Per-item reasons of a canceled transaction (`TransactionCanceledException`), in request order. */
  readonly cancellationReasons: readonly CancellationReason[] | undefined;
  /** How many attempts the SDK made (more than 1: an earlier attempt may have been applied). */
  readonly attempts: number;
  /** The item DynamoDB returned with a failed condition check (`ReturnValuesOnConditionCheckFailure`). */
  readonly item: Record<string, AttributeValue> | undefined;

  /** `specific`: the code, message and hint of a subclass that names a known failure (TableNotFoundError). */
  constructor(operation: string, cause: unknown, entity?: string, specific?: { code: ErrorCode; message: string; hint?: string }) {
    const details = describeAwsError(cause);
    super(
      specific?.code ?? 'DYNAMODB_REQUEST_FAILED',
      specific?.message ?? `${requestText(operation, entity)} failed: ${details.name}: ${details.message}`,
      { cause, entity, hint: specific?.hint },
    );
    this.awsErrorName = details.name;
    this.operation = operation;
    this.httpStatusCode = details.status;
    this.requestId = details.requestId;
    this.retryable = details.retryable;
    this.item = details.item;
    this.attempts = details.attempts;
    this.cancellationReasons = details.cancellationReasons;
  }
}

/** What a request was for: a table, and the index when it named one. */
export interface RequestTarget {
  tableName: string;
  indexName?: string;
}

/**
 * A request named a table that does not exist (DynamoDB's ResourceNotFoundException): it was deleted,
 * never created, or the client points at another region or account. DynamoDB gives the same answer
 * for a missing index, so a request that named one names both. Nothing was written.
 */
export class TableNotFoundError extends DynamoDBRequestError {
  /** The table the request named (several, comma-separated, for a request spanning tables). */
  readonly tableName: string;
  /** The index the request named, if any. */
  readonly indexName: string | undefined;

  constructor(operation: string, cause: unknown, target: RequestTarget, entity?: string) {
    const index = target.indexName === undefined ? '' : ` (or has no index ${JSON.stringify(target.indexName)})`;
    super(operation, cause, entity, {
      code: 'TABLE_NOT_FOUND',
      message: `${requestText(operation, entity)} failed: table ${JSON.stringify(target.tableName)} does not exist${index} in the region and account of this client.`,
      hint:
        'Call em.ensureTableExists() at start-up (it creates the table and its index and waits until they are ACTIVE), ' +
        'or create the table with the layout described in the README.',
    });
    this.tableName = target.tableName;
    this.indexName = target.indexName;
  }
}

function requestText(operation: string, entity: string | undefined): string {
  return `DynamoDB ${operation}${entity ? ` for ${entity}` : ''}`;
}

interface AwsErrorDetails {
  name: string;
  message: string;
  status: number | undefined;
  requestId: string | undefined;
  retryable: boolean;
  item: Record<string, AttributeValue> | undefined;
  attempts: number;
  cancellationReasons: CancellationReason[] | undefined;
}

const RETRYABLE_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
]);

/** Socket failures the SDK itself treats as transient: the request may or may not have been applied. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function describeAwsError(cause: unknown): AwsErrorDetails {
  const error = (cause ?? {}) as {
    name?: string;
    message?: string;
    Item?: Record<string, AttributeValue>;
    CancellationReasons?: CancellationReason[];
    $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
    $retryable?: unknown;
    /** Node's socket error code (ECONNRESET...), on errors that never reached DynamoDB's answer. */
    code?: unknown;
  };
  const name = typeof error.name === 'string' ? error.name : 'UnknownError';
  const status = error.$metadata?.httpStatusCode;
  const retryable =
    RETRYABLE_NAMES.has(name) ||
    error.$retryable !== undefined ||
    (status !== undefined && status >= 500) ||
    (typeof error.code === 'string' && TRANSIENT_NETWORK_CODES.has(error.code));
  return {
    name,
    message: String(error.message ?? cause).slice(0, 500),
    status,
    requestId: error.$metadata?.requestId,
    retryable,
    item: error.Item,
    attempts: error.$metadata?.attempts ?? 1,
    cancellationReasons: error.CancellationReasons,
  };
}
