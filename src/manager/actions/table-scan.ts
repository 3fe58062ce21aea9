import { InvalidArgumentError, ScanNotAllowedError, isDynamoSingleTableError } from '../../errors';
import { decodeCursor, encodeCursor } from '../../keys';
import type { ItemKey } from '../../keys';
import type { EntityMapper } from '../../marshalling/entity-mapper';
import { ATTR } from '../../metadata/attributes';
import type { EntityMetadata } from '../../metadata/types';
import { scanTypeInput } from '../../operations/entity-commands';
import type { RepositoryContext } from '../context';
import { EntityIterable, checkLimit } from '../entity-iterable';
import type { PageSource } from '../entity-iterable';
import { checkReadLimits, isBounded, measuredInput, pageReadUnits } from '../read-budget';
import type { ScanOptions } from '../types';

/**
 * `scan()`: the whole table, filtered to one type. Only on request (`allowScan`), since it reads and
 * bills every item of every type; with `Limit` (the items read, of any type) so that a small page
 * reads little, page after page until `limit` entities or the end.
 */
export function scanEntities<T extends object>(context: RepositoryContext, mapper: EntityMapper<T>, options: ScanOptions): EntityIterable<T> {
  const meta = mapper.meta;
  const { className } = meta;
  if (mapper.parentStrId !== undefined) {
    throw new InvalidArgumentError(`${className}: scan() reads the whole table, and this repository is scoped to one parent.`, className, {
      hint: "Read the parent's collection with query(), one Query.",
    });
  }
  const { allowScan, limit: givenLimit, cursor, maxPages, maxReadUnits } = options ?? {};
  if (allowScan !== undefined && typeof allowScan !== 'boolean') {
    throw new InvalidArgumentError(`allowScan must be true or false, got ${String(allowScan)} (listing ${className}).`, className);
  }
  if (!(allowScan ?? context.allowScan ?? false)) throw new ScanNotAllowedError(className, context.tableName);
  const limit = checkLimit(givenLimit, className);
  const limits = checkReadLimits({ maxPages, maxReadUnits }, className);
  const startKey = cursor === undefined ? undefined : decodeScanCursor(cursor, meta);
  const measure = isBounded(limits);
  const source: PageSource = {
    fetch: async (from, pageLimit) => {
      const input = scanTypeInput(context.tableName, meta, from, pageLimit);
      const output = await context.executor.send('Scan', measuredInput(input, measure), className);
      return { items: output.Items ?? [], lastKey: output.LastEvaluatedKey, units: measure ? pageReadUnits('Scan', input, output) : undefined };
    },
    cursorAfter: (item) => encodeScanCursor(meta, item),
    // A Scan's LastEvaluatedKey may be another type's item: the cursor holds any table key.
    cursorAt: (key) => encodeScanCursor(meta, key),
    filtered: true,
  };
  return new EntityIterable(source, (item) => mapper.fromItem(item), startKey, limit, { limits, entity: className, operation: 'scan()' });
}

/**
 * Marks a scan cursor apart from every other kind: its payload (a table key) would otherwise read as
 * a two-value cursor of another listing (a type listing's str id and uid) and resume a scan anywhere.
 * Outside the base64url payload, it makes the other listings' decoding fail too.
 */
const SCAN_CURSOR_MARK = 'S';

/** Resumes after the item (or LastEvaluatedKey) with this primary key, whatever its type. */
export function encodeScanCursor(meta: EntityMetadata, key: ItemKey): string {
  const position = { strId: '', partition: key[ATTR.pk]?.S as string, sort: key[ATTR.sk]?.S as string };
  return SCAN_CURSOR_MARK + encodeCursor('tableScan', position, meta);
}

/** The ExclusiveStartKey of a scan cursor; anything else is an `InvalidArgumentError` before any request. */
export function decodeScanCursor(cursor: unknown, meta: EntityMetadata): ItemKey {
  const { className } = meta;
  const invalid = (why: string) =>
    new InvalidArgumentError(`Invalid cursor for ${className}: ${why}.`, className, {
      hint: `Pass back the cursor a scan() of ${className} returned, unchanged.`,
    });
  if (typeof cursor !== 'string') throw invalid('not a cursor string');
  if (!cursor.startsWith(SCAN_CURSOR_MARK)) throw invalid('it belongs to another kind of listing');
  try {
    const { partition, sort } = decodeCursor(cursor.slice(SCAN_CURSOR_MARK.length), meta, 'tableScan');
    return { [ATTR.pk]: { S: partition as string }, [ATTR.sk]: { S: sort as string } };
  } catch (error) {
    if (!isDynamoSingleTableError(error, 'INVALID_ARGUMENT')) throw error;
    // The same reason, with the hint of a scan (the payload's own layout is reindex's).
    throw new InvalidArgumentError(error.summary, className, { hint: invalid('').hint });
  }
}
