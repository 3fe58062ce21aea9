import { STATUS_CODES } from 'node:http';
import { isDynamoSingleTableError } from '../errors';
import type { DynamoSingleTableError, PropertyViolation } from '../errors';

/** The JSON body the exception filter sends for one of our errors. */
export interface DynamoSingleTableErrorBody {
  statusCode: number;
  /** The HTTP reason phrase of `statusCode`, e.g. `Conflict`. */
  error: string;
  /**
   * Our stable error code (`ENTITY_NOT_FOUND`...) for a 4xx; `SERVICE_UNAVAILABLE` for every 503 and
   * `INTERNAL_ERROR` for every 500, whose details stay in the server log.
   */
  code: string;
  /** The error's `summary`: its message without the developer's fix (`hint`), which is never sent. */
  message: string;
  /** Only for `VALIDATION_FAILED`: every failed property with its constraint messages. */
  violations?: PropertyViolation[];
}

/**
 * The `Retry-After` of a 503, in seconds. The SDK (and, for batches, the library) already retried
 * with backoff before the error reached the filter, so the throttling has lasted a while; one second
 * lets DynamoDB's capacity catch up (on-demand tables and adaptive capacity react within seconds)
 * without stalling a user for long. Clients with their own backoff may wait longer.
 */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Client errors by code. Codes, not classes: `instanceof` fails when two copies of the package are
 * loaded (CJS and ESM side by side), and codes added later by the core library need no import here.
 *
 * VERSION_CONFLICT is 409, not 412: the library raises it both for a version the client sent (If-Match)
 * and for its own optimistic locking (a stale `save()`, a lost race between two requests), and a filter
 * cannot tell these apart. 409 says "the resource changed; reload and retry", which is right for both;
 * an endpoint that implements HTTP conditional requests can turn it into 412 itself.
 *
 * CONDITION_FAILED is 409 for the same reason: the write's `condition` did not hold on the entity as
 * stored (e.g. "only the author may edit" on another author's article, or a state that moved on), so
 * the request conflicts with the resource's current state; nothing was written. An endpoint that
 * means it as a permission check can map it to 403 itself.
 *
 * COLLECTION_TOO_LARGE is 409: the entity has too many children to be renamed in one transaction (its
 * current state prevents the request); nothing was written. PARENT_REQUIRED stays a 500: it is a
 * mistake in the application's code (a child type used without `of(parent)`), not in the request.
 *
 * ITEM_TOO_LARGE is 413: the entity the client sent would not fit in a DynamoDB item (checked before
 * sending); resending it unchanged can never succeed.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_ARGUMENT: 400,
  ENTITY_NOT_FOUND: 404,
  ENTITY_ALREADY_EXISTS: 409,
  UNIQUE_CONSTRAINT_VIOLATION: 409,
  VERSION_CONFLICT: 409,
  CONDITION_FAILED: 409,
  COLLECTION_TOO_LARGE: 409,
  ITEM_TOO_LARGE: 413,
};

/** AWS error names of a request DynamoDB refused for lack of capacity (after the SDK's retries). */
const THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);
/** Cancellation reasons of a transaction item refused for lack of capacity. */
const THROTTLING_REASONS = new Set(['ProvisionedThroughputExceeded', 'ThrottlingError']);
const CONDITION_FAILED = 'ConditionalCheckFailed';
/** Another transaction held the item: transient, and the library already retried it. */
const CONFLICT = 'TransactionConflict';
const BATCH_INCOMPLETE = new Set(['BATCH_GET_INCOMPLETE', 'BATCH_SAVE_INCOMPLETE', 'BATCH_DELETE_INCOMPLETE']);

function isThrottledRequest(error: unknown): boolean {
  return isDynamoSingleTableError(error, 'DYNAMODB_REQUEST_FAILED') && THROTTLING_ERRORS.has(String((error as { awsErrorName?: unknown }).awsErrorName));
}

/**
 * A canceled transaction by the reasons of its failed items. A failed condition decides when every
 * other failure is transient (a retry would fail on that condition again): 409. Only throttling and
 * conflicts: the same request may succeed later, 503 (conflicts alone stay 409, as documented: the
 * library already retried them). Anything else (a validation error, no reasons) is ours: 500.
 */
function transactionStatus(error: unknown): number {
  const failures = (error as { failures?: ReadonlyArray<{ reason?: unknown }> }).failures;
  if (!Array.isArray(failures) || failures.length === 0) return 500;
  const reasons = failures.map((failure) => String(failure.reason));
  const transient = (reason: string) => reason === CONFLICT || THROTTLING_REASONS.has(reason);
  if (!reasons.every((reason) => reason === CONDITION_FAILED || transient(reason))) return 500;
  if (reasons.includes(CONDITION_FAILED) || reasons.every((reason) => reason === CONFLICT)) return 409;
  return 503;
}

/**
 * A batch that gave up: throttled when its last request was throttled, or when DynamoDB kept returning
 * items unprocessed (no cause), which is how a batch reports exceeded capacity.
 */
function batchStatus(error: unknown): number {
  const cause = (error as { cause?: unknown }).cause;
  return cause === undefined || isThrottledRequest(cause) ? 503 : 500;
}

/** The HTTP status for an error of ours; 500 for any other code (a server-side fault, not the client's). */
export function httpStatusOf(error: unknown): number {
  if (!isDynamoSingleTableError(error)) return 500;
  if (error.code === 'TRANSACTION_CANCELED') return transactionStatus(error);
  if (BATCH_INCOMPLETE.has(error.code)) return batchStatus(error);
  if (isThrottledRequest(error)) return 503;
  return STATUS_BY_CODE[error.code] ?? 500;
}

/** Headers to send with the answer: `Retry-After` on a 503, none otherwise. */
export function httpErrorHeaders(error: unknown): Record<string, string> {
  return toHttpError(error).headers;
}

function violationsOf(error: unknown): PropertyViolation[] {
  const violations = (error as { violations?: readonly PropertyViolation[] }).violations ?? [];
  return violations.map(({ property, constraints }) => ({ property, constraints: { ...constraints } }));
}

/**
 * The message without the developer's fix. `message` is summary + hint; an error from a copy of the
 * package older than `summary` has only `message`.
 */
function summaryOf(error: DynamoSingleTableError): string {
  return typeof (error as Partial<DynamoSingleTableError>).summary === 'string' ? error.summary : error.message;
}

/** What the filter answers for an error: its status, the headers to set and the JSON body. */
export interface HttpErrorAnswer {
  status: number;
  /** `Retry-After` on a 503; empty otherwise. */
  headers: Record<string, string>;
  body: DynamoSingleTableErrorBody;
}

/**
 * The answer for any thrown value, at `status` (by default `httpStatusOf(error)`; another status is
 * how a filter of yours answers e.g. 422 for VALIDATION_FAILED with the body that goes with it).
 *
 * A 4xx body carries our code and `summary`: what happened, naming the client's own input (which id,
 * which version, which property). Never the `hint`, the developer's fix ("Reload it...", "Use
 * getOrCreate()..."), which is for logs. A 503 or 500 body carries nothing of the error, whose message
 * may name tables, AWS request ids or internals; so does a 4xx for an error the library answers with
 * a 5xx (a server-side fault stays undescribed whatever status you give it).
 */
export function toHttpError(error: unknown, status: number = httpStatusOf(error)): HttpErrorAnswer {
  const reason = STATUS_CODES[status] ?? 'Error';
  if (status === 503) {
    const message = `Service temporarily unavailable. Retry after ${RETRY_AFTER_SECONDS} second(s).`;
    const body = { statusCode: status, error: reason, code: 'SERVICE_UNAVAILABLE', message };
    return { status, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) }, body };
  }
  if (status >= 500 || !isDynamoSingleTableError(error) || httpStatusOf(error) >= 500) {
    return { status, headers: {}, body: { statusCode: status, error: reason, code: 'INTERNAL_ERROR', message: 'Internal server error' } };
  }
  const body: DynamoSingleTableErrorBody = { statusCode: status, error: reason, code: error.code, message: summaryOf(error) };
  if (error.code === 'VALIDATION_FAILED') body.violations = violationsOf(error);
  return { status, headers: {}, body };
}

/** The body of `toHttpError(error)`: what the filter sends unless you shape it. */
export function toHttpErrorBody(error: unknown): DynamoSingleTableErrorBody {
  return toHttpError(error).body;
}
