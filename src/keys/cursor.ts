import { InvalidArgumentError } from '../errors';
import type { EntityMetadata } from '../metadata/types';
import { strIdProblem } from './primary-key';
import { isUid } from './uid';
import { isWellFormed } from './well-formed';
import { KEY_SEPARATOR, LIMITS } from '../metadata/attributes';

/** Where a listing stopped: the last entity returned. Opaque to callers (base64url JSON). */
export interface CursorPosition {
  strId: string;
  /** A child type's: the parent str id of the last entity (part of its key). */
  parent?: string;
  /** Present for type-index queries (the index sort key), absent for scans. */
  uid?: string;
  /** `@Index` queries: the index's name and the last entity's index partition and sort keys. */
  index?: string;
  partition?: string;
  sort?: string;
}

/**
 * One value a cursor carries: where it goes in the position, and why a decoded value cannot be used.
 * Every value is checked exactly as the library checks that value elsewhere, because a cursor is
 * client input: it becomes an ExclusiveStartKey, and a value DynamoDB refuses would come back as a
 * request failure (a 500 in an API) instead of the client's error.
 */
interface CursorField {
  key: keyof CursorPosition;
  problem(meta: EntityMetadata, value: string): string | undefined;
}

const STR_ID: CursorField = {
  key: 'strId',
  problem: (meta, value) => {
    const problem = strIdProblem(meta, value);
    return problem === undefined ? undefined : `its ${problem}`;
  },
};
/** A child type's cursors start with the parent str id of the last entity: its key needs it. */
const PARENT: CursorField = {
  key: 'parent',
  problem: (meta, value) => {
    const problem = meta.parent && strIdProblem(meta.parent, value);
    return problem ? `its parent's ${problem}` : undefined;
  },
};
const UID: CursorField = {
  key: 'uid',
  problem: (meta, value) => (isUid(value) ? undefined : `its uid is not a lower-case UUID (the sort key of ${meta.className}'s type index)`),
};

const INDEX: CursorField = {
  key: 'index',
  problem: (meta, value) => (meta.indexes.some((index) => index.name === value) ? undefined : `${meta.className} has no index ${JSON.stringify(value)}`),
};
/** Index keys are strings the library composed; checked here as keys (DynamoDB's limits), and by the query for its range. */
const indexKeyField = (key: 'partition' | 'sort', maxBytes: number): CursorField => ({
  key,
  problem: (meta, value) => {
    if (!isWellFormed(value) || Buffer.byteLength(value, 'utf8') > maxBytes) return `its index ${key} key is not a key`;
    return key === 'partition' && !value.startsWith(meta.typeName + KEY_SEPARATOR) ? `its index partition key is not one of ${meta.className}` : undefined;
  },
});

/** A table key as DynamoDB returned it (a Scan's LastEvaluatedKey): only checked to be a key. */
function tableKeyField(key: 'partition' | 'sort', maxBytes: number): CursorField {
  return { key, problem: (_meta, value) => (isWellFormed(value) && Buffer.byteLength(value, 'utf8') <= maxBytes ? undefined : `its ${key} key is not a key`) };
}

/** What a kind of listing's cursor holds: the method that lists, and the values in encoded order. */
interface CursorLayout {
  listing: string;
  fields: readonly CursorField[];
}

/**
 * Every kind of cursor. This is the one place a new listing declares its cursor: a query of another
 * index adds its kind here with that index's key values and their checks; encoding and decoding follow.
 */
const CURSOR_LAYOUTS = {
  /** The type index, resumed after (strId, uid). */
  typeIndex: { listing: 'query()', fields: [STR_ID, UID] },
  /** An `@Index` query, resumed after (index, partition key, sort key, strId): its ExclusiveStartKey. */
  indexQuery: {
    listing: 'query({ index })',
    fields: [INDEX, indexKeyField('partition', LIMITS.partitionKeyBytes), indexKeyField('sort', LIMITS.sortKeyBytes), STR_ID],
  },
  /** The table, resumed after the primary key. */
  scan: { listing: 'scan()', fields: [STR_ID] },
  /** A child type's collection within one parent (a base-table Query), resumed after the str id. */
  children: { listing: 'of(parent).query()', fields: [STR_ID] },
  /** A Scan resumed after any item's key (its LastEvaluatedKey, which may be another type's): reindex of a type outside the type index. */
  tableScan: { listing: 'reindex()', fields: [tableKeyField('partition', LIMITS.partitionKeyBytes), tableKeyField('sort', LIMITS.sortKeyBytes)] },
} as const satisfies Record<string, CursorLayout>;

export type CursorKind = keyof typeof CURSOR_LAYOUTS;

/**
 * Longer than any cursor this library makes: a str id of at most 2,048 UTF-8 bytes takes at most 6
 * JSON characters per byte (`\u0001`), plus a uid, times 4/3 for base64url; an index cursor adds
 * index keys of at most 3,072 bytes (18 KB as JSON), a child type's the parent's str id. Only a bound on the work
 * of parsing; the values themselves are checked one by one.
 */
const MAX_CURSOR_LENGTH = 64 * 1024;

/** The values of a kind of cursor for this type: a child type's lead with the parent str id. */
function fieldsOf(kind: CursorKind, meta: EntityMetadata): readonly CursorField[] {
  const fields: readonly CursorField[] = CURSOR_LAYOUTS[kind].fields;
  return meta.parent === undefined || kind === 'tableScan' ? fields : [PARENT, ...fields];
}

export function encodeCursor(kind: CursorKind, position: CursorPosition, meta: EntityMetadata): string {
  const payload = fieldsOf(kind, meta).map((field) => position[field.key]);
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * Parses a cursor made by `encodeCursor(kind, …)` for this entity type. Anything else, including a
 * well-formed cursor whose values could not be keys of this type, is an `InvalidArgumentError`,
 * before any request.
 */
export function decodeCursor(cursor: unknown, meta: EntityMetadata, kind: CursorKind): CursorPosition {
  const layout: CursorLayout = CURSOR_LAYOUTS[kind];
  const invalid = (why: string) =>
    new InvalidArgumentError(
      `Invalid cursor for ${meta.className}: ${why}.`,
      meta.className,
      { hint: `Pass back the cursor a ${layout.listing} of ${meta.className} returned, unchanged.` },
    );
  const values = parsePayload(cursor, invalid);
  const fields = fieldsOf(kind, meta);
  if (values.length !== fields.length) throw invalid('it belongs to another kind of listing');
  const position: Partial<CursorPosition> = {};
  for (const [index, field] of fields.entries()) {
    const value = values[index] as string;
    const problem = field.problem(meta, value);
    if (problem !== undefined) throw invalid(problem);
    position[field.key] = value;
  }
  return position as CursorPosition;
}

/** The cursor's values: a JSON array of non-empty strings, base64url-encoded. */
function parsePayload(cursor: unknown, invalid: (why: string) => Error): string[] {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw invalid('not a cursor string');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not produced by this library');
  }
  if (!Array.isArray(payload) || !payload.every((part) => typeof part === 'string' && part.length > 0)) {
    throw invalid('malformed');
  }
  return payload as string[];
}
