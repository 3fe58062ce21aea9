import { EntityNotFoundError, EntityValidationError, VersionConflictError } from '../../src';
import { describeEachEngine } from '../support/engines';
import { allItems, useEntityManager } from '../support/tables';
import { User } from '../fixtures/entities';

describeEachEngine('partial updates and counters', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);

  it('update changes only the patched fields, bumps the version and returns the entity', async () => {
    const created = await users().create({ username: 'pu-1', email: 'a@example.com', age: 1, nickname: 'nick', tags: ['x'] });
    const updated = await users().update('pu-1', { age: 2, nickname: undefined, address: { city: 'Rome' } });
    expect(updated).toBeInstanceOf(User);
    expect([updated.age, updated.nickname, updated.address?.city, updated.version]).toEqual([2, undefined, 'Rome', 2]);
    const stored = await users().getByStr('pu-1');
    expect({ ...stored }).toEqual({ ...updated });
    expect([stored.email, stored.tags, stored.uid]).toEqual(['a@example.com', ['x'], created.uid]);
  });

  it('expectedVersion guards the update; a mismatch writes nothing', async () => {
    await users().create({ username: 'pu-2', email: 'a@example.com', age: 1 });
    await users().update('pu-2', { age: 2 }, { expectedVersion: 1 });
    const error = await users().update('pu-2', { age: 3 }, { expectedVersion: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    const stored = await users().getByStr('pu-2');
    expect([stored.age, stored.version]).toEqual([2, 2]);
  });

  it('updating a missing entity is EntityNotFoundError and creates nothing', async () => {
    const before = await allItems(em());
    await expect(users().update('pu-missing', { age: 1 })).rejects.toBeInstanceOf(EntityNotFoundError);
    await expect(users().increment('pu-missing', 'age')).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(await allItems(em())).toEqual(before);
  });

  it('an invalid patch writes nothing', async () => {
    await users().create({ username: 'pu-3', email: 'a@example.com' });
    await expect(users().update('pu-3', { email: 'broken' })).rejects.toBeInstanceOf(EntityValidationError);
    expect((await users().getByStr('pu-3')).email).toBe('a@example.com');
  });

  it('20 concurrent increments all land: the counter and the version move by 20', async () => {
    await users().create({ username: 'pu-counter', email: 'a@example.com' });
    await Promise.all(Array.from({ length: 20 }, () => users().increment('pu-counter', 'age')));
    const stored = await users().getByStr('pu-counter');
    expect([stored.age, stored.version]).toEqual([20, 21]);
    const after = await users().increment('pu-counter', 'age', -5);
    expect(after.age).toBe(15);
  });

  it('increment works on bigint fields', async () => {
    await users().create({ username: 'pu-big', email: 'a@example.com', balance: 10n ** 30n });
    const updated = await users().increment('pu-big', 'balance', 1n);
    expect(updated.balance).toBe(10n ** 30n + 1n);
  });

  it('a loaded copy is stale after update(): saving it is a VersionConflictError', async () => {
    await users().create({ username: 'pu-stale', email: 'a@example.com' });
    const copy = await users().getByStr('pu-stale');
    await users().update('pu-stale', { age: 9 });
    copy.age = 1;
    await expect(users().save(copy)).rejects.toBeInstanceOf(VersionConflictError);
  });
});
