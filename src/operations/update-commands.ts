import type { UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import { buildConditionExpression, buildUpdateExpression, mergeAttributes } from '../expressions';
import type { AttributeChange, AttributeCondition, Condition } from '../expressions';
import type { ItemKey } from '../keys';
import { ATTR } from '../metadata/attributes';
import { managedChangesForUpdate } from '../marshalling/managed';
import { matchingConditions, withUserConditions } from './entity-commands';
import type { ExpectedAttributes } from './entity-commands';

export interface EntityUpdate {
  changes: readonly AttributeChange[];
  writeId: string;
  /** Apply only at this version (optimistic locking); any version when absent. */
  expectedVersion?: number;
  /**
   * Apply only while these attributes hold these stored values (absent: undefined), e.g. the uid and
   * the unique fields an update of unique values was computed from, or the key fields of an index
   * key computed from the stored item.
   */
  expectedAttributes?: ExpectedAttributes;
  /** The index key changes of the update (`indexKeysForUpdate`); none when it touches no key field. */
  indexKeys?: readonly AttributeChange[];
  /** The caller's `condition` on fields, ANDed after the library's own (placeholders `#uc`/`:uc`). */
  conditions?: readonly AttributeCondition[];
  /** What a successful update answers with: the whole new item (default), or nothing. */
  returnValues?: 'ALL_NEW' | 'NONE';
}

/**
 * One UpdateItem for a partial update or an atomic counter: the given changes, the index keys they
 * move, `version + 1` and the write recorded in the item's write history, only on an existing entity (and at `expectedVersion`
 * if given), and never twice for one write id: a retried request whose first attempt landed fails
 * its condition instead, even when other writes came in between (see WRITE_HISTORY).
 */
export function updateItemInput(tableName: string, key: ItemKey, update: EntityUpdate): UpdateItemCommandInput {
  const changes: AttributeChange[] = [...update.changes, ...managedChangesForUpdate(update.indexKeys)];
  const conditions: Condition[] = [{ kind: 'exists', attribute: ATTR.pk }];
  if (update.expectedVersion !== undefined) {
    conditions.push({ kind: 'equals', attribute: ATTR.version, value: { N: String(update.expectedVersion) } });
  }
  if (update.expectedAttributes) conditions.push(...matchingConditions(update.expectedAttributes));
  conditions.push({ kind: 'writeNotRecorded', writeId: update.writeId });
  const set = buildUpdateExpression(changes, update.writeId);
  const condition = buildConditionExpression(conditions);
  const guarded = withUserConditions(
    { ConditionExpression: condition.expression, ...mergeAttributes(set.attributes, condition.attributes) },
    update.conditions,
  );
  return {
    TableName: tableName,
    Key: key,
    UpdateExpression: set.expression,
    ...guarded,
    ReturnValues: update.returnValues ?? 'ALL_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}
