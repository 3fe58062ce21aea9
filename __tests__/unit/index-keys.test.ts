import fc from 'fast-check';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { componentText, END, escapeKeyText, indexAttributesOf, indexKeyOf, indexKeyProblem, MISSING, NO_SORT_FIELDS, orderedDouble } from '../../src/keys/index-key';
import { compareUtf8, matchesSortKeyCondition, sortKeyCondition } from '../../src/keys/index-key-range';
import type { SortRange } from '../../src/keys/index-key-range';
import { bigintAttribute, dateAttribute, numberAttribute, stringAttribute } from '../../src/marshalling/scalars';
import type { ViolationSink } from '../../src/marshalling/violations';
import type { DateFormat, EntityMetadata, IndexKeyField, IndexMetadata } from '../../src/metadata/types';

/**
 * Index keys are compared by DynamoDB as UTF-8 bytes. These properties check, on values stored the way
 * the library stores them, that byte order of the keys is the order of the values, that no two
 * (type, index, partition values) share a partition key, and that sort-key conditions are exact.
 */

type Kind = 'string' | 'number' | 'bigint' | 'boolean' | 'iso' | 'epochMilliseconds' | 'epochSeconds';
type Value = string | number | bigint | boolean | Date;
const KINDS: readonly Kind[] = ['string', 'number', 'bigint', 'boolean', 'iso', 'epochMilliseconds', 'epochSeconds'];

function fieldOf(property: string, kind: Kind): IndexKeyField {
  const type = kind === 'iso' || kind === 'epochMilliseconds' || kind === 'epochSeconds' ? { kind: 'date' as const, format: kind as DateFormat } : { kind };
  return { property, type } as IndexKeyField;
}

/** The attribute the library stores for a value (the scalar encoders of marshalling). */
function stored(kind: Kind, value: Value): AttributeValue {
  const sink: ViolationSink = [];
  let attribute: AttributeValue | undefined;
  if (kind === 'string') attribute = stringAttribute(value as string, 'f', sink);
  else if (kind === 'number') attribute = numberAttribute(value as number, 'f', sink);
  else if (kind === 'bigint') attribute = bigintAttribute(value as bigint, 'f', sink);
  else if (kind === 'boolean') attribute = { BOOL: value as boolean };
  else attribute = dateAttribute(value as Date, kind, 'f', sink);
  if (attribute === undefined) throw new Error(`not storable: ${JSON.stringify(sink)}`);
  return attribute;
}

const textOf = (kind: Kind, value: Value): string => componentText(fieldOf('f', kind), stored(kind, value)) as string;

/** The natural order of stored values; strings in DynamoDB's own order (UTF-8 bytes). */
function compareValues(kind: Kind, a: Value, b: Value): number {
  if (kind === 'string') return compareUtf8(a as string, b as string);
  if (kind === 'boolean') return Number(a) - Number(b);
  if (kind === 'number' || kind === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const scale = kind === 'epochSeconds' ? 1000 : 1;
  return Math.sign(Math.floor((a as Date).getTime() / scale) - Math.floor((b as Date).getTime() / scale));
}

const storable = (n: number): boolean => n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126);
const EDGE_CHARS = ['', '\u0000', '\u0001', '\u0002', '\u001f', ' ', '!', '"', '#', '$', '%', 'D', 'a', 'b', 'é', '\uffff', '\ue000', '\ud7ff', '😀', '𝄞', '\u{10ffff}'];
const stringValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(...EDGE_CHARS.slice(1)), maxLength: 6 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(...EDGE_CHARS),
);
const numberValue = fc.oneof(
  fc.double({ min: -1e125, max: 1e125, noNaN: true }).filter(storable),
  fc.double({ min: 1e-130, max: 1e-120, noNaN: true }).chain((n) => fc.constantFrom(n, -n)),
  fc.double({ min: 1e125, max: 9.99e125, noNaN: true }).chain((n) => fc.constantFrom(n, -n)),
  fc.integer({ min: -1000, max: 1000 }).map((n) => n / 8),
  fc.constantFrom(0, -0, 1, -1, 0.1, 0.2, 0.30000000000000004, 1e-130, -1e-130, 2 ** 53, -(2 ** 53), 9.99e125),
);
const MAX_DIGITS = 10n ** 38n - 1n;
const bigintValue = fc.oneof(
  fc.bigInt({ min: -MAX_DIGITS, max: MAX_DIGITS }),
  fc.tuple(fc.bigInt({ min: -MAX_DIGITS, max: MAX_DIGITS }), fc.integer({ min: 0, max: 88 })).map(([d, scale]) => d * 10n ** BigInt(scale)),
  fc.constantFrom(0n, 1n, -1n, 9n, 10n, -9n, -10n, MAX_DIGITS, -MAX_DIGITS),
);
/** The whole Date range: before 1970, year 0, after 9999 (ISO strings with +/- six-digit years). */
const DATE_EDGES = [-8.64e15, -62167219200000, -62167219200001, -1, 0, 1, 253402300799999, 253402300800000, 8.64e15];
const dateValue = fc.oneof(
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }),
  fc.integer({ min: -5000, max: 5000 }).map((ms) => new Date(ms)),
  fc.constantFrom(...DATE_EDGES).map((ms) => new Date(ms)),
);
const VALUES: Record<Kind, fc.Arbitrary<Value>> = {
  string: stringValue,
  number: numberValue,
  bigint: bigintValue,
  boolean: fc.boolean(),
  iso: dateValue,
  epochMilliseconds: dateValue,
  epochSeconds: dateValue,
};

describe('component texts sort like the values they encode', () => {
  it.each(KINDS)('%s', (kind) => {
    fc.assert(
      fc.property(fc.array(VALUES[kind], { minLength: 2, maxLength: 8 }), (values) => {
        const texts = values.map((value) => textOf(kind, value));
        const wrong: string[] = [];
        for (let i = 0; i < values.length; i += 1) {
          for (let j = 0; j < values.length; j += 1) {
            const expected = Math.sign(compareValues(kind, values[i] as Value, values[j] as Value));
            const [a, b] = [texts[i] as string, texts[j] as string];
            // With END appended (a whole component), no shorter value reaches into the next component.
            if (Math.sign(compareUtf8(a, b)) !== expected || Math.sign(compareUtf8(a + END, b + END)) !== expected) wrong.push(`${i} vs ${j}`);
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: kind === 'boolean' ? 100 : 1000 },
    );
  });

  it('stores -0 as 0 and dates of one second alike in epochSeconds', () => {
    expect(textOf('number', -0)).toBe(textOf('number', 0));
    expect(textOf('epochSeconds', new Date(1500))).toBe(textOf('epochSeconds', new Date(1999)));
    expect(textOf('epochSeconds', new Date(-1))).not.toBe(textOf('epochSeconds', new Date(0)));
    // A Date's text does not depend on its storage format (whole seconds in epochSeconds).
    const second = new Date(Date.UTC(1969, 6, 20, 20, 17, 40));
    expect(new Set(['iso', 'epochMilliseconds', 'epochSeconds'].map((kind) => textOf(kind as Kind, second))).size).toBe(1);
    expect(textOf('string', '\u0000')).toBe(' $');
    expect(textOf('string', '\u0001')).toBe(' %');
  });

  it('orders every double, Number.MAX_VALUE and MIN_VALUE included (which numberAttribute refuses to store)', () => {
    const doubles = fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -Number.MIN_VALUE, -0));
    fc.assert(
      fc.property(doubles, doubles, (a, b) => {
        expect(Math.sign(compareUtf8(orderedDouble(a), orderedDouble(b)))).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
    expect(numberAttribute(Number.MAX_VALUE, 'f', [])).toBeUndefined();
    expect(numberAttribute(Number.MIN_VALUE, 'f', [])).toBeUndefined();
  });
});

/** An entity of a generated index: its sort values (undefined = missing) and its uid. */
interface Row {
  values: (Value | undefined)[];
  uid: string;
}

function metaOf(typeName: string, index: IndexMetadata): EntityMetadata {
  return { typeName, indexes: [index] } as unknown as EntityMetadata;
}

function indexOf(name: string, partition: readonly Kind[], sort: readonly Kind[]): IndexMetadata {
  return {
    name,
    partition: partition.map((kind, i) => fieldOf(`p${i}`, kind)),
    sort: sort.map((kind, i) => fieldOf(`s${i}`, kind)),
    projection: 'all',
    nonKeyAttributes: [],
    slot: 1,
    gsi: 'gsi1',
    partitionAttribute: '_gsi1pk',
    sortAttribute: '_gsi1sk',
  };
}

function itemOf(partition: readonly Kind[], pValues: readonly Value[], sort: readonly Kind[], row: Row): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = { uid: { S: row.uid } };
  partition.forEach((kind, i) => (item[`p${i}`] = stored(kind, pValues[i] as Value)));
  sort.forEach((kind, i) => {
    const value = row.values[i];
    if (value !== undefined) item[`s${i}`] = stored(kind, value);
  });
  return item;
}

/** Missing sorts first, then the values in their order. */
function compareSlot(kind: Kind, a: Value | undefined, b: Value | undefined): number {
  if (a === undefined || b === undefined) return (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1);
  return Math.sign(compareValues(kind, a, b));
}

const sortKinds = fc.array(fc.constantFrom(...KINDS), { minLength: 2, maxLength: 3 });
const uid = fc.uuid({ version: 7 });
const rowsOf = (kinds: readonly Kind[]): fc.Arbitrary<Row[]> => {
  const slot = (kind: Kind) => fc.option(VALUES[kind], { freq: 4, nil: undefined });
  const row = fc.record({ values: fc.tuple(...kinds.map(slot)), uid });
  // A small pool of values per field, so that equal prefixes and equal tuples (of different uids) are common.
  return fc.array(row, { minLength: 1, maxLength: 4 }).chain((pool) =>
    fc.array(fc.record({ values: fc.tuple(...kinds.map((_, i) => fc.constantFrom(...pool.map((r) => r.values[i])))), uid }), { minLength: 2, maxLength: 10 }),
  );
};
const sortKeyOf = (kinds: readonly Kind[], row: Row): string => indexKeyOf(metaOf('t', indexOf('i', ['string'], kinds)), indexOf('i', ['string'], kinds), itemOf(['string'], ['p'], kinds, row))?.sort as string;

describe('sort keys compare like the tuples of their values', () => {
  it('2-3 sort fields of mixed kinds, missing values first', () => {
    fc.assert(
      fc.property(sortKinds.chain((kinds) => fc.tuple(fc.constant(kinds), rowsOf(kinds))), ([kinds, rows]) => {
        const keys = rows.map((row) => sortKeyOf(kinds, row));
        const wrong: string[] = [];
        for (let i = 0; i < rows.length; i += 1) {
          for (let j = 0; j < rows.length; j += 1) {
            const a = rows[i] as Row;
            const b = rows[j] as Row;
            const byValues = kinds.map((kind, f) => compareSlot(kind, a.values[f], b.values[f])).find((c) => c !== 0);
            // The key holds the sort fields only: equal tuples share a key, whatever their uids.
            const expected = byValues ?? 0;
            if (Math.sign(compareUtf8(keys[i] as string, keys[j] as string)) !== expected) wrong.push(`${i} vs ${j}`);
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('marks a missing value with MISSING and ends each value with END', () => {
    const row: Row = { values: [undefined, 'x'], uid: 'U' };
    expect(sortKeyOf(['number', 'string'], row)).toBe(`${MISSING}x${END}`);
  });

  it('gives every item of an index without sort fields the same non-empty sort key', () => {
    const index = indexOf('i', ['string'], []);
    const keys = ['u1', 'u2'].map((uid) => indexKeyOf(metaOf('t', index), index, itemOf(['string'], ['p'], [], { values: [], uid })));
    expect(keys).toEqual([{ partition: `t#i#p${END}`, sort: NO_SORT_FIELDS }, { partition: `t#i#p${END}`, sort: NO_SORT_FIELDS }]);
  });
});

const NAME = fc.oneof(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,8}$/), fc.constantFrom('a', 'b', 'a-b', 'a_b', 'ab', 'A', 'b-a'));
interface Combination {
  type: string;
  index: string;
  kinds: Kind[];
  values: Value[];
}
const combination: fc.Arbitrary<Combination> = fc
  .record({ type: NAME, index: NAME, kinds: fc.array(fc.constantFrom(...KINDS), { minLength: 1, maxLength: 3 }) })
  .chain((c) => fc.record({ type: fc.constant(c.type), index: fc.constant(c.index), kinds: fc.constant(c.kinds), values: fc.tuple(...c.kinds.map((k) => VALUES[k])) }));
/** A second combination: often the same type and index (same fields) with other values, or other names with the same values. */
const otherOf = (a: Combination): fc.Arbitrary<Combination> =>
  fc.oneof(
    combination,
    fc.tuple(...a.kinds.map((k) => VALUES[k])).map((values) => ({ ...a, values })),
    fc.tuple(NAME, NAME).map(([type, index]) => ({ ...a, type, index })),
    fc.tuple(NAME, combination).map(([type, b]) => ({ ...b, type, index: a.index })),
  );
const partitionOf = (c: Combination): string | undefined => indexKeyOf(metaOf(c.type, indexOf(c.index, c.kinds, [])), indexOf(c.index, c.kinds, []), itemOf(c.kinds, c.values, [], { values: [], uid: 'u' }))?.partition;
const sameCombination = (a: Combination, b: Combination): boolean =>
  a.type === b.type && a.index === b.index && a.kinds.length === b.kinds.length && a.kinds.every((kind, i) => kind === b.kinds[i] && compareValues(kind, a.values[i] as Value, b.values[i] as Value) === 0);

describe('partition keys are isolated', () => {
  it('no two different (type, index, partition values) share a partition key', () => {
    fc.assert(
      fc.property(combination.chain((a) => fc.tuple(fc.constant(a), otherOf(a))), ([a, b]) => {
        fc.pre(a.type !== b.type || a.index !== b.index || a.kinds.join() === b.kinds.join()); // one index has one list of fields
        expect(partitionOf(a) === partitionOf(b)).toBe(sameCombination(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('the key names its type and index before any value: no values reach another type or index', () => {
    fc.assert(
      fc.property(combination, (c) => {
        const [type, index] = (partitionOf(c) as string).split('#');
        expect([type, index]).toEqual([c.type, c.index]);
      }),
      { numRuns: 1000 },
    );
  });
});

type Op = 'none' | 'eq' | 'lt' | 'lte' | 'gt' | 'gte' | 'between' | 'beginsWith' | RangeOp;
/** Two bounds together (`{ gte: from, lt: to }`), either of them possibly absent. */
type RangeOp = `range:${'gt' | 'gte' | '-'}:${'lt' | 'lte' | '-'}`;
const RANGE_OPS = (['gt', 'gte', '-'] as const).flatMap((lower) => (['lt', 'lte', '-'] as const).map((upper): RangeOp => `range:${lower}:${upper}`));
const OPS: readonly Op[] = ['none', 'eq', 'lt', 'lte', 'gt', 'gte', 'between', 'beginsWith', ...RANGE_OPS];

/** Whether a row satisfies the condition on its values: equal prefix, then `op` on the next field. */
function satisfies(kinds: readonly Kind[], row: Row, prefix: readonly Value[], op: Op, operands: readonly Value[]): boolean {
  const equal = prefix.every((value, i) => row.values[i] !== undefined && compareValues(kinds[i] as Kind, row.values[i] as Value, value) === 0);
  if (!equal || op === 'none') return equal;
  const kind = kinds[prefix.length] as Kind;
  const v = row.values[prefix.length];
  if (v === undefined) return false;
  const c = (x: Value): number => compareValues(kind, v, x);
  const [x, y] = operands as [Value, Value];
  switch (op) {
    case 'eq': return c(x) === 0;
    case 'lt': return c(x) < 0;
    case 'lte': return c(x) <= 0;
    case 'gt': return c(x) > 0;
    case 'gte': return c(x) >= 0;
    case 'between': return c(x) >= 0 && c(y) <= 0;
    case 'beginsWith': return (v as string).startsWith(x as string);
    default: {
      const [, lower, upper] = op.split(':');
      const aboveLower = lower === '-' || (lower === 'gt' ? c(x) > 0 : c(x) >= 0);
      return aboveLower && (upper === '-' || (upper === 'lt' ? c(y) < 0 : c(y) <= 0));
    }
  }
}

function rangeOf(kind: Kind, op: Exclude<Op, 'none'>, operands: readonly Value[]): SortRange {
  const [x, y] = operands as [Value, Value];
  if (op === 'between') return { op, low: textOf(kind, x), high: textOf(kind, y) };
  if (op === 'beginsWith') return { op, text: escapeKeyText(x as string) };
  if (op.startsWith('range:')) {
    const [, lower, upper] = op.split(':') as [string, 'gt' | 'gte' | '-', 'lt' | 'lte' | '-'];
    return {
      op: 'range',
      ...(lower === '-' ? {} : { lower: { op: lower, text: textOf(kind, x) } }),
      ...(upper === '-' ? {} : { upper: { op: upper, text: textOf(kind, y) } }),
    };
  }
  return { op: op as 'eq' | 'lt' | 'lte' | 'gt' | 'gte', text: textOf(kind, x) };
}

/** Code-point prefixes of the rows' string values, so that beginsWith conditions find matches. */
const prefixesOf = (rows: readonly Row[], f: number): string[] =>
  rows.flatMap((row) => {
    const value = row.values[f];
    return typeof value === 'string' ? [...value].map((_, n) => [...value].slice(0, n).join('')) : [];
  });

const scenario = sortKinds.chain((kinds) =>
  rowsOf(kinds).chain((rows) =>
    fc.integer({ min: 0, max: kinds.length - 1 }).chain((depth) => {
      const kind = kinds[depth] as Kind;
      const near = (f: number) => {
        const seen = rows.map((row) => row.values[f]).filter((v): v is Value => v !== undefined);
        return seen.length > 0 ? fc.oneof(fc.constantFrom(...seen), VALUES[kinds[f] as Kind]) : VALUES[kinds[f] as Kind];
      };
      const ops = OPS.filter((op) => (op !== 'beginsWith' || kind === 'string') && (op !== 'none' || depth > 0));
      const operand = kind === 'string' ? fc.oneof(near(depth), fc.constantFrom('', ...prefixesOf(rows, depth))) : near(depth);
      return fc.record({
        kinds: fc.constant(kinds),
        rows: fc.constant(rows),
        prefix: fc.tuple(...kinds.slice(0, depth).map((_, f) => near(f))),
        op: fc.constantFrom(...ops),
        operands: fc.tuple(operand, operand),
      });
    }),
  ),
);

describe('sort-key conditions select exactly the entities whose values satisfy them', () => {
  it('equal prefix, then eq / lt / lte / gt / gte / between / beginsWith / a lower and an upper bound on the next field', () => {
    fc.assert(
      fc.property(scenario, ({ kinds, rows, prefix, op, operands }) => {
        const depth = prefix.length;
        const prefixTexts = prefix.map((value, f) => textOf(kinds[f] as Kind, value));
        const condition = sortKeyCondition(prefixTexts, op === 'none' ? undefined : rangeOf(kinds[depth] as Kind, op, operands));
        const selected = rows.map((row) => matchesSortKeyCondition(sortKeyOf(kinds, row), condition));
        expect(selected).toEqual(rows.map((row) => satisfies(kinds, row, prefix, op, operands)));
        const bothBounds = op === 'between' || (op.startsWith('range:') && !op.includes('-'));
        if (bothBounds && compareValues(kinds[depth] as Kind, operands[0], operands[1]) > 0) expect(condition).toEqual({ kind: 'empty' });
      }),
      { numRuns: 3000 },
    );
  });

  it('between with reversed bounds and lt the empty string match nothing, with or without a prefix', () => {
    expect(sortKeyCondition([], { op: 'between', low: textOf('number', 2), high: textOf('number', 1) })).toEqual({ kind: 'empty' });
    expect(sortKeyCondition([textOf('string', 'a')], { op: 'between', low: 'b', high: 'a' })).toEqual({ kind: 'empty' });
    expect(sortKeyCondition([], { op: 'lt', text: '' })).toEqual({ kind: 'empty' });
    expect(sortKeyCondition(['a'], { op: 'lt', text: '' })).toEqual({ kind: 'empty' });
    expect(sortKeyCondition([])).toBeUndefined();
  });
});

describe('key sizes', () => {
  const index = indexOf('i', ['string'], ['string']);
  const meta = metaOf('t', index);
  const keyOf = (p: string, s: string) => indexKeyOf(meta, index, { p0: { S: p }, s0: { S: s }, uid: { S: 'u' } });
  // Partition: "t#i#" + value + END (2 bytes); sort: value + END.
  it('allows 2048-byte partition keys and 1024-byte sort keys, and reports one byte more', () => {
    expect(indexKeyProblem(index, keyOf('a'.repeat(2042), 'a'.repeat(1022))!)).toBeUndefined();
    expect(indexKeyProblem(index, keyOf('a'.repeat(2043), 'x')!)).toBe("index i's partition key (p0) would be 2049 bytes; DynamoDB allows 2048");
    expect(indexKeyProblem(index, keyOf('x', 'a'.repeat(1023))!)).toBe("index i's sort key (s0) would be 1025 bytes; DynamoDB allows 1024");
  });

  it('counts UTF-8 bytes: an escaped control character takes two, an emoji four', () => {
    expect(indexKeyProblem(index, keyOf('x', '\u0000'.repeat(511))!)).toBeUndefined(); // 1022 + 2
    expect(indexKeyProblem(index, keyOf('x', '\u0000'.repeat(511) + 'a')!)).toMatch(/1025 bytes/);
    expect(indexKeyProblem(index, keyOf('x', '😀'.repeat(255) + 'aa')!)).toBeUndefined(); // 1020 + 2 + 2
    expect(indexKeyProblem(index, keyOf('x', '😀'.repeat(256))!)).toMatch(/1026 bytes/);
  });

  it('indexAttributesOf writes both keys, reports an oversized one and leaves out an item without its partition value', () => {
    const problems: string[] = [];
    const attributes = indexAttributesOf(meta, { p0: { S: 'x'.repeat(3000) }, s0: { S: 'v' }, uid: { S: 'u' } }, (i, problem) => problems.push(`${i.name}: ${problem}`));
    expect(Object.keys(attributes)).toEqual(['_gsi1pk', '_gsi1sk']);
    expect(problems).toEqual([expect.stringMatching(/^i: index i's partition key \(p0\) would be 3006 bytes/)]);
    expect(indexAttributesOf(meta, { s0: { S: 'v' }, uid: { S: 'u' } }, () => undefined)).toEqual({});
    expect(indexAttributesOf(meta, { p0: { NULL: true }, uid: { S: 'u' } }, () => undefined)).toEqual({});
  });
});
