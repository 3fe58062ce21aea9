import fc from 'fast-check';
import { EntityValidationError, Field, StrId, Table } from '../../src';
import { anyFromAttribute, anyToAttribute } from '../../src/marshalling/any-value';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import type { ViolationSink } from '../../src/marshalling/violations';
import { User } from '../fixtures/entities';

const identity = { uid: '01a212e1-f9cb-7000-8e3e-c64da6114a1c', version: 1 };
const users = EntityMapper.of(User);

/** How dynalite returns a number: big.js `toFixed()`, plain digits without exponent. */
function plainSpelling(text: string): string {
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text) ?? [];
  // Move the decimal point by the exponent, padding with zeros on either side.
  const point = whole.length + Number(exponent);
  const padded = '0'.repeat(Math.max(0, -point)) + whole + fraction + '0'.repeat(Math.max(0, point - whole.length - fraction.length));
  const at = Math.max(point, 0);
  const integer = padded.slice(0, at).replace(/^0+(?=\d)/, '') || '0';
  const decimals = padded.slice(at).replace(/0+$/, '');
  const body = decimals === '' ? integer : `${integer}.${decimals}`;
  return body === '0' ? '0' : sign + body;
}

/** The same value in scientific notation (`1.2345E+21`), as yet another engine might spell it. */
function scientificSpelling(text: string): string {
  const plain = plainSpelling(text);
  const negative = plain.startsWith('-');
  const [whole = '', fraction = ''] = plain.replace('-', '').split('.');
  const all = whole + fraction;
  const first = all.search(/[1-9]/);
  if (first < 0) return '0';
  const digits = all.slice(first).replace(/0+$/, '');
  const exponent = whole.length - first - 1;
  return `${negative ? '-' : ''}${digits[0]}${digits.length > 1 ? '.' + digits.slice(1) : ''}E${exponent >= 0 ? '+' : ''}${exponent}`;
}

const SPELLINGS: Array<[string, (text: string) => string]> = [
  ['as sent (moto)', (text) => text],
  ['plain digits (dynalite)', plainSpelling],
  ['scientific', scientificSpelling],
];

/** Encodes a free-form value, lets an engine respell its number, decodes it. */
function roundTrip(value: number | bigint, respell: (text: string) => string): unknown {
  const sink: ViolationSink = [];
  const attribute = anyToAttribute(value, 'x', sink, 1);
  if (sink.length > 0 || attribute?.N === undefined) throw new Error(`not storable: ${JSON.stringify(sink)}`);
  return anyFromAttribute({ N: respell(attribute.N) });
}

const inRange = (n: number) => n === 0 || (Math.abs(n) >= 1e-130 && Math.abs(n) < 1e126);
const anyDouble = fc.double({ noNaN: true, noDefaultInfinity: true }).filter(inRange);
const largeDouble = fc.double({ min: 2 ** 53, max: 1e125, noNaN: true }).chain((n) => fc.constantFrom(n, -n));
/** Bigints DynamoDB holds exactly: up to 38 significant digits, below 1e126. */
const largeBigint = fc
  .tuple(fc.bigInt({ min: 1n, max: 10n ** 38n - 1n }), fc.integer({ min: 0, max: 87 }), fc.boolean())
  .map(([digits, scale, negative]) => (negative ? -1n : 1n) * digits * 10n ** BigInt(scale))
  .filter((b) => (b < 0n ? -b : b) > 2n ** 53n && (b < 0n ? -b : b) < 10n ** 126n);

/** The one ambiguity: a bigint spelt exactly as JavaScript prints some double (e.g. 10n ** 25n, "1e+25"). */
const isJsSpellingOfADouble = (b: bigint) => plainSpelling(String(Number(b))) === b.toString();
const equalsADouble = (b: bigint) => BigInt(Number(b)) === b;

describe('free-form numbers read back as they were written, whatever the engine spelling', () => {
  it('the respellings match what the engines were seen to return', () => {
    // dynalite 4.0.0 answered these for PutItem of 1.5e-7, -9.936823498258001e+33, 1.2E+30 and -0.
    expect(['1.5e-7', '-9.936823498258001e+33', '1.2E+30', '-0'].map(plainSpelling)).toEqual([
      '0.00000015',
      '-9936823498258001000000000000000000',
      '1200000000000000000000000000000',
      '0',
    ]);
    expect(['0.00000015', '-9936823498258001000000000000000000', '12.5'].map(scientificSpelling)).toEqual(['1.5E-7', '-9.936823498258001E+33', '1.25E+1']);
  });

  it.each(SPELLINGS)('every finite number in range comes back as the same number (-0 as 0): %s', (_, respell) => {
    fc.assert(
      fc.property(fc.oneof(anyDouble, largeDouble), (n) => {
        expect(roundTrip(n, respell)).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(SPELLINGS)('every bigint beyond 2^53 that no double equals comes back as that bigint: %s', (_, respell) => {
    fc.assert(
      fc.property(largeBigint, (b) => {
        fc.pre(!equalsADouble(b) && !isJsSpellingOfADouble(b));
        expect(roundTrip(b, respell)).toBe(b);
      }),
      { numRuns: 2000 },
    );
  });

  it.each(SPELLINGS)('a bigint equal to a double comes back as that number, same value: %s', (_, respell) => {
    // Below 1e38 the exact integer value of a double fits DynamoDB's 38 digits.
    const exactlyStorable = fc.double({ min: 2 ** 53, max: 1e38, noNaN: true }).chain((n) => fc.constantFrom(n, -n));
    fc.assert(
      fc.property(exactlyStorable, (n) => {
        expect(roundTrip(BigInt(n), respell)).toBe(n);
      }),
    );
  });

  it.each([
    ['12345678901234567000', 12345678901234567000],
    ['-9936823498258001000000000000000000', -9.936823498258001e33],
    ['-9.936823498258001e+33', -9.936823498258001e33],
    ['1152921504606846976', 2 ** 60],
    ['1152921504606846977', 1152921504606846977n],
    ['10000000000000000000000000', 1e25],
    ['12345678901234567890123456789012345678', 12345678901234567890123456789012345678n],
    ['1.5e-7', 1.5e-7],
  ])('%s', (text, expected) => {
    expect(anyFromAttribute({ N: text })).toBe(expected);
  });

  it('an entity with large free-form numbers serialises to JSON after a load', () => {
    const settings = { a: 12345678901234567000, b: -9.936823498258001e33 };
    const user = Object.assign(users.build({ username: 'u', email: 'u@example.com' }), { settings });
    const item = users.toItem(user, identity);
    const asDynaliteSpellsThem = { M: { a: { N: '12345678901234567000' }, b: { N: '-9936823498258001000000000000000000' } } };
    const loaded = users.fromItem({ ...item, settings: asDynaliteSpellsThem });
    expect(JSON.parse(JSON.stringify(loaded.settings))).toEqual({ a: 12345678901234567000, b: -9.936823498258001e33 });
  });
});

@Table('blob')
class Blob {
  @StrId() id!: string;
  @Field() file?: Buffer;
  @Field() bytes?: Uint8Array;
  @Field({ type: () => Buffer }) parts?: Buffer[];
  @Field() data?: unknown;
}

/** Resolved on use: a class with Buffer fields was a MetadataError before binary fields were supported. */
const blobs = () => EntityMapper.of(Blob);

describe('small value changes are preserved, refused or documented', () => {
  it('-0 is stored as 0 (DynamoDB has no negative zero): documented', () => {
    const user = Object.assign(users.build({ username: 'u', email: 'u@example.com' }), { age: -0, settings: { z: -0 } });
    const item = users.toItem(user, identity);
    expect([item.age, item.settings?.M?.z]).toEqual([{ N: '0' }, { N: '0' }]);
    const loaded = users.fromItem(item);
    expect(Object.is(loaded.age, 0)).toBe(true);
    expect(Object.is(loaded.settings?.z, 0)).toBe(true);
  });

  it('epochSeconds stores whole seconds, rounded down: documented', () => {
    const user = Object.assign(users.build({ username: 'u', email: 'u@example.com' }), {
      expiresAt: new Date('2030-01-01T00:00:00.789Z'),
      seenAt: new Date('2030-01-01T00:00:00.789Z'),
    });
    const item = users.toItem(user, identity);
    expect(item.expiresAt).toEqual({ N: '1893456000' });
    expect(users.fromItem(item).expiresAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
    expect(users.fromItem(item).seenAt).toEqual(new Date('2030-01-01T00:00:00.789Z'));
    const before1970 = users.toItem(Object.assign(user, { expiresAt: new Date(-1500) }), identity);
    expect(before1970.expiresAt).toEqual({ N: '-2' });
  });

  it('a Buffer field reads back as a Buffer over the same memory; a Uint8Array field as a Uint8Array', () => {
    const blob = Object.assign(new Blob(), { id: 'b', file: Buffer.from('hello'), bytes: new Uint8Array([1, 2]), parts: [Buffer.from('p')] });
    const item = blobs().toItem(blob, identity);
    expect([item.file, item.bytes]).toEqual([{ B: Buffer.from('hello') }, { B: new Uint8Array([1, 2]) }]);
    // What the SDK hands back: plain Uint8Arrays, here a view into a larger buffer.
    const pool = new Uint8Array(16);
    pool.set([104, 101, 108, 108, 111], 3);
    const fromSdk = { file: { B: pool.subarray(3, 8) }, bytes: { B: new Uint8Array([1, 2]) }, parts: { L: [{ B: new Uint8Array([112]) }] } };
    const loaded = blobs().fromItem({ ...item, ...fromSdk });
    expect(Buffer.isBuffer(loaded.file)).toBe(true);
    expect(loaded.file?.toString('utf8')).toBe('hello');
    expect(loaded.file?.buffer).toBe(pool.buffer);
    expect(Buffer.isBuffer(loaded.bytes)).toBe(false);
    expect(loaded.bytes).toEqual(new Uint8Array([1, 2]));
    expect(Buffer.isBuffer(loaded.parts?.[0])).toBe(true);
  });

  it('binary in a free-form field reads back as a Uint8Array (the declared type is unknown): documented', () => {
    const item = blobs().toItem(Object.assign(new Blob(), { id: 'b', data: { raw: Buffer.from([7]) } }), identity);
    expect(item.data).toEqual({ M: { raw: { B: Buffer.from([7]) } } });
    // The SDK reads binary as a plain Uint8Array.
    const raw = (blobs().fromItem({ ...item, data: { M: { raw: { B: new Uint8Array([7]) } } } }).data as { raw: unknown }).raw;
    expect(raw).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(raw)).toBe(false);
  });

  it('refuses typed arrays other than Uint8Array and ArrayBuffers in free-form values (they would become maps)', () => {
    const data = { f: new Float64Array([1.5]), a: new ArrayBuffer(2), v: new DataView(new ArrayBuffer(1)) };
    const blob = Object.assign(new Blob(), { id: 'b', data });
    expect(() => blobs().toItem(blob, identity)).toThrow(EntityValidationError);
    try {
      blobs().toItem(blob, identity);
    } catch (error) {
      expect((error as EntityValidationError).violations.map((v) => `${v.property}:${Object.keys(v.constraints)[0]}`)).toEqual([
        'data.f:storable',
        'data.a:storable',
        'data.v:storable',
      ]);
    }
  });

  it('a typed binary field refuses a non-binary value', () => {
    expect(() => blobs().toItem(Object.assign(new Blob(), { id: 'b', file: 'text' }), identity)).toThrow(/file must be a Buffer, got string/);
  });
});
