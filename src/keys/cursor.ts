import { InvalidArgumentError } from '../errors';

/** Where a listing stopped: the last entity returned. Opaque to callers (base64url JSON). */
export interface CursorPosition {
  strId: string;
  /** Present for index queries (the index sort key), absent for scans. */
  uid?: string;
}

export function encodeCursor(position: CursorPosition): string {
  const payload = position.uid === undefined ? [position.strId] : [position.strId, position.uid];
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** Parses a cursor made by `encodeCursor`; anything else is an `InvalidArgumentError`, before any request. */
export function decodeCursor(cursor: unknown, entity: string, needsUid: boolean): CursorPosition {
  const invalid = (why: string) =>
    new InvalidArgumentError(
      `Invalid cursor for ${entity}: ${why}. Pass back a cursor returned by the same kind of listing (query or scan).`,
      entity,
    );
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 8192) throw invalid('not a cursor string');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('not produced by this library');
  }
  if (!Array.isArray(payload) || !payload.every((part) => typeof part === 'string' && part.length > 0)) {
    throw invalid('malformed');
  }
  const [strId, uid] = payload as string[];
  if (payload.length !== (needsUid ? 2 : 1) || strId === undefined) throw invalid('it belongs to another kind of listing');
  return uid === undefined ? { strId } : { strId, uid };
}
