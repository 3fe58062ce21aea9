import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConditionFailedError, EntityNotFoundError, VersionConflictError } from '../../errors';
import { failedConditionAttributes } from '../../expressions';
import type { AttributeCondition } from '../../expressions';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { identityOfItem } from '../../marshalling/stored-item';
import { filterConditions } from './read-options';

/**
 * The `condition` option of writes: checked and translated like a query's `filter` (same operators,
 * same encoding), before any request; on a failed write, the fields whose conditions do not hold.
 */

type Item = Record<string, AttributeValue>;

/** The write's conditions; undefined when none were given. Bad input is refused here, before any request. */
export function writeConditions<T extends object>(mapper: EntityMapper<T>, condition: unknown): AttributeCondition[] | undefined {
  const conditions = filterConditions(mapper.meta, mapper.plan, condition, 'condition');
  return conditions.length > 0 ? conditions : undefined;
}

/**
 * The ConditionFailedError of a write whose own guards held on the stored item: the caller's
 * conditions are then why it failed. The fields are those failing on the item as stored now, or all
 * of the condition's fields when it has changed since and now holds.
 */
export function conditionFailure(
  entity: string,
  strId: string,
  conditions: readonly AttributeCondition[] | undefined,
  stored: Item,
  cause: unknown,
  onlyIfFailingNow = false,
): ConditionFailedError | undefined {
  if (!conditions) return undefined;
  const failing = failedConditionAttributes(stored, conditions);
  if (failing.length === 0 && onlyIfFailingNow) return undefined;
  const fields = failing.length > 0 ? failing : [...new Set(conditions.map((c) => c.attribute))];
  return new ConditionFailedError(entity, strId, fields, cause);
}

/**
 * Checks the caller's conditions on the item an update has just read (to compute its index keys or
 * move its unique guards): a write certain to fail is not sent. The write keeps its condition
 * anyway, since the item may change between the read and the write.
 */
export function checkConditionsOnRead(
  entity: string,
  strId: string,
  conditions: readonly AttributeCondition[] | undefined,
  item: Item,
): void {
  if (!conditions) return;
  const failing = failedConditionAttributes(item, conditions);
  if (failing.length > 0) throw new ConditionFailedError(entity, strId, failing);
}

/** What guards an update besides the library's own conditions. */
export interface WriteGuards {
  expectedVersion: number | undefined;
  conditions: readonly AttributeCondition[] | undefined;
}

/**
 * The item an update read first (its index keys or unique guards need stored values): it must exist,
 * be at `expectedVersion` if given, and meet the caller's conditions, in that order; otherwise the
 * write is not sent. Returns the item and the version read.
 */
export function checkedReadItem<T extends object>(mapper: EntityMapper<T>, strId: string, item: Item | undefined, guards: WriteGuards): { item: Item; version: number } {
  const { className, strIdProperty } = mapper.meta;
  if (!item) throw new EntityNotFoundError(className, { [strIdProperty]: strId });
  const { version } = identityOfItem(item);
  if (guards.expectedVersion !== undefined && version !== guards.expectedVersion) {
    throw new VersionConflictError(className, strId, guards.expectedVersion, version);
  }
  checkConditionsOnRead(className, strId, guards.conditions, item);
  return { item, version };
}
