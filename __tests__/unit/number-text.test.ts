import fc from 'fast-check';
import { bigintFromText, integerFromText } from '../../src/keys/number-text';
import { componentText, orderedInteger } from '../../src/keys/index-key';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { BaseEntity, Field, StrId, Table } from '../../src';

/** A stored integer may come back spelt another way (`1E+30`): bigint fields read it exactly. */

@Table('ledger')
class Ledger extends BaseEntity {
  @StrId() id!: string;
  @Field() balance!: bigint;
}

describe('integers in any spelling', () => {
  it.each([
    ['1E+30', 10n ** 30n],
    ['1e30', 10n ** 30n],
    ['-2.5E+3', -2500n],
    ['1.0', 1n],
    ['0.00', 0n],
    ['-0', 0n],
    ['123456789012345678901234567890123456789', 123456789012345678901234567890123456789n],
    ['00042', 42n],
  ])('%s is %s', (text, value) => {
    expect(bigintFromText(text)).toBe(value);
  });

  it('text that is no integer is not one', () => {
    expect(integerFromText('1.5')).toBeUndefined();
    expect(integerFromText('1E-1')).toBeUndefined();
    expect(integerFromText('abc')).toBeUndefined();
    expect(() => bigintFromText('1.5')).toThrow(SyntaxError);
  });

  it('every spelling of an integer gives the same bigint, index key and loaded value', () => {
    const mapper = EntityMapper.of(Ledger);
    const field = { property: 'balance', type: { kind: 'bigint' as const } };
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }), fc.integer({ min: 0, max: 5 }), (value, shift) => {
        const digits = (value < 0n ? -value : value).toString();
        // The same value as mantissa and exponent: 12300 -> 1230E+1, 123E+2, 12.3E+3...
        const cut = Math.max(1, digits.length - shift);
        const spelt = `${value < 0n ? '-' : ''}${digits.slice(0, cut)}${cut < digits.length ? '.' + digits.slice(cut) : ''}E+${digits.length - cut}`;
        expect(bigintFromText(spelt)).toBe(value);
        expect(componentText(field, { N: spelt })).toBe(orderedInteger(value));
        const loaded = mapper.fromItem({ PK: { S: 'ledger#a' }, SK: { S: 'ledger' }, uid: { S: '01a212e1-f9cb-7000-8e3e-c64da6114a1c' }, version: { N: '1' }, id: { S: 'a' }, balance: { N: spelt } });
        expect(loaded.balance).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});
