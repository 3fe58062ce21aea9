import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndexDescription,
  KeySchemaElement,
  Projection,
  TableDescription,
  UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { TABLE_LAYOUT } from '../metadata/table-layout';
import type { IndexLayout, KeyAttribute, TableLayout } from '../metadata/table-layout';

export type BillingMode = 'PAY_PER_REQUEST' | 'PROVISIONED';

export interface TableProvisioning {
  billingMode: BillingMode;
  /** Read and write capacity units of the table and of its index, for PROVISIONED. @default 5 */
  readCapacity?: number;
  writeCapacity?: number;
}

/** The CreateTable input of a layout (by default the library's one), on demand or provisioned. */
export function createTableInput(tableName: string, provisioning: TableProvisioning, layout: TableLayout = TABLE_LAYOUT): CreateTableCommandInput {
  const throughput =
    provisioning.billingMode === 'PROVISIONED'
      ? {
          ProvisionedThroughput: {
            ReadCapacityUnits: provisioning.readCapacity ?? 5,
            WriteCapacityUnits: provisioning.writeCapacity ?? 5,
          },
        }
      : {};
  return {
    TableName: tableName,
    BillingMode: provisioning.billingMode,
    AttributeDefinitions: attributeDefinitions(layout),
    KeySchema: keySchema(layout.partition, layout.sort),
    GlobalSecondaryIndexes: layout.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: keySchema(index.partition, index.sort),
      Projection: projectionOf(index),
      ...throughput,
    })),
    ...throughput,
  };
}

/** Every key attribute of the table and its indexes, once each. */
function attributeDefinitions(layout: TableLayout): AttributeDefinition[] {
  const keys = [layout.partition, layout.sort, ...layout.indexes.flatMap((index) => (index.sort ? [index.partition, index.sort] : [index.partition]))];
  const byName = new Map(keys.map((key) => [key.name, key.type]));
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

/** What an index copies: `ALL`, `KEYS_ONLY`, or `INCLUDE` with its non-key attributes. */
function projectionOf(index: IndexLayout): Projection {
  return index.projection === 'INCLUDE'
    ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...(index.nonKeyAttributes ?? [])] }
    : { ProjectionType: index.projection };
}

function keySchema(partition: KeyAttribute, sort: KeyAttribute | undefined): KeySchemaElement[] {
  const hash: KeySchemaElement = { AttributeName: partition.name, KeyType: 'HASH' };
  return sort ? [hash, { AttributeName: sort.name, KeyType: 'RANGE' }] : [hash];
}

/** `name:HASH:S,name:RANGE:S`: how key schemas are compared and explained. */
function keyText(partition: KeyAttribute, sort: KeyAttribute | undefined): string {
  return keySchema(partition, sort).map((k, i) => `${k.AttributeName}:${k.KeyType}:${i === 0 ? partition.type : sort?.type}`).join(',');
}

/** What differs between an existing table and the layout; empty when the table fits. Extra indexes are fine. */
export function tableSchemaProblems(table: TableDescription, layout: TableLayout = TABLE_LAYOUT): string[] {
  return [...tableConflicts(table, layout), ...missingIndexes(table, layout).map((index) => `global secondary index ${index.name} (${keyText(index.partition, index.sort)}) is missing`)];
}

/**
 * What no index creation can fix: another primary key, or an index of a layout name with another key
 * schema or projection. Missing indexes are not conflicts (see missingIndexes); extra ones are fine.
 */
export function tableConflicts(table: TableDescription, layout: TableLayout): string[] {
  const problems: string[] = [];
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  const actualKeyText = (schema: TableDescription['KeySchema']) =>
    (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}:${types.get(k.AttributeName) ?? '?'}`).join(',');
  const expectedKey = keyText(layout.partition, layout.sort);
  const actualKey = actualKeyText(table.KeySchema);
  if (actualKey !== expectedKey) problems.push(`primary key is ${actualKey || 'unknown'}, expected ${expectedKey}`);
  for (const expected of layout.indexes) {
    const index = (table.GlobalSecondaryIndexes ?? []).find((i) => i.IndexName === expected.name);
    if (!index) continue;
    const expectedIndexKey = keyText(expected.partition, expected.sort);
    const actualIndexKey = actualKeyText(index.KeySchema);
    if (actualIndexKey !== expectedIndexKey) problems.push(`index ${expected.name} key is ${actualIndexKey}, expected ${expectedIndexKey}`);
    const projection = projectionProblem(index, expected);
    if (projection) problems.push(projection);
  }
  return problems;
}

/** Another projection type, or another set of non-key attributes (their order does not matter). */
function projectionProblem(index: GlobalSecondaryIndexDescription, expected: IndexLayout): string | undefined {
  const actualType = index.Projection?.ProjectionType;
  if (actualType !== expected.projection) return `index ${expected.name} projects ${actualType ?? 'nothing'}, expected ${expected.projection}`;
  if (expected.projection !== 'INCLUDE') return undefined;
  const actual = [...(index.Projection?.NonKeyAttributes ?? [])].sort();
  const wanted = [...(expected.nonKeyAttributes ?? [])].sort();
  if (actual.join('\n') === wanted.join('\n')) return undefined;
  return (
    `index ${expected.name} projects [${actual.join(', ')}], expected [${wanted.join(', ')}]; a GSI's projection cannot change: ` +
    'a changed projection is a new index (give the @Index a new name, then run em.reindex() on its entity)'
  );
}

/** The layout's indexes the table lacks, in layout order. */
export function missingIndexes(table: TableDescription, layout: TableLayout): IndexLayout[] {
  const present = new Set((table.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  return layout.indexes.filter((index) => !present.has(index.name));
}

/** Whether the table bills per request; older provisioned tables carry no BillingModeSummary. */
export function isOnDemand(table: TableDescription): boolean {
  return table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST';
}

/**
 * The UpdateTable that adds one global secondary index to an existing table (DynamoDB creates one per
 * request). Its AttributeDefinitions are the table's own plus the new keys: DynamoDB needs the new
 * ones, and some engines (moto) replace the table's definitions with the list sent. A provisioned
 * table's index gets the given capacity, by default the table's own.
 */
export function addIndexInput(table: TableDescription, index: IndexLayout, capacity: Partial<Pick<TableProvisioning, 'readCapacity' | 'writeCapacity'>> = {}): UpdateTableCommandInput {
  const definitions = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName as string, d.AttributeType as string]));
  for (const key of index.sort ? [index.partition, index.sort] : [index.partition]) definitions.set(key.name, key.type);
  const throughput = isOnDemand(table)
    ? {}
    : {
        ProvisionedThroughput: {
          ReadCapacityUnits: capacity.readCapacity ?? (table.ProvisionedThroughput?.ReadCapacityUnits || 5),
          WriteCapacityUnits: capacity.writeCapacity ?? (table.ProvisionedThroughput?.WriteCapacityUnits || 5),
        },
      };
  return {
    TableName: table.TableName,
    AttributeDefinitions: [...definitions].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }) as AttributeDefinition),
    GlobalSecondaryIndexUpdates: [
      { Create: { IndexName: index.name, KeySchema: keySchema(index.partition, index.sort), Projection: projectionOf(index), ...throughput } },
    ],
  };
}

/** Usable: the table and every index ACTIVE, no index still filling from the table (Backfilling). */
export function isTableReady(table: TableDescription): boolean {
  return table.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE' && i.Backfilling !== true);
}
