import type { QueryCommandInput } from '@aws-sdk/client-dynamodb';
import type { SortKeyExpression } from '../expressions';
import type { ItemKey } from '../keys';
import { ATTR, KEY_SEPARATOR } from '../metadata/attributes';
import { keyQueryInput } from './query-commands';

/**
 * A parent's item collection is its partition: the parent's own item (`SK = <parentType>`) and its
 * children (`SK = <childType>#<childStrId>`). These build the reads of it that getWith, cascades and
 * renames share.
 */

/** The item type of a sort key in a parent's partition: the text before the first `#` (all of it for the parent's own item). */
export function itemTypeOf(sortKey: string): string {
  const at = sortKey.indexOf(KEY_SEPARATOR);
  return at < 0 ? sortKey : sortKey.slice(0, at);
}

/** One strongly consistent page of a partition (or of the sort keys `sort` selects in it). */
export function partitionQueryInput(
  tableName: string,
  partitionKey: string,
  page: { sort?: SortKeyExpression; limit?: number; startKey?: ItemKey } = {},
): QueryCommandInput {
  return keyQueryInput(tableName, { partition: { attribute: ATTR.pk, value: partitionKey }, consistent: true, ...page });
}
