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
import type { OperationName } from './operation-names';
import { estimatedUnits, reportedUnits } from './capacity-estimate';
import { currentMeter, report, roundedMs } from './cost';
import type { CostHooks, RequestCost } from './cost';

/** The part of a command's own middleware stack the attempt log needs. */
interface MiddlewareStack {
  add(middleware: never, options: typeof ATTEMPT_LOG_OPTIONS): void;
}

interface Operations extends Record<OperationName, [object, object]> {
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

export type { OperationName };

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

const CAPACITY_DETAIL: Record<CapacityReporting, number> = { NONE: 0, TOTAL: 1, INDEXES: 2 };

/**
 * The one rule for `ReturnConsumedCapacity`: a request asks for the more detailed of what it asks
 * itself (a bounded listing measures its pages: TOTAL) and `level`, what the executor asks for (its
 * `returnConsumedCapacity`, at least TOTAL with cost hooks). Copied only when that changes it.
 */
export function withCapacity<I extends object>(input: I, level: CapacityReporting): I {
  const asked = (input as { ReturnConsumedCapacity?: CapacityReporting }).ReturnConsumedCapacity ?? 'NONE';
  // Object.assign rather than a spread: this one site sees every operation's input shape, and a
  // spread there falls off V8's fast path (about 2 microseconds a request in profiles).
  return CAPACITY_DETAIL[level] > CAPACITY_DETAIL[asked] ? Object.assign({}, input, CAPACITY_FIELD[level]) : input;
}

const CAPACITY_FIELD: Record<CapacityReporting, { ReturnConsumedCapacity: CapacityReporting }> = {
  NONE: { ReturnConsumedCapacity: 'NONE' },
  TOTAL: { ReturnConsumedCapacity: 'TOTAL' },
  INDEXES: { ReturnConsumedCapacity: 'INDEXES' },
};

export interface ExecutorOptions {
  logger?: Logger;
  /** Ask DynamoDB for consumed capacity on every request and log it at debug level. @default 'NONE' */
  returnConsumedCapacity?: CapacityReporting;
  /** Receives the cost of every request (and asks DynamoDB for consumed capacity, at least 'TOTAL'). */
  costs?: CostHooks;
}

const NO_UNITS = { readUnits: 0, writeUnits: 0 };

/** Refusals DynamoDB charges for: the condition was evaluated against the stored item. */
const CHARGED_REFUSALS = new Set(['ConditionalCheckFailedException', 'TransactionCanceledException']);

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
  readonly costs: CostHooks | undefined;

  constructor(client: DynamoDBClient, options: ExecutorOptions = {}) {
    this.client = client;
    this.logger = options.logger;
    this.costs = options.costs;
    const asked = options.returnConsumedCapacity ?? 'NONE';
    this.capacity = options.costs && asked === 'NONE' ? 'TOTAL' : asked;
  }

  /** With `attempts`, the outcome of each SDK attempt is counted there (see AttemptLog). */
  async send<K extends OperationName>(operation: K, input: Operations[K][0], entity?: string, attempts?: AttemptLog): Promise<Operations[K][1]> {
    const request = this.capacity !== 'NONE' && CAPACITY_OPERATIONS.has(operation) ? withCapacity(input, this.capacity) : input;
    const command = new COMMANDS[operation](request as never);
    if (attempts) (command as { middlewareStack: MiddlewareStack }).middlewareStack.add(attemptLogMiddleware(attempts) as never, ATTEMPT_LOG_OPTIONS);
    const started = this.logger?.debug || this.costs ? performance.now() : 0;
    try {
      const output = (await this.client.send(command as never)) as Operations[K][1];
      if (this.logger?.debug) this.logRequest(operation, entity, started, output);
      if (this.costs) this.reportCost(operation, input, entity, started, output);
      return output;
    } catch (error) {
      this.logger?.debug?.('dynamodb request failed', { operation, entity, error: (error as Error)?.name });
      if (this.costs) this.reportCost(operation, input, entity, started, undefined, error);
      throw requestError(operation, input, error, entity);
    }
  }

  /** The cost of one request, to the request hook and the meter of the API call that sent it. */
  private reportCost(operation: OperationName, input: object, entity: string | undefined, started: number, output?: object, error?: unknown): void {
    const answer = (output ?? error) as { $metadata?: { attempts?: number } } | undefined;
    const attempts = answer?.$metadata?.attempts ?? 1;
    const reported = output ? reportedUnits(operation, output as Record<string, unknown>) : undefined;
    // Only what DynamoDB left out is estimated; a refusal it does not charge for costs nothing.
    const charged = output !== undefined || CHARGED_REFUSALS.has((error as Error | undefined)?.name ?? '');
    const units = reported ?? (charged ? estimatedUnits(operation, input as Record<string, unknown>, output as Record<string, unknown> | undefined) : NO_UNITS);
    const cost: RequestCost = {
      operation,
      entity,
      readUnits: units.readUnits,
      writeUnits: units.writeUnits,
      estimated: reported === undefined && charged,
      retries: attempts > 1 ? attempts - 1 : 0,
      durationMs: roundedMs(performance.now() - started),
      failed: output === undefined,
    };
    currentMeter()?.add(cost);
    report(this.costs?.request, cost, this.logger);
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
