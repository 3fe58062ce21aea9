export { DynamoSingleTableError, isDynamoSingleTableError } from './base';
export type { ErrorCode, DynamoSingleTableErrorOptions } from './base';
export {
  EntityNotFoundError,
  EntityAlreadyExistsError,
  VersionConflictError,
  ConditionFailedError,
  EntityValidationError,
  ItemTooLargeError,
} from './entity-errors';
export type { PropertyViolation } from './entity-errors';
export {
  MetadataError,
  TableSchemaMismatchError,
  TableNotReadyError,
  TableNotFoundError,
  InvalidArgumentError,
  ParentRequiredError,
  NotConfiguredError,
  UnsupportedByEngineError,
  DynamoDBRequestError,
} from './setup-errors';
export type { RequestTarget, ErrorHintOptions, InvalidArgumentOptions } from './setup-errors';
export { BatchGetIncompleteError, BatchSaveIncompleteError, BatchDeleteIncompleteError } from './batch-errors';
export type { BatchSaveOutcome } from './batch-errors';
export { UniqueConstraintError, TransactionCanceledError, TransactionTooLargeError, CollectionTooLargeError } from './transaction-errors';
export type { TransactionItemFailure } from './transaction-errors';
export { ScanNotAllowedError, ReadLimitExceededError } from './read-errors';
export type { ReadLimit, ReadLimitProgress } from './read-errors';
