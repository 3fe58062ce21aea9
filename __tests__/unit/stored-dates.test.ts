import fc from 'fast-check';
import { parseStoredIso } from '../../src/marshalling/scalars';

/** Stored ISO dates are read by position; the result must always be what `new Date(text)` gives. */
const sameAsParser = (text: string) => {
  const expected = new Date(text).getTime();
  const actual = parseStoredIso(text).getTime();
  return Number.isNaN(expected) ? Number.isNaN(actual) : actual === expected;
};

describe('reading stored ISO dates', () => {
  it('gives the same instant as new Date() for every date toISOString() writes, years 0 to 9999 and beyond', () => {
    const dates = fc.date({ min: new Date(-8_640_000_000_000_000), max: new Date(8_640_000_000_000_000), noInvalidDate: true });
    fc.assert(
      fc.property(dates, (date) => parseStoredIso(date.toISOString()).getTime() === date.getTime()),
      { numRuns: 5000 },
    );
  });

  it('agrees with new Date() on text of the same shape with impossible or foreign parts', () => {
    const twoDigits = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const part = fc.oneof(twoDigits, fc.constantFrom('00', '13', '24', '29', '30', '31', '60', '99', 'ab', ' 1', '+1'));
    const year = fc.oneof(fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')), fc.constantFrom('0099', '0100', '1900', '2024', '+020', 'abcd'));
    const text = fc
      .tuple(year, part, part, part, part, part, fc.integer({ min: 0, max: 999 }), fc.constantFrom('Z', 'z', 'X'))
      .map(([y, mo, d, h, mi, s, ms, z]) => `${y}-${mo}-${d}T${h}:${mi}:${s}.${String(ms).padStart(3, '0')}${z}`);
    fc.assert(fc.property(text, sameAsParser), { numRuns: 5000 });
  });

  it('leaves other forms to new Date()', () => {
    for (const text of ['2024-02-29T10:00:00Z', '+010000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '2023-02-29T00:00:00.000Z', '0050-06-01T00:00:00.000Z', 'not a date']) {
      expect(sameAsParser(text)).toBe(true);
    }
  });
});
