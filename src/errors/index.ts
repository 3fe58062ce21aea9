export { DynamoSingleTableError, isDynamoSingleTableError } from './base';
export type { ErrorCode, DynamoSingleTableErrorOptions } from './base';
export {
  EntityNotFoundError,
  EntityAlreadyExistsError,
  VersionConflictError,
  EntityValidationError,
  ItemTooLargeError,
} from './entity-errors';
export type { PropertyViolation } from './entity-errors';
export {
  MetadataError,
  TableSchemaMismatchError,
  TableNotReadyError,
  InvalidArgumentError,
  NotConfiguredError,
  DynamoDBRequestError,
} from './setup-errors';
