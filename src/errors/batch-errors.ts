import { DynamoSingleTableError } from './base';

/**
 * A batch operation gave up on part of its items: DynamoDB kept returning them as unprocessed, or
 * requests kept failing, for `batchRetry.maxAttempts` attempts in a row (or failed in a way retrying
 * cannot fix). Everything not listed on the error was done; what is listed can be retried as is.
 */

/** At most this many ids are spelled out in a message; the full lists are on the error. */
const IDS_IN_MESSAGE = 5;

function idList(strIds: readonly string[]): string {
  const shown = strIds.slice(0, IDS_IN_MESSAGE).map((id) => JSON.stringify(id)).join(', ');
  return strIds.length > IDS_IN_MESSAGE ? `${shown} and ${strIds.length - IDS_IN_MESSAGE} more` : shown;
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? ` Last failure: ${cause.message}` : ' DynamoDB kept returning them as unprocessed.';
}

export class BatchGetIncompleteError<T = unknown> extends DynamoSingleTableError {
  /** The distinct str ids that could not be read, in input order. */
  readonly unreadStrIds: readonly string[];
  /**
   * What getMany would have returned, in input order: an entity, or `undefined` for an id that does not
   * exist OR could not be read (tell them apart with `unreadStrIds`).
   */
  readonly results: ReadonlyArray<T | undefined>;

  constructor(entity: string, unreadStrIds: string[], results: Array<T | undefined>, cause?: unknown) {
    super(
      'BATCH_GET_INCOMPLETE',
      `getMany of ${entity} could not read ${unreadStrIds.length} id(s): ${idList(unreadStrIds)}.${causeText(cause)}`,
      { entity, cause },
    );
    this.unreadStrIds = unreadStrIds;
    this.results = results;
  }
}

export interface BatchSaveOutcome<T> {
  /** Written and marked stored (uid and version set on the instance), in input order. */
  saved: T[];
  /** Not known to be written, in input order, untouched (no new uid or version). Retry these. */
  unsaved: T[];
  /** The part of `unsaved` whose request may have been applied anyway (connection lost, HTTP 5xx). */
  outcomeUnknown: T[];
  unsavedStrIds: string[];
}

export class BatchSaveIncompleteError<T = unknown> extends DynamoSingleTableError {
  readonly saved: readonly T[];
  readonly unsaved: readonly T[];
  /**
   * Entities of `unsaved` that may be stored even so: their request's outcome is unknown. saveMany is
   * an unconditional put, so saving them again is safe.
   */
  readonly outcomeUnknown: readonly T[];

  constructor(entity: string, outcome: BatchSaveOutcome<T>, cause?: unknown) {
    super(
      'BATCH_SAVE_INCOMPLETE',
      `saveMany of ${entity} saved ${outcome.saved.length} entities but not ${outcome.unsaved.length}: ` +
        `${idList(outcome.unsavedStrIds)}.${causeText(cause)}`,
      { entity, cause },
    );
    this.saved = outcome.saved;
    this.unsaved = outcome.unsaved;
    this.outcomeUnknown = outcome.outcomeUnknown;
  }
}

export class BatchDeleteIncompleteError extends DynamoSingleTableError {
  /** The distinct str ids not known to be deleted, in input order. Retry these. */
  readonly undeletedStrIds: readonly string[];
  /** The part of `undeletedStrIds` whose request may have been applied anyway (connection lost, HTTP 5xx). */
  readonly outcomeUnknownStrIds: readonly string[];

  /** `text`: a summary and hint of the caller's, for a delete that is not a deleteMany (a cascade). */
  constructor(entity: string, undeletedStrIds: string[], outcomeUnknownStrIds: string[], cause?: unknown, text?: { summary: string; hint?: string }) {
    super(
      'BATCH_DELETE_INCOMPLETE',
      text?.summary ?? `deleteMany of ${entity} did not delete ${undeletedStrIds.length} id(s): ${idList(undeletedStrIds)}.${causeText(cause)}`,
      { entity, cause, hint: text?.hint },
    );
    this.undeletedStrIds = undeletedStrIds;
    this.outcomeUnknownStrIds = outcomeUnknownStrIds;
  }
}
