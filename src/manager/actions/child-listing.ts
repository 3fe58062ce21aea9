import { InvalidArgumentError } from '../../errors';
import { childSortKeyOf, partitionKeyOf, primaryKeyOf } from '../../keys';
import { compareUtf8, matchesSortKeyCondition } from '../../keys/index-key-range';
import type { SortKeyCondition } from '../../keys/index-key-range';
import { greatestKeyBelow, leastKeyAbove } from '../../keys/string-bounds';
import type { CompiledShape } from '../../marshalling/codec';
import { ATTR, KEY_SEPARATOR, LIMITS } from '../../metadata/attributes';
import type { EntityMetadata } from '../../metadata/types';
import { sortKeyExpression } from '../../operations/query-commands';
import type { ReadOptions, ReadPlan } from './read-plan-types';
import { filterConditions, projectionOf } from './read-options';

/**
 * The plan of a scoped repository's `query()` and `count()`: the children of one type in one
 * parent's partition, a base-table Query (strongly consistent) on `SK` from `<type>#`, ordered by str
 * id. `where` may limit the str id: its sort key is `<type>#` followed by the id as is, so DynamoDB's
 * order of the keys is the order of the ids (UTF-8 bytes).
 */
export function planChildListing(meta: EntityMetadata, plan: CompiledShape, options: ReadOptions, parentStrId: string): ReadPlan {
  const parent = meta.parent as EntityMetadata;
  refuseTypeWideOptions(meta, options);
  const prefix = meta.typeName + KEY_SEPARATOR;
  const range = strIdRange(meta, prefix, options.where);
  const filter = filterConditions(meta, plan, options.filter);
  const projection = projectionOf(meta, plan, options.select, []);
  const sort = range.sort.kind === 'empty' ? undefined : range.sort;
  return {
    query: {
      partition: { attribute: ATTR.pk, value: partitionKeyOf(parent.typeName, parentStrId) },
      sort: sort && sortKeyExpression(ATTR.sk, sort),
      filter,
      projection,
      consistent: true,
    },
    empty: range.sort.kind === 'empty',
    index: undefined,
    cursorKind: 'children',
    filtered: filter.length > 0,
    partial: projection !== undefined,
    readsByKey: false,
    keyCondition: undefined,
    startKeyOf: (position) => {
      if (position.parent !== parentStrId || !matchesSortKeyCondition(childSortKeyOf(meta.typeName, position.strId), range.sort)) {
        throw new InvalidArgumentError(
          `Invalid cursor for ${meta.className}: it belongs to another query (another parent or where).`,
          meta.className,
          { hint: 'Pass back the cursor this query returned.' },
        );
      }
      return primaryKeyOf(meta, position.strId, parentStrId);
    },
  };
}

function refuseTypeWideOptions(meta: EntityMetadata, options: ReadOptions): void {
  const refused = options.index !== undefined ? 'index' : options.createdAfter !== undefined || options.createdBefore !== undefined ? 'createdAfter/createdBefore' : undefined;
  if (refused === undefined) return;
  throw new InvalidArgumentError(
    `${meta.className}: a repository scoped to one parent (of()) lists that parent's ${meta.className} items by str id, so it takes no ${refused}.`,
    meta.className,
    {
      hint:
        `Query ${refused === 'index' ? 'an index' : 'the type listing'} across parents through the unscoped repository, ` +
        `getRepository(${meta.className}).query({ ${refused === 'index' ? 'index, where' : refused} }).`,
    },
  );
}

interface StrIdRange {
  sort: SortKeyCondition;
}

/** `where: { id: ... }` as a condition on `SK`. One above `#`: every key of the type sorts below `<type>$`. */
function strIdRange(meta: EntityMetadata, prefix: string, where: unknown): StrIdRange {
  const all: StrIdRange = { sort: { kind: 'beginsWith', prefix } };
  if (where === undefined) return all;
  const fail = (why: string): never => {
    throw new InvalidArgumentError(
      `${meta.className}.of(parent).query(): ${why}.`,
      meta.className,
      {
        hint:
          `where takes the str id only: { ${meta.strIdProperty}: value | { eq | lt | lte | gt | gte | between | beginsWith } } ` +
          'or a lower bound (gt, gte) with an upper bound (lt, lte).',
      },
    );
  };
  if (typeof where !== 'object' || where === null || Array.isArray(where)) return fail('where must be an object');
  const given = where as Record<string, unknown>;
  const stray = Object.keys(given).find((key) => key !== meta.strIdProperty && given[key] !== undefined);
  if (stray !== undefined) fail(`where names ${stray}, which is not ${meta.className}'s str id (use filter)`);
  const condition = given[meta.strIdProperty];
  if (condition === undefined) return all;
  const key = (value: unknown): string => {
    if (typeof value !== 'string') return fail(`${meta.strIdProperty} takes strings, got ${typeof value}`);
    if (Buffer.byteLength(prefix + value, 'utf8') > LIMITS.sortKeyBytes) return fail(`${meta.strIdProperty} ${JSON.stringify(value.slice(0, 20))}... is longer than any str id of ${meta.className}`);
    return prefix + value;
  };
  const end = meta.typeName + String.fromCharCode(KEY_SEPARATOR.charCodeAt(0) + 1);
  const ops = typeof condition === 'string' ? { eq: condition } : (condition as Record<string, unknown>);
  if (typeof ops !== 'object' || ops === null) return fail(`${meta.strIdProperty} takes a string or an operator object`);
  const names = Object.keys(ops);
  const lower = names.find((n) => n === 'gt' || n === 'gte');
  const upper = names.find((n) => n === 'lt' || n === 'lte');
  const single = names.length === 1 ? names[0] : undefined;
  if (single === 'eq') return between(key(ops.eq), key(ops.eq));
  if (single === 'beginsWith') return { sort: { kind: 'beginsWith', prefix: key(ops.beginsWith) } };
  if (single === 'between') {
    const pair = ops.between;
    if (!Array.isArray(pair) || pair.length !== 2) return fail('between takes [low, high]');
    return between(key(pair[0]), key(pair[1]));
  }
  if (names.length !== (lower ? 1 : 0) + (upper ? 1 : 0) || names.length === 0) return fail(`unknown condition { ${names.join(', ')} }`);
  // Inclusive bounds that select exactly the ids asked for; nothing of the type sorts at or above `end`.
  const low = lower === undefined ? prefix : lower === 'gt' ? leastKeyAbove(key(ops.gt)) : key(ops.gte);
  const high = upper === undefined ? end : upper === 'lte' ? key(ops.lte) : greatestKeyBelow(key(ops.lt), LIMITS.sortKeyBytes);
  return high === undefined ? { sort: { kind: 'empty' } } : between(low, high);
}

function between(low: string, high: string): StrIdRange {
  return compareUtf8(low, high) > 0 ? { sort: { kind: 'empty' } } : { sort: { kind: 'between', low, high } };
}
