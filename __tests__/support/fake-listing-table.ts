/**
 * A fake table behind the fake client for unit tests of the listings: a Scan (filtered to a type) and
 * a Query of the type index, answered as DynamoDB does. `Limit` counts the items read before the
 * filter; a page also ends after `pageItems` items read (DynamoDB's 1 MB), with a LastEvaluatedKey;
 * `ExclusiveStartKey` resumes after that key. `Select: COUNT` returns a count.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../../src';
import type { EntityManagerOptions } from '../../src';
import type { SentCommand } from './fake-client';
import { fakeClient } from './fake-client';

type Item = Record<string, AttributeValue>;

export interface ListingTableOptions {
  /** Items read per page at most (DynamoDB stops at 1 MB). @default unlimited */
  pageItems?: number;
  /** Answer `ReturnConsumedCapacity` with this many units per page; undefined: the engine reports none. */
  unitsPerPage?: number;
  manager?: Omit<EntityManagerOptions, 'client' | 'tableName'>;
}

const UID_BASE = '0190b2a4-4c1e-7a3b-8c2d-';

/** The stored item of a user (the fixtures' User, `@Table('user')`); `n` orders its uid. */
export function userItem(n: number): Item {
  const username = `u${String(n).padStart(4, '0')}`;
  return {
    PK: { S: `user#${username}` }, SK: { S: 'user' }, _type: { S: 'user' }, uid: { S: UID_BASE + String(n).padStart(12, '0') },
    version: { N: '1' }, username: { S: username }, email: { S: `${username}@example.com` },
  };
}

/** Another type's item (the fixtures' Group): read and billed by a scan of users, never returned. */
export function groupItem(n: number): Item {
  const name = `g${String(n).padStart(4, '0')}`;
  return { PK: { S: `group#${name}` }, SK: { S: 'group' }, _type: { S: 'group' }, uid: { S: UID_BASE + String(n).padStart(12, '0') }, version: { N: '1' }, name: { S: name } };
}

const tableKey = (item: Item) => `${item.PK?.S}\u0000${item.SK?.S}`;

/** An EntityManager over `items`, in the order a Scan reads them; `sent` records every command. */
export function listingTable(items: readonly Item[], options: ListingTableOptions = {}) {
  const table = [...items];
  const scanPosition = new Map(table.map((item, i) => [tableKey(item), String(i).padStart(6, '0')]));
  const scanOrder = (item: Item) => scanPosition.get(tableKey(item)) ?? 'unknown key';
  const respond = ({ operation, input }: SentCommand) => {
    if (operation === 'Scan') return page(table, scanOrder, input, (item) => item.SK?.S === scannedSortKey(input), options, (item) => ({ PK: item.PK, SK: item.SK }));
    if (operation === 'Query') {
      const type = typeOf(input);
      const byUid = (item: Item) => item.uid?.S as string;
      const ofType = table.filter((item) => item._type?.S === type).sort((a, b) => (byUid(a) < byUid(b) ? -1 : 1));
      const ordered = input.ScanIndexForward === false ? ofType.reverse() : ofType;
      const keyOf = (item: Item) => ({ PK: item.PK, SK: item.SK, _type: item._type, uid: item.uid });
      return page(ordered, byUid, input, () => true, options, keyOf, input.ScanIndexForward === false);
    }
    throw new Error(`listingTable answers Scan and Query, not ${operation}`);
  };
  const { client, sent } = fakeClient(respond);
  const em = new EntityManager({ client, tableName: 'app', ...options.manager });
  return { em, sent };
}

/** The sort key a Scan of a top-level type keeps (`#sk = :sk`): its type name. */
function scannedSortKey(input: Record<string, unknown>): string {
  if (input.FilterExpression !== '#sk = :sk') throw new Error(`listingTable scans a top-level type, not ${String(input.FilterExpression)}`);
  return ((input.ExpressionAttributeValues as Record<string, AttributeValue>)[':sk']?.S) as string;
}

function typeOf(input: Record<string, unknown>): string {
  return ((input.ExpressionAttributeValues as Record<string, AttributeValue>)[':type']?.S) as string;
}

/** One page: from after ExclusiveStartKey, at most Limit (and pageItems) items read, the filter applied after. */
function page(
  ordered: readonly Item[],
  position: (item: Item) => string,
  input: Record<string, unknown>,
  keep: (item: Item) => boolean,
  options: ListingTableOptions,
  keyOf: (item: Item) => Item,
  descending = false,
) {
  const start = input.ExclusiveStartKey as Item | undefined;
  const after = start && position(start);
  const from = after === undefined ? 0 : ordered.findIndex((item) => (descending ? position(item) < after : position(item) > after));
  const rest = from < 0 ? [] : ordered.slice(from);
  const most = Math.min((input.Limit as number | undefined) ?? Infinity, options.pageItems ?? Infinity);
  const read = rest.slice(0, most);
  const last = read[read.length - 1];
  const answer: Record<string, unknown> = {};
  const kept = read.filter(keep);
  if (input.Select === 'COUNT') Object.assign(answer, { Count: kept.length, ScannedCount: read.length });
  else Object.assign(answer, { Items: kept, Count: kept.length, ScannedCount: read.length });
  // DynamoDB returns a LastEvaluatedKey whenever it stopped at Limit or 1 MB, even with nothing after.
  if (last !== undefined && read.length === most) answer.LastEvaluatedKey = keyOf(last);
  if (input.ReturnConsumedCapacity !== undefined && options.unitsPerPage !== undefined) {
    answer.ConsumedCapacity = { TableName: 'app', CapacityUnits: options.unitsPerPage };
  }
  return answer;
}
