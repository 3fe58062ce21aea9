import { EntityAlreadyExistsError, VersionConflictError } from '../../src';
import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';
import { User } from '../fixtures/entities';

describeEachEngine('concurrency', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);

  it('20 concurrent getOrCreate calls for one id: exactly one creator, one uid for all', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => users().getOrCreate({ username: 'race-goc', email: `caller${i}@example.com` })),
    );
    expect(results.filter(([, created]) => created)).toHaveLength(1);
    const [winner] = results.find(([, created]) => created) ?? [];
    expect(new Set(results.map(([user]) => user.uid))).toEqual(new Set([winner?.uid]));
    expect(new Set(results.map(([user]) => user.email))).toEqual(new Set([winner?.email]));
    await expect(users().count()).resolves.toBe(1);
  });

  it('10 concurrent creates of one id: one succeeds, nine get EntityAlreadyExistsError', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => users().create({ username: 'race-create', email: `c${i}@example.com` })),
    );
    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected.every((o) => o.reason instanceof EntityAlreadyExistsError)).toBe(true);
    const stored = await users().getByStr('race-create');
    expect(stored.uid).toBe((fulfilled[0] as PromiseFulfilledResult<User>).value.uid);
  });

  it('two saves of the same loaded version: one wins, the other gets VersionConflictError, the stored item is the winner', async () => {
    await users().create({ username: 'race-save', email: 'start@example.com', age: 1 });
    const [a, b] = await Promise.all([users().getByStr('race-save'), users().getByStr('race-save')]);
    a.email = 'a@example.com';
    a.age = 10;
    b.email = 'b@example.com';
    b.age = 20;
    const outcomes = await Promise.allSettled([users().save(a), users().save(b)]);
    const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [[a, b][i] as User] : []));
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(losers[0]?.reason).toBeInstanceOf(VersionConflictError);
    expect(losers[0]?.reason).toMatchObject({ expectedVersion: 1 });
    const stored = await users().getByStr('race-save');
    const winner = winners[0] as User;
    expect([stored.email, stored.age, stored.version]).toEqual([winner.email, winner.age, 2]);
  });

  it('a stale copy cannot be saved or deleted after another save', async () => {
    await users().create({ username: 'stale', email: 's@example.com' });
    const fresh = await users().getByStr('stale');
    const stale = await users().getByStr('stale');
    fresh.age = 5;
    await users().save(fresh);
    stale.age = 99;
    await expect(users().save(stale)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(users().delete(stale)).rejects.toBeInstanceOf(VersionConflictError);
    const stored = await users().getByStr('stale');
    expect([stored.age, stored.version]).toEqual([5, 2]);
  });

  it('a copy of a deleted and re-created entity cannot overwrite the new one (uid guard)', async () => {
    const original = await users().create({ username: 'reborn', email: 'old@example.com' });
    await users().deleteByStr('reborn');
    const reborn = await users().create({ username: 'reborn', email: 'new@example.com' });
    expect(reborn.version).toBe(original.version);
    original.email = 'overwrite@example.com';
    await expect(users().save(original)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await users().getByStr('reborn')).email).toBe('new@example.com');
  });

  it('32 concurrent saves from one loaded version: exactly one lands', async () => {
    await users().create({ username: 'race-32', email: 'r@example.com', age: 0 });
    const copies = await Promise.all(Array.from({ length: 32 }, () => users().getByStr('race-32')));
    copies.forEach((copy, i) => {
      copy.age = i + 1;
    });
    const outcomes = await Promise.allSettled(copies.map((copy) => users().save(copy)));
    const landed = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i + 1] : []));
    expect(landed).toHaveLength(1);
    const stored = await users().getByStr('race-32');
    expect([stored.age, stored.version]).toEqual([landed[0], 2]);
  });
});
