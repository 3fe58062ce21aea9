import type { DbModule, DynaliteStore, EngineError, Item, TableDescription } from './dynalite-modules';
import { engineError, getTable, runAction, validated } from './actions';
import type { EngineContext, EngineRoute } from './server';
import { checkedRequest, getRecord, putRecord, underLock, valuesOf } from './ttl';

/**
 * Online global secondary indexes: UpdateTable with `GlobalSecondaryIndexUpdates` Create or Delete on
 * a table that may hold items. The request is answered at once with the index CREATING (or DELETING)
 * and the table UPDATING; the index is then built from the existing items (or dropped) in the
 * background and becomes ACTIVE (or disappears), as in DynamoDB. Throughput-only updates still go to
 * dynalite.
 */

type Definition = { AttributeName: string; AttributeType: string };
type KeyElement = { AttributeName: string; KeyType: string };
interface CreateAction {
  IndexName: string;
  KeySchema: KeyElement[];
  Projection: { ProjectionType?: string; NonKeyAttributes?: string[] };
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
}
interface IndexUpdate {
  Create?: CreateAction;
  Delete?: { IndexName: string };
  Update?: unknown;
}

const ATTRIBUTE_DEFINITIONS = {
  type: 'List',
  children: {
    type: 'ValueStruct<AttributeDefinition>',
    children: {
      AttributeName: { type: 'String', notNull: true },
      AttributeType: { type: 'String', notNull: true, enum: ['B', 'N', 'S'] },
    },
  },
};

/** dynalite's UpdateTable types, plus AttributeDefinitions, and a Create's throughput optional (on-demand tables). */
function requestTypes(context: EngineContext): Record<string, unknown> {
  const types = structuredClone(context.modules.validationOf('updateTable').types) as Record<string, Item>;
  const updates = types.GlobalSecondaryIndexUpdates as { children: { children: { Create: { children: Record<string, Item> } } } };
  delete updates.children.children.Create.children.ProvisionedThroughput.notNull;
  return { ...types, AttributeDefinitions: ATTRIBUTE_DEFINITIONS };
}

const invalid = (message: string): EngineError => engineError('ValidationException', `One or more parameter values were invalid: ${message}`);
const onlyOneIndex = (): EngineError =>
  engineError('LimitExceededException', 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table');

async function updateTableIndexes(context: EngineContext, data: Item): Promise<unknown> {
  const { modules, store } = context;
  const request = checkedRequest(context, { ...data }, requestTypes(context), modules.validationOf('updateTable').custom);
  const updates = request.GlobalSecondaryIndexUpdates as IndexUpdate[];
  const changes = updates.filter((update) => update.Create || update.Delete);
  if (changes.length === 0) return runAction(modules, 'updateTable', store, validated(modules, 'updateTable', data, store));
  if (changes.length > 1) throw onlyOneIndex();
  if (updates.length > 1 || request.ProvisionedThroughput || request.BillingMode) {
    throw invalid('an UpdateTable that creates or deletes a global secondary index cannot change other settings');
  }
  const name = request.TableName as string;
  const [change] = changes as [IndexUpdate];
  const updated = await underLock(store.tableDb, name, async () => {
    const table = await changeableTable(store, name);
    const next = change.Create
      ? withCreatedIndex(context, table, change.Create, (request.AttributeDefinitions ?? []) as Definition[])
      : withDeletingIndex(table, (change.Delete as { IndexName: string }).IndexName);
    await putRecord(store.tableDb, name, next);
    return next;
  });
  if (change.Create) void buildIndex(context, name, change.Create.IndexName, updated.TableId as string);
  else void dropIndex(context, name, (change.Delete as { IndexName: string }).IndexName, updated.TableId as string);
  return { TableDescription: updated };
}

/** DynamoDB changes one index at a time, and nothing of a table being created or deleted. */
async function changeableTable(store: DynaliteStore, name: string): Promise<TableDescription> {
  const table = await getTable(store, name, false);
  if (table.TableStatus === 'ACTIVE') return table;
  const indexBusy = (table.GlobalSecondaryIndexes ?? []).some((index) => index.IndexStatus !== 'ACTIVE');
  if (table.TableStatus === 'UPDATING' && indexBusy) throw onlyOneIndex();
  const doing = { CREATING: 'created', DELETING: 'deleted' }[table.TableStatus] ?? 'updated';
  throw engineError('ResourceInUseException', `Attempt to change a resource which is still in use: Table is being ${doing}: ${name}`);
}

function withCreatedIndex(context: EngineContext, table: TableDescription, create: CreateAction, given: Definition[]): TableDescription {
  checkIndexName(table, create.IndexName);
  const AttributeDefinitions = mergedDefinitions(table.AttributeDefinitions, given);
  checkKeySchema(create.KeySchema, given);
  checkProjection(create.Projection);
  const onDemand = (table.BillingModeSummary as { BillingMode?: string } | undefined)?.BillingMode === 'PAY_PER_REQUEST';
  if (onDemand && create.ProvisionedThroughput) {
    throw invalid(`ProvisionedThroughput should not be specified for index: ${create.IndexName} when BillingMode is PAY_PER_REQUEST`);
  }
  if (!onDemand && !create.ProvisionedThroughput) throw invalid(`ProvisionedThroughput must be specified for index: ${create.IndexName}`);
  const indexes = table.GlobalSecondaryIndexes ?? [];
  if (indexes.length >= 20) throw invalid('GlobalSecondaryIndex count exceeds the per-table limit of 20');
  const { tableDb } = context.store as DynaliteStore & { tableDb: { awsRegion?: string; awsAccountId?: string } };
  const index = {
    IndexName: create.IndexName,
    KeySchema: create.KeySchema,
    Projection: create.Projection,
    IndexStatus: 'CREATING',
    Backfilling: true,
    ProvisionedThroughput: { ReadCapacityUnits: 0, WriteCapacityUnits: 0, ...create.ProvisionedThroughput, NumberOfDecreasesToday: 0 },
    IndexSizeBytes: 0,
    ItemCount: 0,
    IndexArn: `arn:aws:dynamodb:${tableDb.awsRegion}:${tableDb.awsAccountId}:table/${table.TableName}/index/${create.IndexName}`,
  };
  return { ...table, AttributeDefinitions, TableStatus: 'UPDATING', GlobalSecondaryIndexes: [...indexes, index] };
}

function checkIndexName(table: TableDescription, indexName: string): void {
  const names = [...(table.GlobalSecondaryIndexes ?? []), ...((table.LocalSecondaryIndexes ?? []) as Item[])].map((index) => index.IndexName);
  if (names.includes(indexName)) throw invalid(`Index already exists: ${indexName}`);
}

/** The request's definitions added to the table's; an attribute keeps one type. */
function mergedDefinitions(current: Definition[], given: Definition[]): Definition[] {
  const merged = [...current];
  for (const definition of given) {
    const existing = merged.find((known) => known.AttributeName === definition.AttributeName);
    if (!existing) merged.push(definition);
    else if (existing.AttributeType !== definition.AttributeType) {
      throw invalid(`Cannot change the type of attribute ${definition.AttributeName} from ${existing.AttributeType} to ${definition.AttributeType}`);
    }
  }
  return merged;
}

function checkKeySchema(keySchema: KeyElement[], given: Definition[]): void {
  const keys = keySchema.map((key) => key.AttributeName);
  const defined = given.map((definition) => definition.AttributeName);
  if (keys.some((key) => !defined.includes(key))) {
    throw invalid(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${keys.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`);
  }
  if (keySchema[1] && keySchema[0]?.AttributeName === keySchema[1].AttributeName) {
    throw engineError('ValidationException', 'Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  if (keySchema[0]?.KeyType !== 'HASH') throw engineError('ValidationException', 'Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (keySchema[1] && keySchema[1].KeyType !== 'RANGE') {
    throw engineError('ValidationException', 'Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  }
}

function checkProjection(projection: CreateAction['Projection']): void {
  const type = projection.ProjectionType;
  if (type == null) throw invalid('Unknown ProjectionType: null');
  if (projection.NonKeyAttributes && type !== 'INCLUDE') throw invalid(`ProjectionType is ${type}, but NonKeyAttributes is specified`);
}

function withDeletingIndex(table: TableDescription, indexName: string): TableDescription {
  const indexes = table.GlobalSecondaryIndexes ?? [];
  if (!indexes.some((index) => index.IndexName === indexName)) {
    throw engineError('ResourceNotFoundException', `Requested resource not found: Index: ${indexName} not found in table: ${table.TableName}`);
  }
  const GlobalSecondaryIndexes = indexes.map((index) => (index.IndexName === indexName ? { ...index, IndexStatus: 'DELETING' } : index));
  return { ...table, TableStatus: 'UPDATING', GlobalSecondaryIndexes };
}

/*
 * Building an index while the table takes writes. Writes that read the table's description after the
 * index was added to it maintain the index themselves: dynalite's updateIndexes writes every index of
 * the description, whatever its status. The backfill adds every existing item, each under its item lock
 * and from the item as stored at that moment, so it never puts back an older version of an item a write
 * just indexed. What is left are writes that read the description just before the index was added and
 * apply just after: they write no entry, or leave a stale one. Rather than hold dynalite's write path
 * (which the engine does not sit on), the build re-runs from a consistent point: after the first pass
 * and a settling pause, a second pass re-indexes every item and drops every entry whose item is gone or
 * no longer has that index key. Such a write is in flight for a few event-loop turns (read the
 * description, take the item lock, write); the pause is far longer, though not a formal barrier.
 */
const SETTLE_MS = 20;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
type Index = Record<string, unknown> & { IndexName: string; KeySchema: KeyElement[] };

function callback(run: (done: (error?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
}

/** The table as dynalite's updateIndexes must see it to write this one index only. */
const onlyIndex = (table: TableDescription, index: Index): TableDescription => ({ ...table, GlobalSecondaryIndexes: [index], LocalSecondaryIndexes: undefined });

/** An item DynamoDB indexes: every index key present with its defined type and not empty (else: a key violation, left out). */
function indexable(table: TableDescription, index: Index, item: Item): boolean {
  return index.KeySchema.every(({ AttributeName }) => {
    const type = table.AttributeDefinitions.find((definition) => definition.AttributeName === AttributeName)?.AttributeType ?? '';
    const value = (item[AttributeName] as Record<string, unknown> | undefined)?.[type];
    return typeof value === 'string' && value !== '';
  });
}

/** Writes the index entry of the item stored under `key` now, under its item lock. */
function indexItem(context: EngineContext, table: TableDescription, index: Index, key: string): Promise<void> {
  const { store, modules } = context;
  const itemDb = store.getItemDb(table.TableName);
  return underLock(itemDb, key, async () => {
    const item = await getRecord(itemDb, key);
    if (item && indexable(table, index, item)) await callback((done) => modules.db.updateIndexes(store, onlyIndex(table, index), null, item, done));
  });
}

/** dynalite's key of an index entry: the index key, then the table key. */
function indexKeyOf(context: EngineContext, item: Item, table: TableDescription, index: Index): string {
  const db = context.modules.db as DbModule & { createIndexKey(item: Item, table: TableDescription, keySchema: KeyElement[]): string };
  return db.createIndexKey(item, table, index.KeySchema);
}

/** Drops an index entry whose item is gone or now has another index key (or none). */
function dropIfStale(context: EngineContext, table: TableDescription, index: Index, entry: Item): Promise<void> {
  const { store, modules } = context;
  const itemDb = store.getItemDb(table.TableName);
  const indexDb = store.getIndexDb('global', table.TableName, index.IndexName);
  const entryKey = indexKeyOf(context, entry, table, index);
  const itemKey = modules.db.createKey(entry, table);
  return underLock(itemDb, itemKey, async () => {
    const item = await getRecord(itemDb, itemKey);
    const current = item && indexable(table, index, item) ? indexKeyOf(context, item, table, index) : undefined;
    if (current !== entryKey) await callback((done) => indexDb.del(entryKey, done));
  });
}

async function indexEveryItem(context: EngineContext, table: TableDescription, index: Index): Promise<void> {
  for (const item of await valuesOf(context.store.getItemDb(table.TableName))) {
    await indexItem(context, table, index, context.modules.db.createKey(item, table));
  }
}

/** Applies `change` to the table's description if it is still the table the update started on. */
async function finishUpdate(context: EngineContext, name: string, tableId: string, change: (table: TableDescription) => TableDescription): Promise<void> {
  const { store } = context;
  await underLock(store.tableDb, name, async () => {
    const table = await getTable(store, name, false);
    if (table.TableId === tableId && table.TableStatus !== 'DELETING') await putRecord(store.tableDb, name, change(table));
  });
}

/** Backfills a CREATING index in two passes (see above), then makes it and the table ACTIVE. */
async function buildIndex(context: EngineContext, name: string, indexName: string, tableId: string): Promise<void> {
  try {
    await settle();
    const table = await getTable(context.store, name, false);
    const index = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName) as Index | undefined;
    if (!index || table.TableId !== tableId) return;
    await indexEveryItem(context, table, index);
    await settle();
    await indexEveryItem(context, table, index);
    for (const entry of await valuesOf(context.store.getIndexDb('global', name, indexName))) await dropIfStale(context, table, index, entry);
    await finishUpdate(context, name, tableId, (current) => ({
      ...current,
      TableStatus: 'ACTIVE',
      GlobalSecondaryIndexes: current.GlobalSecondaryIndexes?.map(({ Backfilling: _backfilling, ...other }) =>
        other.IndexName === indexName ? { ...other, IndexStatus: 'ACTIVE' } : other,
      ),
    }));
  } catch {
    // The store closed or the table went away under the build: there is nothing left to finish.
  }
}

/**
 * Removes a DELETING index from the description, then (after writes that still saw it settle) drops its
 * entries, then makes the table ACTIVE. Definitions only the index used go with it, as in DynamoDB.
 */
async function dropIndex(context: EngineContext, name: string, indexName: string, tableId: string): Promise<void> {
  try {
    await settle();
    await finishUpdate(context, name, tableId, (table) => withoutIndex(table, indexName));
    await settle();
    await callback((done) => context.store.deleteIndexDb?.('global', name, indexName, done) ?? done());
    await finishUpdate(context, name, tableId, (table) => ({ ...table, TableStatus: 'ACTIVE' }));
  } catch {
    // As for buildIndex: a closed store or a deleted table leaves nothing to finish.
  }
}

function withoutIndex(table: TableDescription, indexName: string): TableDescription {
  const { GlobalSecondaryIndexes: indexes = [], ...rest } = table;
  const remaining = indexes.filter((index) => index.IndexName !== indexName);
  const keyed = [table.KeySchema, ...remaining.map((index) => index.KeySchema), ...((table.LocalSecondaryIndexes ?? []) as Item[]).map((index) => index.KeySchema)];
  const used = new Set((keyed as KeyElement[][]).flat().map((key) => key.AttributeName));
  const AttributeDefinitions = table.AttributeDefinitions.filter((definition) => used.has(definition.AttributeName));
  return { ...rest, AttributeDefinitions, ...(remaining.length > 0 ? { GlobalSecondaryIndexes: remaining } : {}) } as TableDescription;
}

export const INDEX_UPDATE_ROUTES: ReadonlyArray<[string, EngineRoute]> = [
  [
    'UpdateTable',
    {
      applies: (data) => Array.isArray(data.GlobalSecondaryIndexUpdates) && data.GlobalSecondaryIndexUpdates.length > 0,
      action: updateTableIndexes,
    },
  ],
];
