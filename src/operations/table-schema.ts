import type { CreateTableCommandInput, TableDescription } from '@aws-sdk/client-dynamodb';
import { ATTR, TYPE_INDEX_NAME } from '../metadata/attributes';

export type BillingMode = 'PAY_PER_REQUEST' | 'PROVISIONED';

export interface TableProvisioning {
  billingMode: BillingMode;
  /** Read and write capacity units of the table and of its index, for PROVISIONED. @default 5 */
  readCapacity?: number;
  writeCapacity?: number;
}

/** The table every entity lives in: string PK/SK and one sparse GSI on (_type, uid), projecting all. No LSI. */
export function createTableInput(tableName: string, provisioning: TableProvisioning): CreateTableCommandInput {
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
    AttributeDefinitions: [
      { AttributeName: ATTR.pk, AttributeType: 'S' },
      { AttributeName: ATTR.sk, AttributeType: 'S' },
      { AttributeName: ATTR.type, AttributeType: 'S' },
      { AttributeName: ATTR.uid, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: ATTR.pk, KeyType: 'HASH' },
      { AttributeName: ATTR.sk, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: TYPE_INDEX_NAME,
        KeySchema: [
          { AttributeName: ATTR.type, KeyType: 'HASH' },
          { AttributeName: ATTR.uid, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
        ...throughput,
      },
    ],
    ...throughput,
  };
}

/** What differs between an existing table and the layout above; empty when the table fits. */
export function tableSchemaProblems(table: TableDescription): string[] {
  const problems: string[] = [];
  const types = new Map((table.AttributeDefinitions ?? []).map((d) => [d.AttributeName, d.AttributeType]));
  const keyOf = (schema: TableDescription['KeySchema']) =>
    (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}:${types.get(k.AttributeName) ?? '?'}`).join(',');
  const expectedKey = `${ATTR.pk}:HASH:S,${ATTR.sk}:RANGE:S`;
  const actualKey = keyOf(table.KeySchema);
  if (actualKey !== expectedKey) problems.push(`primary key is ${actualKey || 'unknown'}, expected ${expectedKey}`);
  const index = (table.GlobalSecondaryIndexes ?? []).find((i) => i.IndexName === TYPE_INDEX_NAME);
  const expectedIndexKey = `${ATTR.type}:HASH:S,${ATTR.uid}:RANGE:S`;
  if (!index) {
    problems.push(`global secondary index ${TYPE_INDEX_NAME} (${expectedIndexKey}) is missing`);
  } else {
    const actualIndexKey = keyOf(index.KeySchema);
    if (actualIndexKey !== expectedIndexKey) problems.push(`index ${TYPE_INDEX_NAME} key is ${actualIndexKey}, expected ${expectedIndexKey}`);
    if (index.Projection?.ProjectionType !== 'ALL') {
      problems.push(`index ${TYPE_INDEX_NAME} projects ${index.Projection?.ProjectionType ?? 'nothing'}, expected ALL`);
    }
  }
  return problems;
}

/** Usable: the table and every index ACTIVE. */
export function isTableReady(table: TableDescription): boolean {
  return table.TableStatus === 'ACTIVE' && (table.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
}
