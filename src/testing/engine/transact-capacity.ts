import type { DbModule, Item } from './dynalite-modules';
import type { WriteMember } from './transact-validation';

/**
 * The ConsumedCapacity of a transaction, as DynamoDB reports it when asked (ReturnConsumedCapacity
 * TOTAL or INDEXES): every member costs twice what the same plain request would, a write by the larger
 * of the item's old and new images (1 unit per 1 KB), a ConditionCheck or a read by the item read
 * (1 unit per 4 KB). Per table, like DynamoDB's answer; index copies are not counted, as dynalite's own
 * single-item answers do not count them.
 */
export interface TableCapacity {
  TableName: string;
  CapacityUnits: number;
  ReadCapacityUnits: number;
  WriteCapacityUnits: number;
}

const wanted = (data: Item) => data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES';
const units = (db: DbModule, item: Item | undefined, bytesPerUnit: number) => (item ? Math.max(1, Math.ceil(db.itemSize(item) / bytesPerUnit)) : 1);

function add(byTable: Map<string, TableCapacity>, table: string, read: number, write: number): void {
  const entry = byTable.get(table) ?? { TableName: table, CapacityUnits: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 };
  entry.ReadCapacityUnits += read;
  entry.WriteCapacityUnits += write;
  entry.CapacityUnits += read + write;
  byTable.set(table, entry);
}

/** The answer's ConsumedCapacity for a committed TransactWriteItems, or undefined when not asked. */
export function writeCapacity(db: DbModule, data: Item, members: readonly WriteMember[], oldItems: ReadonlyArray<Item | undefined>, newItems: ReadonlyArray<Item | undefined>): TableCapacity[] | undefined {
  if (!wanted(data)) return undefined;
  const byTable = new Map<string, TableCapacity>();
  members.forEach((member, index) => {
    const table = member.table.TableName;
    if (member.kind === 'ConditionCheck') add(byTable, table, 2 * units(db, oldItems[index], 4096), 0);
    else add(byTable, table, 0, 2 * Math.max(units(db, oldItems[index], 1024), units(db, newItems[index], 1024)));
  });
  return [...byTable.values()];
}

/** The answer's ConsumedCapacity for a TransactGetItems, or undefined when not asked. */
export function readCapacity(db: DbModule, data: Item, tables: readonly string[], items: ReadonlyArray<Item | undefined>): TableCapacity[] | undefined {
  if (!wanted(data)) return undefined;
  const byTable = new Map<string, TableCapacity>();
  items.forEach((item, index) => add(byTable, tables[index], 2 * units(db, item, 4096), 0));
  return [...byTable.values()];
}
