import type { AttributeValue, ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { itemSize } from '../marshalling/item-size';
import type { OperationName } from './operation-names';

/** Read and write capacity units of one request. */
export interface CapacityUnits {
  readUnits: number;
  writeUnits: number;
}

type Item = Record<string, AttributeValue>;
type Request = Record<string, unknown>;
type Answer = Record<string, unknown> | undefined;

const READ_OPERATIONS = new Set<OperationName>(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);

/** Billing sizes: reads are charged per 4 KB, writes per 1 KB, each rounded up. */
const READ_UNIT_BYTES = 4096;
const WRITE_UNIT_BYTES = 1024;

const readUnitsOf = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5);
const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));

/**
 * The units DynamoDB reported for a request (`ReturnConsumedCapacity`), split into reads and writes,
 * or undefined when the answer has none. `CapacityUnits` alone is attributed by the operation's kind;
 * a transaction's ConditionCheck entries come back as read units.
 */
export function reportedUnits(operation: OperationName, answer: Answer): CapacityUnits | undefined {
  const reported = answer?.ConsumedCapacity as ConsumedCapacity | ConsumedCapacity[] | undefined;
  if (reported === undefined) return undefined;
  const units: CapacityUnits = { readUnits: 0, writeUnits: 0 };
  // One entry for a single-table request: no array to build for it.
  if (!Array.isArray(reported)) {
    addEntry(units, operation, reported);
    return units;
  }
  if (reported.length === 0) return undefined;
  for (const entry of reported) addEntry(units, operation, entry);
  return units;
}

function addEntry(units: CapacityUnits, operation: OperationName, entry: ConsumedCapacity): void {
  if (entry.ReadCapacityUnits !== undefined || entry.WriteCapacityUnits !== undefined) {
    units.readUnits += entry.ReadCapacityUnits ?? 0;
    units.writeUnits += entry.WriteCapacityUnits ?? 0;
  } else if (READ_OPERATIONS.has(operation)) {
    units.readUnits += entry.CapacityUnits ?? 0;
  } else {
    units.writeUnits += entry.CapacityUnits ?? 0;
  }
}

/**
 * The units a request costs by DynamoDB's billing rules, computed from the item sizes the request
 * carried or the answer returned, for engines that report none. A lower bound: index copies and the
 * old size of an overwritten, updated or deleted item the answer did not return are not counted.
 * A refused conditional write (no answer) is charged as if it had been written, as DynamoDB does.
 */
export function estimatedUnits(operation: OperationName, request: Request, answer: Answer): CapacityUnits {
  const consistent = request.ConsistentRead === true;
  switch (operation) {
    case 'GetItem':
      return reads(readUnitsOf(sizeOf(answer?.Item), consistent));
    case 'Query':
    case 'Scan':
      return reads(readUnitsOf(sumOfSizes(answer?.Items), consistent));
    case 'BatchGetItem':
      return reads(batchGetUnits(request, answer));
    case 'TransactGetItems':
      return reads(2 * sum(((answer?.Responses as Array<{ Item?: Item }>) ?? []).map((entry) => readUnitsOf(sizeOf(entry.Item), true))));
    case 'PutItem':
      return writes(writeUnitsOf(sizeOf(request.Item)));
    case 'UpdateItem':
    case 'DeleteItem':
      return writes(writeUnitsOf(sizeOf(answer?.Attributes)));
    case 'BatchWriteItem':
      return writes(batchWriteUnits(request, answer));
    case 'TransactWriteItems':
      return transactWriteUnits(request);
    default:
      return { readUnits: 0, writeUnits: 0 };
  }
}

const reads = (readUnits: number): CapacityUnits => ({ readUnits, writeUnits: 0 });
const writes = (writeUnits: number): CapacityUnits => ({ readUnits: 0, writeUnits });
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const sizeOf = (item: unknown) => (item ? itemSize(item as Item) : 0);
const sumOfSizes = (items: unknown) => sum(((items as Item[] | undefined) ?? []).map(itemSize));

/** Each item of a BatchGetItem is rounded up on its own; keys not found still cost their read. */
function batchGetUnits(request: Request, answer: Answer): number {
  let units = 0;
  const asked = (request.RequestItems ?? {}) as Record<string, { Keys?: Item[]; ConsistentRead?: boolean }>;
  const returned = (answer?.Responses ?? {}) as Record<string, Item[]>;
  const unprocessed = (answer?.UnprocessedKeys ?? {}) as Record<string, { Keys?: Item[] }>;
  for (const [table, { Keys = [], ConsistentRead }] of Object.entries(asked)) {
    const items = returned[table] ?? [];
    const misses = Keys.length - items.length - (unprocessed[table]?.Keys?.length ?? 0);
    units += sum(items.map((item) => readUnitsOf(itemSize(item), ConsistentRead === true)));
    units += Math.max(0, misses) * readUnitsOf(0, ConsistentRead === true);
  }
  return units;
}

/** Puts by their size, deletes at least one unit; what comes back unprocessed was not written. */
function batchWriteUnits(request: Request, answer: Answer): number {
  type Entry = { PutRequest?: { Item: Item } };
  const unitsOf = (entries: Entry[] | undefined) => sum((entries ?? []).map((entry) => writeUnitsOf(sizeOf(entry.PutRequest?.Item))));
  const asked = (request.RequestItems ?? {}) as Record<string, Entry[]>;
  const unprocessed = (answer?.UnprocessedItems ?? {}) as Record<string, Entry[]>;
  return sum(Object.entries(asked).map(([table, entries]) => unitsOf(entries) - unitsOf(unprocessed[table])));
}

/** Two units per unit of a plain write, per entry; a ConditionCheck is a transactional read of its item. */
function transactWriteUnits(request: Request): CapacityUnits {
  const units: CapacityUnits = { readUnits: 0, writeUnits: 0 };
  for (const entry of (request.TransactItems as Array<Record<string, { Item?: Item }>>) ?? []) {
    if (entry.ConditionCheck) units.readUnits += 2 * readUnitsOf(0, true);
    else units.writeUnits += 2 * writeUnitsOf(sizeOf(entry.Put?.Item));
  }
  return units;
}
