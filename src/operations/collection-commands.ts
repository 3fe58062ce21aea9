import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { ItemKey } from '../keys';
import { ATTR } from '../metadata/attributes';

/**
 * The Query of a parent's whole item collection (its partition: the parent's own item and every
 * child's): strongly consistent, on the table, no Limit; the next page from `startKey`.
 */
export function collectionQueryInput(tableName: string, partitionKey: string, startKey?: ItemKey): QueryCommandInput {
  return {
    TableName: tableName,
    KeyConditionExpression: '#k0 = :k0',
    ExpressionAttributeNames: { '#k0': ATTR.pk },
    ExpressionAttributeValues: { ':k0': { S: partitionKey } },
    ConsistentRead: true,
    ...(startKey ? { ExclusiveStartKey: startKey } : {}),
  };
}
