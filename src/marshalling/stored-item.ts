import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ATTR, WRITE_HISTORY } from '../metadata/attributes';

/**
 * The library's bookkeeping read from a stored item: its identity (uid, version) and the ids of its
 * last writes. The one place that knows how they are stored.
 */

type Item = Record<string, AttributeValue>;

export interface StoredIdentity {
  uid: string;
  version: number;
}

export function identityOfItem(item: Item): StoredIdentity {
  return { uid: item[ATTR.uid]?.S as string, version: Number(item[ATTR.version]?.N) };
}

/** The id of the write that stored this item (the newest of its history). */
export function writeIdOf(item: Item): string | undefined {
  return item[ATTR.writeId]?.S;
}

/**
 * The write ids an item holds, newest first (placeholders of a history not yet full are skipped), as
 * every loaded entity keeps them: one string when there is one id (the common case), else an array of
 * exactly that length. A list grown by `push` would reserve 17 slots, 150 bytes per loaded entity.
 */
export type WriteHistory = string | readonly string[] | undefined;

export function writeHistoryOf(item: Item): WriteHistory {
  // Most items were only ever put (created, saved, batch-written): one id and no older slots.
  if (item[WRITE_HISTORY[1] as string] === undefined && item[ATTR.writeId]?.S) return item[ATTR.writeId]?.S;
  let count = 0;
  for (const attribute of WRITE_HISTORY) if (item[attribute]?.S) count += 1;
  if (count <= 1) return firstWriteId(item);
  const ids = new Array<string>(count);
  let next = 0;
  for (const attribute of WRITE_HISTORY) {
    const id = item[attribute]?.S;
    if (id) ids[next++] = id;
  }
  return ids;
}

/** The newest id the item holds, `_writeId` unless that slot is empty (an item written by another tool). */
function firstWriteId(item: Item): string | undefined {
  for (const attribute of WRITE_HISTORY) {
    const id = item[attribute]?.S;
    if (id) return id;
  }
  return undefined;
}

/**
 * Whether the item records this write among its last writes: proof that the write landed. Ids are
 * compared as strings, never parsed: the 22-character ids of 0.1.0 and the 12-character ids written
 * before ids were 11 characters are found as well (a retry from a process still on an older version).
 */
export function holdsWrite(item: Item | undefined, writeId: string | undefined): boolean {
  if (item === undefined || writeId === undefined) return false;
  for (const attribute of WRITE_HISTORY) if (item[attribute]?.S === writeId) return true;
  return false;
}

/**
 * The history attributes of a full-item write (a put): the new id, then the ids the item held when it
 * was loaded, shifted by one slot. A put replaces the whole item, so it must carry them itself.
 */
export function addHistoryAttributes(into: Item, writeId: string, previous: WriteHistory): Item {
  into[ATTR.writeId] = { S: writeId };
  if (previous === undefined) return into;
  if (typeof previous === 'string') {
    into[WRITE_HISTORY[1] as string] = { S: previous };
    return into;
  }
  const count = Math.min(previous.length, WRITE_HISTORY.length - 1);
  for (let i = 0; i < count; i += 1) into[WRITE_HISTORY[i + 1] as string] = { S: previous[i] as string };
  return into;
}

/** The history after one more write, as an update shifts it in the engine (for items computed locally). */
export function shiftedHistory(item: Item, writeId: string): Item {
  const shifted: Item = { [ATTR.writeId]: { S: writeId } };
  for (let i = 1; i < WRITE_HISTORY.length; i += 1) {
    shifted[WRITE_HISTORY[i] as string] = item[WRITE_HISTORY[i - 1] as string] ?? { S: '' };
  }
  return shifted;
}
