/**
 * dynamo-single-table: a TypeScript ORM for DynamoDB built on single-table design.
 * Named exports only; optional parts live in subpaths (`dynamo-single-table/testing`).
 */
import 'reflect-metadata';

export { Table, Field, StrId, Unique, Index } from './decorators';
export { EntityManager, Repository, BaseEntity, EntityIterable, Transaction, parentStrIdOf } from './manager';
export type {
  EntityManagerOptions,
  EntityClass,
  EnsureTableOptions,
  EntityInput,
  DataKeys,
  NumericKeys,
  UniqueKeys,
  EntityRef,
  EntityTarget,
  ScopedTarget,
  LoadedRefs,
  UpdateOptions,
  WriteOptions,
  DeleteOptions,
  ListOptions,
  ReadLimits,
  ScanOptions,
  GetManyOptions,
  SaveManyOptions,
  DeleteManyOptions,
  BatchConcurrencyOptions,
  GetOrCreateOptions,
  RepositoryUpdateOptions,
  QueryOptions,
  QuerySelection,
  CountOptions,
  Where,
  KeyRange,
  KeyValue,
  Filter,
  FieldFilter,
  SortOrder,
  Page,
  ReindexOptions,
  ReindexProgress,
  ReindexResult,
  ReindexSkipped,
  ChildClasses,
  WithChildren,
} from './manager';
export type { Logger, CapacityReporting, CostHooks, RequestCost, CallCost, TracerLike, SpanLike } from './client';
export type { BatchRetryOptions } from './client/retry';
export type { BillingMode, TableProvisioning } from './operations';
export { ATTR as ATTRIBUTE_NAMES, WRITE_HISTORY, TYPE_INDEX_NAME, getEntityMetadata, resetMetadataRegistry } from './metadata';
export type {
  FieldOptions,
  TableOptions,
  TypeIndexMode,
  IndexOptions,
  IndexProjection,
  IndexMetadata,
  IndexKeyField,
  DateFormat,
  EntityMetadata,
  FieldMetadata,
  ValueType,
  ClassShape,
} from './metadata';
export { newUid, isUid } from './keys';
export { itemSize } from './marshalling';
export {
  DynamoSingleTableError,
  isDynamoSingleTableError,
  EntityNotFoundError,
  EntityAlreadyExistsError,
  VersionConflictError,
  ConditionFailedError,
  EntityValidationError,
  ItemTooLargeError,
  MetadataError,
  TableSchemaMismatchError,
  TableNotReadyError,
  TableNotFoundError,
  InvalidArgumentError,
  ParentRequiredError,
  NotConfiguredError,
  UnsupportedByEngineError,
  UniqueConstraintError,
  TransactionCanceledError,
  TransactionTooLargeError,
  CollectionTooLargeError,
  DynamoDBRequestError,
  BatchGetIncompleteError,
  BatchSaveIncompleteError,
  BatchDeleteIncompleteError,
  ScanNotAllowedError,
  ReadLimitExceededError,
} from './errors';
export type { ErrorCode, PropertyViolation, TransactionItemFailure, ReadLimit } from './errors';
