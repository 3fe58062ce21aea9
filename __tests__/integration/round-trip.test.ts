import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';
import { Address, Phone, User } from '../fixtures/entities';

describeEachEngine('field types round-trip through the engine', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);

  it('every supported type comes back exactly, as class instances', async () => {
    const input = {
      username: 'types-all',
      email: 'all@example.com',
      activatedOn: new Date('2026-01-02T03:04:05.678Z'),
      age: 42,
      admin: true,
      tags: ['a', 'b', ''],
      address: Object.assign(new Address(), { city: 'Paris', zip: '75001' }),
      phones: [Object.assign(new Phone(), { kind: 'home', number: '+331' })],
      nickname: null,
      settings: { theme: 'dark', sizes: [1, 2.5, -3, 0], nested: { deep: true, none: null, text: 'ünï😀' }, big: 2 ** 53 + 2 },
      balance: 12345678901234567890123456789012345678n,
      expiresAt: new Date('2030-01-01T00:00:00.000Z'),
      seenAt: new Date('2026-05-05T05:05:05.555Z'),
    };
    const created = await users().create(input);
    const loaded = await users().getByStr('types-all');
    expect(loaded).toBeInstanceOf(User);
    expect(loaded.address).toBeInstanceOf(Address);
    expect(loaded.phones?.[0]).toBeInstanceOf(Phone);
    expect(loaded.activatedOn).toBeInstanceOf(Date);
    expect({ ...loaded }).toEqual({ ...created });
    expect(loaded.balance).toBe(input.balance);
    expect(loaded.nickname).toBeNull();
  });

  it('optional fields left undefined stay undefined; null stays null', async () => {
    await users().create({ username: 'types-sparse', email: 's@example.com', nickname: null });
    const loaded = await users().getByStr('types-sparse');
    expect(loaded.age).toBeUndefined();
    expect(loaded.address).toBeUndefined();
    expect(loaded.nickname).toBeNull();
    expect(Object.prototype.hasOwnProperty.call(loaded, 'age')).toBe(false);
  });

  it('numbers at the edges DynamoDB allows', async () => {
    const settings = { max: Number.MAX_SAFE_INTEGER, min: Number.MIN_SAFE_INTEGER, tiny: 1e-129, huge: 9.99e125, frac: 0.1 + 0.2 };
    await users().create({ username: 'types-numbers', email: 'n@example.com', settings });
    expect((await users().getByStr('types-numbers')).settings).toEqual(settings);
  });

  it('an item just under 400 KB is stored and read back', async () => {
    const nickname = 'x'.repeat(400_000);
    await users().create({ username: 'types-large', email: 'l@example.com', nickname });
    expect((await users().getByStr('types-large')).nickname).toHaveLength(400_000);
  });
});
