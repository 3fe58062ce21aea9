import { EntityValidationError, ItemTooLargeError, MetadataError } from '../../src/errors';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { itemSize } from '../../src/marshalling/item-size';
import { Transform, Type } from 'class-transformer';
import { Field, StrId, Table } from '../../src';
import { Address, Group, Phone, User } from '../fixtures/entities';

const users = EntityMapper.of(User);
const identity = { uid: '01a212e1-f9cb-7000-8e3e-c64da6114a1c', version: 3 };

function fullUser(): User {
  return users.build({
    username: 'john_doe',
    email: 'john@example.com',
    activatedOn: new Date('2026-01-02T03:04:05.678Z'),
    age: 42,
    admin: true,
    tags: ['a', 'b'],
    address: { city: 'Paris', zip: '75001' } as Address,
    phones: [{ kind: 'home', number: '+331' } as Phone],
    nickname: null,
    settings: { theme: 'dark', sizes: [1, 2.5, -3], nested: { deep: true, none: null } },
    balance: 12345678901234567890123456789012345678n,
    expiresAt: new Date('2030-01-01T00:00:00.000Z'),
    seenAt: new Date('2026-05-05T05:05:05.555Z'),
  });
}

describe('entity -> item', () => {
  it('writes keys, bookkeeping and every field as a native top-level attribute', () => {
    expect(users.toItem(fullUser(), identity)).toEqual({
      PK: { S: 'user#john_doe' },
      SK: { S: 'user' },
      _type: { S: 'user' },
      uid: { S: identity.uid },
      version: { N: '3' },
      _writeId: { S: expect.stringMatching(/^[A-Za-z0-9_-]{11}$/) },
      username: { S: 'john_doe' },
      email: { S: 'john@example.com' },
      activatedOn: { S: '2026-01-02T03:04:05.678Z' },
      age: { N: '42' },
      admin: { BOOL: true },
      tags: { L: [{ S: 'a' }, { S: 'b' }] },
      address: { M: { city: { S: 'Paris' }, zip: { S: '75001' } } },
      phones: { L: [{ M: { kind: { S: 'home' }, number: { S: '+331' } } }] },
      nickname: { NULL: true },
      settings: {
        M: {
          theme: { S: 'dark' },
          sizes: { L: [{ N: '1' }, { N: '2.5' }, { N: '-3' }] },
          nested: { M: { deep: { BOOL: true }, none: { NULL: true } } },
        },
      },
      balance: { N: '12345678901234567890123456789012345678' },
      expiresAt: { N: '1893456000' },
      seenAt: { N: String(Date.parse('2026-05-05T05:05:05.555Z')) },
    });
  });

  it('gives every write a fresh write id', () => {
    const user = users.build({ username: 'x', email: 'x@example.com' });
    expect(users.toItem(user, identity)._writeId).not.toEqual(users.toItem(user, identity)._writeId);
  });

  it('does not write undefined fields', () => {
    const item = users.toItem(users.build({ username: 'x', email: 'x@example.com' }), identity);
    expect(Object.keys(item).sort()).toEqual(['PK', 'SK', '_type', '_writeId', 'activatedOn', 'admin', 'email', 'tags', 'uid', 'username', 'version'].sort());
  });
});

describe('item -> entity', () => {
  it('round-trips every supported type exactly', () => {
    const original = fullUser();
    const loaded = users.fromItem(users.toItem(original, identity));
    expect(loaded).toBeInstanceOf(User);
    expect(loaded.address).toBeInstanceOf(Address);
    expect(loaded.phones?.[0]).toBeInstanceOf(Phone);
    expect(loaded.activatedOn).toEqual(original.activatedOn);
    expect(loaded.balance).toBe(original.balance);
    expect({ ...loaded }).toEqual({ ...original, uid: identity.uid, version: 3 });
  });

  it('leaves absent attributes undefined instead of running the constructor defaults', () => {
    const loaded = users.fromItem({ PK: { S: 'user#x' }, SK: { S: 'user' }, uid: { S: identity.uid }, version: { N: '1' }, username: { S: 'x' } });
    expect(loaded.activatedOn).toBeUndefined();
    expect(loaded.username).toBe('x');
    expect(typeof loaded.save).toBe('function');
  });

  it('round-trips edge values: empty strings, unicode, -0, tiny and huge numbers, empty lists and maps', () => {
    const entity = users.build({
      username: '😀#é',
      email: 'a@b.co',
      nickname: '',
      age: -0,
      tags: [],
      settings: { tiny: 1e-129, huge: 9.99e125, empty: {}, list: [], text: 'ünïcødé' },
    });
    const loaded = users.fromItem(users.toItem(entity, identity));
    expect(loaded.username).toBe('😀#é');
    expect(loaded.nickname).toBe('');
    expect(loaded.age).toBe(0);
    expect(loaded.tags).toEqual([]);
    expect(loaded.settings).toEqual({ tiny: 1e-129, huge: 9.99e125, empty: {}, list: [], text: 'ünïcødé' });
  });
});

describe('plain input -> entity', () => {
  it('builds class instances, applies constructor defaults and converts ISO dates', () => {
    const user = users.build({ username: 'x', email: 'x@example.com', activatedOn: '2026-01-01T00:00:00.000Z' as never, address: { city: 'Oslo' } as Address });
    expect(user).toBeInstanceOf(User);
    expect(user.address).toBeInstanceOf(Address);
    expect(user.activatedOn).toEqual(new Date('2026-01-01T00:00:00.000Z'));
    expect(user.admin).toBe(false);
    expect(user.tags).toEqual([]);
  });

  it('rejects unknown properties, nested ones included, and a managed version', () => {
    const attempt = () => users.build({ username: 'x', email: 'x@example.com', emial: 'typo', address: { city: 'a', country: 'b' }, version: 7 } as never);
    expect(attempt).toThrow(EntityValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as EntityValidationError).violations.map((v) => v.property).sort()).toEqual(['address.country', 'emial', 'version']);
    }
  });

  it('rejects a malformed uid and non-object input', () => {
    expect(() => users.build({ username: 'x', uid: 'abc' })).toThrow(/uid must be a lower-case UUID/);
    expect(() => users.build(null as never)).toThrow(EntityValidationError);
    expect(() => users.build('john' as never)).toThrow(EntityValidationError);
  });

  it('rejects an unparseable date', () => {
    expect(() => users.build({ username: 'x', activatedOn: 'yesterday' as never })).toThrow(/activatedOn must be a Date/);
  });
});

describe('values DynamoDB cannot store are rejected before any request', () => {
  function violationsOf(patch: Record<string, unknown>): string[] {
    const user = Object.assign(users.build({ username: 'x', email: 'x@example.com' }), patch);
    try {
      users.toItem(user, identity);
    } catch (error) {
      expect(error).toBeInstanceOf(EntityValidationError);
      return (error as EntityValidationError).violations.map((v) => `${v.property}:${Object.keys(v.constraints)[0]}`);
    }
    return [];
  }

  it.each([
    ['NaN', { age: NaN }, ['age:isFinite']],
    ['Infinity', { age: Infinity }, ['age:isFinite']],
    ['-Infinity in a free-form map', { settings: { x: -Infinity } }, ['settings.x:isFinite']],
    ['1e126', { settings: { x: 1e126 } }, ['settings.x:numberRange']],
    ['1e-131', { settings: { x: 1e-131 } }, ['settings.x:numberRange']],
    ['a function', { settings: { f: () => 1 } }, ['settings.f:storable']],
    ['a symbol', { settings: { s: Symbol('s') } }, ['settings.s:storable']],
    ['a 39-digit bigint', { balance: 123456789012345678901234567890123456789n }, ['balance:numberPrecision']],
    ['a Map', { settings: { m: new Map() } }, ['settings.m:storable']],
    ['undefined inside an array', { tags: ['a', undefined] }, ['tags.1:storable']],
    ['an invalid Date', { activatedOn: new Date('nope') }, ['activatedOn:isDate']],
    ['a number in a string field', { email: 5 }, ['email:type']],
    ['a string in a number field', { age: '5' }, ['age:type']],
    ['a string in a nested class field', { address: 'Paris' }, ['address:type']],
  ])('%s', (_, patch, expected) => {
    expect(violationsOf(patch)).toEqual(expected);
  });

  it('accepts the largest exact bigint DynamoDB holds (38 digits) and trailing zeros beyond', () => {
    expect(violationsOf({ balance: 10n ** 125n })).toEqual([]);
    expect(violationsOf({ balance: 10n ** 126n })).toEqual(['balance:numberPrecision']);
  });

  it('rejects a missing, empty or too long str id', () => {
    expect(() => users.toItem(users.build({ email: 'x@example.com' }), identity)).toThrow(/username is required/);
    expect(() => users.toItem(users.build({ username: '' }), identity)).toThrow(/must not be empty/);
    expect(() => users.toItem(users.build({ username: 'x'.repeat(2044) }), identity)).toThrow(/at most 2043 bytes/);
  });
});

describe('item size', () => {
  it("follows DynamoDB's sizing rules", () => {
    expect(itemSize({ a: { S: 'abc' } })).toBe(1 + 3);
    expect(itemSize({ é: { S: 'é' } })).toBe(2 + 2);
    expect(itemSize({ n: { N: '12345' } })).toBe(1 + 4);
    expect(itemSize({ n: { N: '-0.00100' } })).toBe(1 + 2);
    expect(itemSize({ b: { BOOL: true }, z: { NULL: true } })).toBe(2 + 2);
    expect(itemSize({ l: { L: [{ S: 'ab' }, { N: '1' }] } })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(itemSize({ m: { M: { k: { S: 'v' } } } })).toBe(1 + 3 + (1 + 1 + 1));
  });

  it('refuses an item over 400 KB before sending, and accepts one just under', () => {
    const base = itemSize(users.toItem(users.build({ username: 'big', email: 'b@example.com', nickname: '' }), identity));
    const fits = users.build({ username: 'big', email: 'b@example.com', nickname: 'x'.repeat(409_600 - base) });
    expect(itemSize(users.toItem(fits, identity))).toBe(409_600);
    const tooBig = users.build({ username: 'big', email: 'b@example.com', nickname: 'x'.repeat(409_601 - base) });
    expect(() => users.toItem(tooBig, identity)).toThrow(ItemTooLargeError);
    expect(() => users.toItem(tooBig, identity)).toThrow(/409601 bytes; DynamoDB items are limited to 409600 bytes/);
  });
});

describe('validation', () => {
  it('runs class-validator constraints, nested ones included', async () => {
    const user = users.build({ username: 'x', email: 'not-an-email', age: -1, address: { city: '' } as Address });
    await expect(users.validate(user)).rejects.toThrow(EntityValidationError);
    const error = await users.validate(user).catch((e: EntityValidationError) => e);
    expect((error as EntityValidationError).violations.map((v) => v.property).sort()).toEqual(['address.city', 'age', 'email']);
    expect((error as EntityValidationError).message).toMatch(/^User is invalid: .*email must be an email/);
  });

  it('accepts a class with no constraints at all (forbidUnknownValues trap)', async () => {
    const groups = EntityMapper.of(Group);
    await expect(groups.validate(groups.build({ name: 'admins' }))).resolves.toBeUndefined();
  });

  it('reports an entity whose constructor needs arguments as a metadata problem', () => {
    @Table('needs-args')
    class NeedsArgs {
      @StrId() id!: string;
      constructor(required: string) {
        if (required === undefined) throw new Error('required is missing');
      }
    }
    const mapper = EntityMapper.of(NeedsArgs);
    expect(() => mapper.build({ id: 'x' })).toThrow(MetadataError);
    expect(() => mapper.build({ id: 'x' })).toThrow(/NeedsArgs could not be constructed without arguments/);
    expect(mapper.build(new NeedsArgs('ok'))).toBeInstanceOf(NeedsArgs);
  });
});

describe('class-transformer decorators on fields', () => {
  it('@Type(() => Date) with a toPlainOnly @Transform still stores an ISO string and reads a Date', () => {
    @Table('ct-date')
    class Event {
      @StrId() id!: string;
      @Field() @Type(() => Date) @Transform(({ value }) => (value as Date).toISOString(), { toPlainOnly: true }) at!: Date;
    }
    const events = EntityMapper.of(Event);
    const at = new Date('2026-03-04T05:06:07.089Z');
    const item = events.toItem(events.build({ id: 'e', at }), identity);
    expect(item.at).toEqual({ S: '2026-03-04T05:06:07.089Z' });
    expect(events.fromItem(item).at).toEqual(at);
  });
});

describe('free-form numbers as engines return them', () => {
  it.each([
    ['42', 42],
    ['-0.5', -0.5],
    ['9007199254740994', 9007199254740994],
    ['999' + '0'.repeat(123), 9.99e125],
    ['1' + '0'.repeat(20), 1e20],
    ['12345678901234567890123456789012345678', 12345678901234567890123456789012345678n],
    ['0.30000000000000004', 0.30000000000000004],
  ])('%s', (text, expected) => {
    expect(users.fromItem({ uid: { S: identity.uid }, version: { N: '1' }, settings: { M: { n: { N: text } } } }).settings?.n).toBe(expected);
  });
});
