/**
 * Attribute names of the single-table layout. Entity fields may not use them: they hold the keys and
 * the bookkeeping every item carries.
 */
export const ATTR = {
  /** Partition key: `<typeName>#<strId>`. */
  pk: 'PK',
  /** Sort key: `<typeName>` for an entity's own item. */
  sk: 'SK',
  /** The type name; partition key of the type index (a sparse index: only entity items have it). */
  type: '_type',
  /**
   * The type name of an entity of a `typeIndex: 'keys'` type instead of `_type`: partition key of the
   * keys-only type index, so a write that moves no key writes nothing there.
   */
  typeKeys: '_tk',
  /** UUIDv7 generated on create; sort key of the type index, so listings come in creation order. */
  uid: 'uid',
  /** Optimistic-locking counter, 1 on create, +1 on every write. */
  version: 'version',
  /**
   * A random id of the last write. When the SDK retries a write whose first attempt was applied but
   * whose answer was lost, the retry fails its condition; finding our own write id in the stored item
   * (here or in the older slots of WRITE_HISTORY) proves the write landed, so it is reported as done
   * instead of as a conflict (or applied twice).
   */
  writeId: '_writeId',
} as const;

/**
 * The write ids of the item's last writes, newest first: `_writeId`, then `_w1` ... `_w7`. Every write
 * shifts them by one, so another client's writes between a lost answer and the SDK's retry do not
 * erase the evidence of ours, as long as fewer than WRITE_HISTORY.length writes came in between.
 * Separate top-level attributes (not a list) because an update can shift them in the engine
 * (`SET _w2 = if_not_exists(_w1, :none)`) without knowing them, on any item, old or new.
 */
export const WRITE_HISTORY: readonly string[] = [ATTR.writeId, '_w1', '_w2', '_w3', '_w4', '_w5', '_w6', '_w7'];

/** The global secondary index keyed by (`_type`, `uid`): lists, counts and uid look-ups. */
export const TYPE_INDEX_NAME = 'type-uid-index';

/** The keys-only global secondary index keyed by (`_tk`, `uid`): the type index of `typeIndex: 'keys'` types. */
export const TYPE_KEYS_INDEX_NAME = 'type-keys-index';

export const RESERVED_ATTRIBUTES: ReadonlySet<string> = new Set([...Object.values(ATTR), ...WRITE_HISTORY]);

/** Separator between the type name and the str id in the partition key. Type names cannot contain it. */
export const KEY_SEPARATOR = '#';

/** Type names: a letter, then letters, digits, `_` or `-`; no separator, so keys of two types never meet. */
export const TYPE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** DynamoDB's limits, in bytes. */
export const LIMITS = {
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
  itemBytes: 400 * 1024,
} as const;
