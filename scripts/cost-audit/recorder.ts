/**
 * Records every request an instrumented DynamoDBClient sends and what it cost by DynamoDB's billing
 * rules (billing.ts). For writes it reads the items' images before and after through a second,
 * uninstrumented client; for a Query or Scan it reads again what the request evaluated (without its
 * filter, projection or COUNT), since every item evaluated is billed. Those extra reads are not counted.
 */
import { DescribeTableCommand, GetItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { readUnits, sizeOf, writtenItemUnits } from './billing';
import type { IndexShape, Item, TableShape, Units, WrittenItem } from './billing';

export interface RecordedRequest {
  operation: string;
  units: Units;
}

type Input = Record<string, unknown>;
interface Pending { key: Item; transactional: boolean; before: Item | undefined }

export class CostRecorder {
  readonly requests: RecordedRequest[] = [];
  private table: TableShape | undefined;

  constructor(private readonly raw: DynamoDBClient, private readonly tableName: string) {}

  /** Adds the recording middleware to `client` (which must not be `raw`). */
  instrument(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName).replace(/Command$/, '');
        const input = args.input as Input;
        const pending = await this.imagesBefore(operation, input);
        let output: Input | undefined;
        let error: unknown;
        try {
          const result = await next(args);
          output = result.output as unknown as Input;
          return result;
        } catch (failure) {
          error = failure;
          throw failure;
        } finally {
          if (operation !== 'DescribeTable') this.requests.push({ operation, units: await this.unitsOf(operation, input, output, pending, error) });
        }
      },
      { step: 'initialize', name: 'costAuditRecorder' },
    );
  }

  clear(): void {
    this.requests.length = 0;
  }

  private async shape(): Promise<TableShape> {
    if (this.table) return this.table;
    const { Table } = await this.raw.send(new DescribeTableCommand({ TableName: this.tableName }));
    const indexes: IndexShape[] = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
      name: index.IndexName!,
      keys: (index.KeySchema ?? []).map((key) => key.AttributeName!),
      projection: index.Projection?.ProjectionType === 'ALL' ? 'ALL' : (index.Projection?.NonKeyAttributes ?? []),
    }));
    this.table = { keys: (Table?.KeySchema ?? []).map((key) => key.AttributeName!), indexes };
    return this.table;
  }

  /** Forgets the table's shape (after ensureTableExists added an index). */
  forgetShape(): void {
    this.table = undefined;
  }

  private async read(key: Item): Promise<Item | undefined> {
    return (await this.raw.send(new GetItemCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  private async keyOf(item: Item): Promise<Item> {
    const { keys } = await this.shape();
    return Object.fromEntries(keys.map((name) => [name, item[name]]));
  }

  /** The keys a write touches, with their items as stored before it. */
  private async imagesBefore(operation: string, input: Input): Promise<Pending[]> {
    const targets: Array<{ key: Item; transactional: boolean }> = [];
    if (operation === 'PutItem') targets.push({ key: await this.keyOf(input.Item as Item), transactional: false });
    if (operation === 'UpdateItem' || operation === 'DeleteItem') targets.push({ key: input.Key as Item, transactional: false });
    if (operation === 'BatchWriteItem') {
      for (const entry of Object.values(input.RequestItems as Record<string, Array<Record<string, { Item?: Item; Key?: Item }>>>).flat()) {
        targets.push({ key: entry.PutRequest ? await this.keyOf(entry.PutRequest.Item!) : entry.DeleteRequest!.Key!, transactional: false });
      }
    }
    if (operation === 'TransactWriteItems') {
      for (const entry of input.TransactItems as Array<Record<string, { Item?: Item; Key?: Item }>>) {
        const [kind, body] = Object.entries(entry)[0];
        targets.push({ key: kind === 'Put' ? await this.keyOf(body.Item!) : body.Key!, transactional: kind !== 'ConditionCheck' });
      }
    }
    return Promise.all(targets.map(async (target) => ({ ...target, before: await this.read(target.key) })));
  }

  private async unitsOf(operation: string, input: Input, output: Input | undefined, pending: Pending[], error: unknown): Promise<Units> {
    const consistent = input.ConsistentRead === true;
    switch (operation) {
      case 'GetItem':
        return { rru: output ? readUnits(sizeOf(output.Item as Item | undefined), consistent) : 0, wru: 0 };
      case 'Query':
      case 'Scan':
        return { rru: output ? readUnits(await this.evaluatedBytes(operation, input), consistent) : 0, wru: 0 };
      case 'BatchGetItem':
        return { rru: batchGetUnits(input, output), wru: 0 };
      case 'TransactGetItems':
        return { rru: 2 * ((output?.Responses as Array<{ Item?: Item }>) ?? []).reduce((total, entry) => total + readUnits(sizeOf(entry.Item), true), 0), wru: 0 };
      default:
        return this.writeUnits(operation, pending, error);
    }
  }

  private async writeUnits(operation: string, pending: Pending[], error: unknown): Promise<Units> {
    const name = (error as { name?: string } | undefined)?.name;
    const refused = name === 'ConditionalCheckFailedException' || name === 'TransactionCanceledException';
    if (error !== undefined && !refused) return { rru: 0, wru: 0 };
    const table = await this.shape();
    let units = { rru: 0, wru: 0 };
    for (const target of pending) {
      if (operation === 'TransactWriteItems' && !target.transactional) {
        units = { ...units, rru: units.rru + 2 * readUnits(sizeOf(target.before), true) }; // a ConditionCheck
        continue;
      }
      const written: WrittenItem = { before: target.before, after: refused ? target.before : await this.read(target.key), transactional: target.transactional, refused };
      units = { ...units, wru: units.wru + writtenItemUnits(written, table) };
    }
    return units;
  }

  /** The bytes a Query or Scan evaluated: the same request again without filter, projection or COUNT. */
  private async evaluatedBytes(operation: string, input: Input): Promise<number> {
    const request = withoutFilter(input);
    const page = operation === 'Query' ? await this.raw.send(new QueryCommand(request)) : await this.raw.send(new ScanCommand(request));
    return (page.Items ?? []).reduce((total, item) => total + sizeOf(item), 0);
  }
}

/** The request without what does not change what it reads, and without the names and values only those used. */
function withoutFilter(input: Input): QueryCommandInput {
  const request = { ...input } as QueryCommandInput & Input;
  delete request.FilterExpression;
  delete request.ProjectionExpression;
  delete request.Select;
  delete request.ReturnConsumedCapacity;
  const used = String(request.KeyConditionExpression ?? '');
  const keep = <V>(entries: Record<string, V> | undefined) => (entries ? Object.fromEntries(Object.entries(entries).filter(([token]) => new RegExp(`${token}(?![A-Za-z0-9_])`).test(used))) : undefined);
  const names = keep(request.ExpressionAttributeNames);
  const values = keep(request.ExpressionAttributeValues);
  request.ExpressionAttributeNames = names && Object.keys(names).length > 0 ? names : undefined;
  request.ExpressionAttributeValues = values && Object.keys(values).length > 0 ? values : undefined;
  return request;
}

function batchGetUnits(input: Input, output: Input | undefined): number {
  let units = 0;
  for (const [table, asked] of Object.entries(input.RequestItems as Record<string, { Keys: Item[]; ConsistentRead?: boolean }>)) {
    const items = ((output?.Responses as Record<string, Item[]> | undefined) ?? {})[table] ?? [];
    const left = ((output?.UnprocessedKeys as Record<string, { Keys: Item[] }> | undefined) ?? {})[table]?.Keys.length ?? 0;
    const misses = Math.max(0, asked.Keys.length - items.length - left);
    units += items.reduce((total, item) => total + readUnits(sizeOf(item), asked.ConsistentRead === true), 0);
    units += misses * readUnits(0, asked.ConsistentRead === true);
  }
  return units;
}
