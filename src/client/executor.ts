import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import type {
  BatchGetItemCommandInput,
  BatchGetItemCommandOutput,
  BatchWriteItemCommandInput,
  BatchWriteItemCommandOutput,
  ConsumedCapacity,
  CreateTableCommandInput,
  CreateTableCommandOutput,
  DeleteItemCommandInput,
  DeleteItemCommandOutput,
  DescribeTableCommandInput,
  DescribeTableCommandOutput,
  DynamoDBClient,
  GetItemCommandInput,
  GetItemCommandOutput,
  PutItemCommandInput,
  PutItemCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  TransactGetItemsCommandInput,
  TransactGetItemsCommandOutput,
  TransactWriteItemsCommandInput,
  TransactWriteItemsCommandOutput,
  UpdateItemCommandInput,
  UpdateItemCommandOutput,
  UpdateTableCommandInput,
  UpdateTableCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBRequestError } from '../errors';
import type { Logger } from './logger';
import { ATTEMPT_LOG_OPTIONS, attemptLogMiddleware } from './attempt-log';
import type { AttemptLog } from './attempt-log';
import { requestError } from './request-error';

/** The part of a command's own middleware stack the attempt log needs. */
interface MiddlewareStack {
  add(middleware: never, options: typeof ATTEMPT_LOG_OPTIONS): void;
}

interface Operations {
  GetItem: [GetItemCommandInput, GetItemCommandOutput];
  PutItem: [PutItemCommandInput, PutItemCommandOutput];
  UpdateItem: [UpdateItemCommandInput, UpdateItemCommandOutput];
  DeleteItem: [DeleteItemCommandInput, DeleteItemCommandOutput];
  Query: [QueryCommandInput, QueryCommandOutput];
  Scan: [ScanCommandInput, ScanCommandOutput];
  BatchGetItem: [BatchGetItemCommandInput, BatchGetItemCommandOutput];
  BatchWriteItem: [BatchWriteItemCommandInput, BatchWriteItemCommandOutput];
  TransactGetItems: [TransactGetItemsCommandInput, TransactGetItemsCommandOutput];
  TransactWriteItems: [TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput];
  DescribeTable: [DescribeTableCommandInput, DescribeTableCommandOutput];
  CreateTable: [CreateTableCommandInput, CreateTableCommandOutput];
  UpdateTable: [UpdateTableCommandInput, UpdateTableCommandOutput];
}

export type OperationName = keyof Operations;

const COMMANDS: { [K in OperationName]: new (input: Operations[K][0]) => unknown } = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  Query: QueryCommand,
  Scan: ScanCommand,
  BatchGetItem: BatchGetItemCommand,
  BatchWriteItem: BatchWriteItemCommand,
  TransactGetItems: TransactGetItemsCommand,
  TransactWriteItems: TransactWriteItemsCommand,
  DescribeTable: DescribeTableCommand,
  CreateTable: CreateTableCommand,
  UpdateTable: UpdateTableCommand,
};

export type CapacityReporting = 'NONE' | 'TOTAL' | 'INDEXES';

export interface ExecutorOptions {
  logger?: Logger;
  /** Ask DynamoDB for consumed capacity on every request and log it at debug level. @default 'NONE' */
  returnConsumedCapacity?: CapacityReporting;
}

const CAPACITY_OPERATIONS = new Set<OperationName>([
  'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan',
  'BatchGetItem', 'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems',
]);

/**
 * The one place that talks to DynamoDB: sends a command, wraps any failure in `DynamoDBRequestError`
 * (so no raw AWS error escapes; a missing table is its subclass `TableNotFoundError`), and reports
 * timing and consumed capacity to the logger.
 */
export class RequestExecutor {
  readonly client: DynamoDBClient;
  private readonly logger: Logger | undefined;
  private readonly capacity: CapacityReporting;

  constructor(client: DynamoDBClient, options: ExecutorOptions = {}) {
    this.client = client;
    this.logger = options.logger;
    this.capacity = options.returnConsumedCapacity ?? 'NONE';
  }

  /** With `attempts`, the outcome of each SDK attempt is counted there (see AttemptLog). */
  async send<K extends OperationName>(operation: K, input: Operations[K][0], entity?: string, attempts?: AttemptLog): Promise<Operations[K][1]> {
    const request =
      this.capacity !== 'NONE' && CAPACITY_OPERATIONS.has(operation)
        ? { ...input, ReturnConsumedCapacity: this.capacity }
        : input;
    const command = new COMMANDS[operation](request as never);
    if (attempts) (command as { middlewareStack: MiddlewareStack }).middlewareStack.add(attemptLogMiddleware(attempts) as never, ATTEMPT_LOG_OPTIONS);
    const started = this.logger?.debug ? performance.now() : 0;
    try {
      const output = (await this.client.send(command as never)) as Operations[K][1];
      if (this.logger?.debug) this.logRequest(operation, entity, started, output);
      return output;
    } catch (error) {
      this.logger?.debug?.('dynamodb request failed', { operation, entity, error: (error as Error)?.name });
      throw requestError(operation, input, error, entity);
    }
  }

  private logRequest(operation: OperationName, entity: string | undefined, started: number, output: object): void {
    const consumed = (output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
    this.logger?.debug?.('dynamodb request', {
      operation,
      entity,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
      ...(consumed ? { consumedCapacity: consumed } : {}),
    });
  }
}

/** True for the failure of a ConditionExpression (a key taken, a version moved on). */
export function isConditionFailure(error: unknown): error is DynamoDBRequestError {
  return error instanceof DynamoDBRequestError && error.awsErrorName === 'ConditionalCheckFailedException';
}
