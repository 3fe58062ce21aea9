import { STATUS_CODES } from 'node:http';
import { isDynamoSingleTableError } from '../errors';
import type { PropertyViolation } from '../errors';

/** The JSON body the exception filter sends for one of our errors. */
export interface DynamoSingleTableErrorBody {
  statusCode: number;
  /** The HTTP reason phrase of `statusCode`, e.g. `Conflict`. */
  error: string;
  /** Our stable error code (`ENTITY_NOT_FOUND`...), or `INTERNAL_ERROR` for every 500. */
  code: string;
  message: string;
  /** Only for `VALIDATION_FAILED`: every failed property with its constraint messages. */
  violations?: PropertyViolation[];
}

/**
 * Client errors by code. Codes, not classes: `instanceof` fails when two copies of the package are
 * loaded (CJS and ESM side by side), and codes added later by the core library need no import here.
 *
 * VERSION_CONFLICT is 409, not 412: the library raises it both for a version the client sent (If-Match)
 * and for its own optimistic locking (a stale `save()`, a lost race between two requests), and a filter
 * cannot tell these apart. 409 says "the resource changed; reload and retry", which is right for both;
 * an endpoint that implements HTTP conditional requests can turn it into 412 itself.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  INVALID_ARGUMENT: 400,
  ENTITY_NOT_FOUND: 404,
  ENTITY_ALREADY_EXISTS: 409,
  UNIQUE_CONSTRAINT_VIOLATION: 409,
  VERSION_CONFLICT: 409,
};

/** DynamoDB cancellation reasons that mean "the data was not in the expected state", i.e. a conflict. */
const CONFLICT_REASONS = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

function transactionStatus(error: unknown): number {
  const failures = (error as { failures?: ReadonlyArray<{ reason?: unknown }> }).failures;
  if (!Array.isArray(failures) || failures.length === 0) return 500;
  return failures.every((failure) => CONFLICT_REASONS.has(String(failure.reason))) ? 409 : 500;
}

/** The HTTP status for an error of ours; 500 for any other code (a server-side fault, not the client's). */
export function httpStatusOf(error: unknown): number {
  if (!isDynamoSingleTableError(error)) return 500;
  if (error.code === 'TRANSACTION_CANCELED') return transactionStatus(error);
  return STATUS_BY_CODE[error.code] ?? 500;
}

function violationsOf(error: unknown): PropertyViolation[] {
  const violations = (error as { violations?: readonly PropertyViolation[] }).violations ?? [];
  return violations.map(({ property, constraints }) => ({ property, constraints: { ...constraints } }));
}

/**
 * The status and body for any thrown value. A 4xx carries our message (it describes the client's own
 * input: which id, which version, which property); a 500 carries nothing of the error, whose message
 * may name tables, AWS request ids or internals.
 */
export function toHttpErrorBody(error: unknown): DynamoSingleTableErrorBody {
  const statusCode = httpStatusOf(error);
  const reason = STATUS_CODES[statusCode] ?? 'Error';
  if (statusCode >= 500 || !isDynamoSingleTableError(error)) {
    return { statusCode, error: reason, code: 'INTERNAL_ERROR', message: 'Internal server error' };
  }
  const body: DynamoSingleTableErrorBody = { statusCode, error: reason, code: error.code, message: error.message };
  if (error.code === 'VALIDATION_FAILED') body.violations = violationsOf(error);
  return body;
}
