import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { buildConditionExpression, buildUpdateExpression, mergeAttributes } from '../expressions';
import type { AttributeChange, Condition } from '../expressions';
import type { ItemKey } from '../keys';
import { ATTR } from '../metadata/attributes';

export interface EntityUpdate {
  changes: readonly AttributeChange[];
  writeId: string;
  /** Apply only at this version (optimistic locking); any version when absent. */
  expectedVersion?: number;
}

/**
 * One UpdateItem for a partial update or an atomic counter: the given changes, `version + 1` and a
 * new write id, only on an existing entity (and at `expectedVersion` if given), and never twice for
 * one write id (a retried request whose first attempt landed fails its condition instead).
 */
export function updateItemInput(tableName: string, key: ItemKey, update: EntityUpdate): UpdateItemCommandInput {
  const changes: AttributeChange[] = [
    ...update.changes,
    { kind: 'increment', attribute: ATTR.version, by: { N: '1' } },
    { kind: 'set', attribute: ATTR.writeId, value: { S: update.writeId } },
  ];
  const conditions: Condition[] = [
    { kind: 'exists', attribute: ATTR.pk },
    ...(update.expectedVersion !== undefined
      ? [{ kind: 'equals' as const, attribute: ATTR.version, value: { N: String(update.expectedVersion) } }]
      : []),
    { kind: 'absentOrNot', attribute: ATTR.writeId, value: { S: update.writeId } },
  ];
  const set = buildUpdateExpression(changes);
  const condition = buildConditionExpression(conditions);
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: set.expression,
    ConditionExpression: condition.expression,
    ...mergeAttributes(set.attributes, condition.attributes),
    ReturnValues: 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}
