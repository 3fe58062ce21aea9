import fc from 'fast-check';
import { Field, Index, StrId, Table } from '../../src';
import { indexKeyOf } from '../../src/keys/index-key';
import { matchesSortKeyCondition } from '../../src/keys/index-key-range';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { indexKeyCondition } from '../../src/manager/actions/key-conditions';

@Table('sample')
@Index('byNumber', { partition: ['group'], sort: ['n', 'label'] })
@Index('byLabel', { partition: ['group'], sort: ['label'] })
class Sample {
  @StrId() id!: string;
  @Field() group!: string;
  @Field() n?: number;
  @Field() label?: string;
}

const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
const mapper = EntityMapper.of(Sample);
const byNumber = () => mapper.meta.indexes[0]!;
const byLabel = () => mapper.meta.indexes[1]!;

/** The stored item of a sample, index keys as a put computes them. */
function sortKeyOf(index: ReturnType<typeof byNumber>, sample: Partial<Sample>): string {
  const item = mapper.toItem(Object.assign(new Sample(), { id: 'x', group: 'g', ...sample }), { uid: UID, version: 1 });
  return indexKeyOf(mapper.meta, index, item)!.sort;
}

/** Storable numbers (DynamoDB's range), dense around a few values so that equal values meet often. */
const number = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((i) => i / 64),
  fc.constantFrom(-0, 1e-100, -1e-100, 1e20, -1e20, 0.1, 0.30000000000000004),
);
const text = fc.string({ unit: fc.constantFrom('a', 'b', '\u0000', '\u0001', ' ', '!', '#', '$', 'é', '😀'), maxLength: 4 });

type Op = 'eq' | 'lt' | 'lte' | 'gt' | 'gte' | 'between';
const holds = <V>(op: Op, value: V | undefined, a: V, b: V, compare: (x: V, y: V) => number): boolean => {
  if (value === undefined) return false; // a missing sort value matches no condition on that field
  const c = compare(value, a);
  switch (op) {
    case 'eq':
      return c === 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'between':
      return c >= 0 && compare(value, b) <= 0;
  }
};
const byBytes = (x: string, y: string) => Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8'));
const condition = (op: Op, a: unknown, b: unknown) => (op === 'between' ? { between: [a, b] } : { [op]: a });

describe('where -> key condition matches exactly the entities the condition describes', () => {
  it('a range on a number sort field (missing values and -0 included)', () => {
    fc.assert(
      fc.property(fc.constantFrom<Op>('eq', 'lt', 'lte', 'gt', 'gte', 'between'), number, number, fc.option(number, { nil: undefined }), (op, a, b, n) => {
        const where = { group: 'g', n: condition(op, a, b) };
        const { sort } = indexKeyCondition(mapper.meta, mapper.plan, byNumber(), where);
        const expected = holds(op, n, a, b, (x, y) => (x === y ? 0 : x < y ? -1 : 1));
        expect(matchesSortKeyCondition(sortKeyOf(byNumber(), { n, label: 'z' }), sort)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('equality on the first sort field, then a range or prefix on a string field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Op | 'beginsWith'>('eq', 'lt', 'lte', 'gt', 'gte', 'between', 'beginsWith'),
        text,
        text,
        fc.integer({ min: 0, max: 2 }),
        fc.option(text, { nil: undefined }),
        fc.nat(3),
        (op, a, b, n, other, pick) => {
          const label = pick === 0 ? a : pick === 1 ? b : other; // often on a bound
          const range = op === 'beginsWith' ? { beginsWith: a } : condition(op, a, b);
          const { sort } = indexKeyCondition(mapper.meta, mapper.plan, byNumber(), { group: 'g', n: 1, label: range });
          const expected = n === 1 && (op === 'beginsWith' ? label !== undefined && label.startsWith(a) : holds(op, label, a, b, byBytes));
          expect(matchesSortKeyCondition(sortKeyOf(byNumber(), { n, label }), sort)).toBe(expected);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a string sort field alone: prefixes and ranges by UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.constantFrom<Op>('eq', 'lt', 'gte', 'between'), text, text, text, fc.nat(3), (op, a, b, other, pick) => {
        const label = pick === 0 ? a : pick === 1 ? b : other; // often on a bound
        const { sort } = indexKeyCondition(mapper.meta, mapper.plan, byLabel(), { group: 'g', label: condition(op, a, b) });
        expect(matchesSortKeyCondition(sortKeyOf(byLabel(), { label }), sort)).toBe(holds(op, label, a, b, byBytes));
      }),
      { numRuns: 500 },
    );
  });

  it('a lower and an upper bound together ({ gte: from, lt: to } and the other three pairs), with equality before it', () => {
    const pairs = [
      ['gt', 'lt'],
      ['gt', 'lte'],
      ['gte', 'lt'],
      ['gte', 'lte'],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...pairs), text, text, fc.integer({ min: 0, max: 2 }), fc.option(text, { nil: undefined }), fc.nat(3), ([lower, upper], a, b, n, other, pick) => {
        // Often exactly on a bound, where inclusive and exclusive differ.
        const label = pick === 0 ? a : pick === 1 ? b : other;
        const { sort } = indexKeyCondition(mapper.meta, mapper.plan, byNumber(), { group: 'g', n: 1, label: { [lower]: a, [upper]: b } });
        const expected = n === 1 && holds(lower, label, a, a, byBytes) && holds(upper, label, b, b, byBytes);
        expect(matchesSortKeyCondition(sortKeyOf(byNumber(), { n, label }), sort)).toBe(expected);
      }),
      { numRuns: 800 },
    );
  });

  it('refuses two lower bounds, two upper bounds and a range mixed with other operators, before any request', () => {
    for (const bad of [{ gt: 1, gte: 2 }, { lt: 1, lte: 2 }, { gte: 1, eq: 2 }, { gte: 1, lt: 2, lte: 3 }, {}]) {
      expect(() => indexKeyCondition(mapper.meta, mapper.plan, byNumber(), { group: 'g', n: bad })).toThrow(/a lower bound \(gt, gte\) with an upper bound/);
    }
  });
});
