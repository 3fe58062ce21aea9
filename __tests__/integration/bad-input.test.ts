import {
  EntityValidationError,
  InvalidArgumentError,
  ItemTooLargeError,
  MetadataError,
} from '../../src';
import { describeEachEngine } from '../support/engines';
import { allItems, useEntityManager } from '../support/tables';
import { Group, User } from '../fixtures/entities';

describeEachEngine('bad input: a typed error and nothing written', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);

  const cases: Array<[string, () => Promise<unknown>, new (...args: never[]) => Error]> = [
    ['failing class-validator constraints', () => users().create({ username: 'bad-1', email: 'nope' }), EntityValidationError],
    ['failing nested constraints', () => users().create({ username: 'bad-2', email: 'a@example.com', address: { city: '' } }), EntityValidationError],
    ['a missing str id', () => users().create({ email: 'a@example.com' }), EntityValidationError],
    ['an empty str id', () => users().getOrCreate({ username: '', email: 'a@example.com' }), EntityValidationError],
    ['a str id over the key limit', () => users().create({ username: 'x'.repeat(2044), email: 'a@example.com' }), EntityValidationError],
    ['NaN', () => users().create({ username: 'bad-3', email: 'a@example.com', settings: { n: NaN } }), EntityValidationError],
    ['Infinity', () => users().getOrCreate({ username: 'bad-4', email: 'a@example.com', settings: { n: Infinity } }), EntityValidationError],
    ['a function', () => users().create({ username: 'bad-5', email: 'a@example.com', settings: { f: () => 1 } }), EntityValidationError],
    ['a symbol', () => users().create({ username: 'bad-6', email: 'a@example.com', settings: { s: Symbol('s') } }), EntityValidationError],
    ['a number beyond 38 digits', () => users().create({ username: 'bad-7', email: 'a@example.com', balance: 10n ** 40n + 1n }), EntityValidationError],
    ['an unknown property', () => users().create({ username: 'bad-8', email: 'a@example.com', colour: 'red' } as never), EntityValidationError],
    ['an item over 400 KB', () => users().create({ username: 'bad-9', email: 'a@example.com', nickname: 'x'.repeat(409_600) }), ItemTooLargeError],
    ['a malformed uid', () => users().getOrCreate({ username: 'bad-10', email: 'a@example.com', uid: 'not-a-uuid' }), EntityValidationError],
    ['a malformed cursor', async () => users().query({ cursor: 'bogus' }), InvalidArgumentError],
  ];

  it.each(cases)('%s', async (_, act, errorClass) => {
    const before = await allItems(em());
    await expect(act()).rejects.toBeInstanceOf(errorClass);
    expect(await allItems(em())).toEqual(before);
  });

  it('an invalid save of a loaded entity leaves the stored version untouched', async () => {
    const user = await users().create({ username: 'bad-save', email: 'ok@example.com' });
    user.email = 'broken';
    await expect(users().save(user)).rejects.toBeInstanceOf(EntityValidationError);
    expect(user.version).toBe(1);
    const stored = await users().getByStr('bad-save');
    expect([stored.email, stored.version]).toEqual(['ok@example.com', 1]);
  });

  it('a class that was never decorated', () => {
    class NotAnEntity {
      name!: string;
    }
    expect(() => em().getRepository(NotAnEntity)).toThrow(MetadataError);
    expect(() => em().getRepository(NotAnEntity)).toThrow(/NotAnEntity is not an entity: decorate it with @Table/);
  });

  it('EntityValidationError lists each property with its messages', async () => {
    const error = await em().getRepository(User).create({ username: 'bad-list', email: 'nope', age: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntityValidationError);
    expect((error as EntityValidationError).violations).toEqual([
      { property: 'email', constraints: { isEmail: 'email must be an email' } },
      { property: 'age', constraints: { min: 'age must not be less than 0' } },
    ]);
    expect(em().getRepository(Group)).toBeDefined();
  });
});
