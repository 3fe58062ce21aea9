import type { WriteHistory } from './stored-item';

/**
 * What an instance looked like in DynamoDB when it was loaded or last written: its str id, the ids of
 * the item's last writes and, for entities with `@Unique()` fields, their values. Lets `save()` refuse an edited str id (which would
 * write a second entity) and move unique guards without reading the item again.
 */
export interface StoredState {
  readonly strId: string;
  /** A child entity's parent str id: part of its key, so `save()` writes it back where it was loaded. */
  readonly parent?: string;
  /** Guarded text of each unique field (undefined: not constrained). Absent without unique fields. */
  readonly uniques?: Readonly<Record<string, string | undefined>>;
  /** The item's write history (newest first): a put carries it on, so evidence of earlier writes survives. */
  readonly writes?: WriteHistory;
  /**
   * Loaded with `select`: only some fields were read, so writing the instance back would erase the
   * others. `save()` and `delete()` refuse it; `reload()` reads it whole (and clears this).
   */
  readonly partial?: boolean;
}

const STORED_STATE: unique symbol = Symbol('dynamo-single-table.storedState');

/** Non-enumerable, so it stays out of spreads, `console.log` and serializers. */
export function rememberStored(entity: object, state: StoredState): void {
  Object.defineProperty(entity, STORED_STATE, { value: state, writable: true, configurable: true, enumerable: false });
}

export function storedStateOf(entity: object): StoredState | undefined {
  return (entity as { [STORED_STATE]?: StoredState })[STORED_STATE];
}

/** Marks an entity just read with a projection (see `StoredState.partial`). */
export function markPartial(entity: object): void {
  const state = storedStateOf(entity);
  if (state) rememberStored(entity, { ...state, partial: true });
}

export function isPartial(entity: object): boolean {
  return storedStateOf(entity)?.partial === true;
}
