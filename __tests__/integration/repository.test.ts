import { EntityAlreadyExistsError, EntityNotFoundError } from '../../src';
import { describeEachEngine } from '../support/engines';
import { allItems, useEntityManager } from '../support/tables';
import { Group, User } from '../fixtures/entities';

describeEachEngine('Repository', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);
  const groups = () => em().getRepository(Group);

  it('create writes a new entity with a uid and version 1, and getByStr reads it back', async () => {
    const created = await users().create({ username: 'create-1', email: 'c1@example.com', age: 30 });
    expect(created).toBeInstanceOf(User);
    expect(created.version).toBe(1);
    expect(created.uid).toMatch(/^[0-9a-f-]{36}$/);
    const loaded = await users().getByStr('create-1');
    expect({ ...loaded }).toEqual({ ...created });
  });

  it('create accepts an instance and fills in its identity', async () => {
    const group = Object.assign(new Group(), { name: 'create-instance', title: 'T' });
    const returned = await groups().create(group);
    expect(returned).toBe(group);
    expect(group.version).toBe(1);
    expect((await groups().getByStr('create-instance')).uid).toBe(group.uid);
  });

  it('create on a taken str id fails with EntityAlreadyExistsError and leaves the stored entity alone', async () => {
    const first = await users().create({ username: 'taken', email: 'first@example.com' });
    await expect(users().create({ username: 'taken', email: 'second@example.com' })).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    const stored = await users().getByStr('taken');
    expect([stored.email, stored.uid, stored.version]).toEqual(['first@example.com', first.uid, 1]);
  });

  it('getOrCreate creates once, then returns the stored entity untouched', async () => {
    const [created, wasCreated] = await users().getOrCreate({ username: 'goc', email: 'goc@example.com' });
    const [again, createdAgain] = await users().getOrCreate({ username: 'goc', email: 'other@example.com' });
    expect([wasCreated, createdAgain]).toEqual([true, false]);
    expect(again.uid).toBe(created.uid);
    expect(again.email).toBe('goc@example.com');
  });

  it('getOrCreate with the uid of an existing entity returns that entity', async () => {
    const existing = await users().create({ username: 'by-uid-owner', email: 'o@example.com' });
    const [found, created] = await users().getOrCreate({ uid: existing.uid, username: 'by-uid-owner', email: 'x@example.com' });
    expect(created).toBe(false);
    expect(found.uid).toBe(existing.uid);
  });

  it('getOrCreate with a new uid creates the entity under that uid', async () => {
    const uid = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
    const [entity, created] = await users().getOrCreate({ uid, username: 'chosen-uid', email: 'c@example.com' });
    expect([created, entity.uid]).toEqual([true, uid]);
    expect((await users().getByUid(uid)).username).toBe('chosen-uid');
  });

  it('findByStr gives undefined and getByStr EntityNotFoundError for a missing id', async () => {
    await expect(users().findByStr('nobody')).resolves.toBeUndefined();
    const error = await users().getByStr('nobody').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntityNotFoundError);
    expect((error as Error).message).toBe('User with username "nobody" does not exist.');
  });

  it('getByUid and findByUid look entities up by uid', async () => {
    const user = await users().create({ username: 'uid-lookup', email: 'u@example.com' });
    expect((await users().getByUid(user.uid)).username).toBe('uid-lookup');
    await expect(users().findByUid('01a212e1-f9cb-7000-8e3e-000000000000')).resolves.toBeUndefined();
    await expect(users().getByUid('01a212e1-f9cb-7000-8e3e-000000000000')).rejects.toBeInstanceOf(EntityNotFoundError);
  });

  it('getByUid does not cross types', async () => {
    const group = await groups().create({ name: 'uid-type' });
    await expect(users().findByUid(group.uid as string)).resolves.toBeUndefined();
  });

  it('save updates a loaded entity, bumps its version and removes fields set to undefined', async () => {
    await users().create({ username: 'save-1', email: 's@example.com', age: 20, nickname: 'sy' });
    const user = await users().getByStr('save-1');
    user.age = 21;
    user.nickname = undefined;
    const returned = await users().save(user);
    expect(returned).toBe(user);
    expect(user.version).toBe(2);
    const stored = await users().getByStr('save-1');
    expect([stored.age, stored.nickname, stored.version, stored.uid]).toEqual([21, undefined, 2, user.uid]);
    await users().save(user);
    expect((await users().getByStr('save-1')).version).toBe(3);
  });

  it('save creates an entity that was never stored', async () => {
    const group = Object.assign(new Group(), { name: 'save-new' });
    await groups().save(group);
    expect(group.version).toBe(1);
    expect((await groups().getByStr('save-new')).uid).toBe(group.uid);
  });

  it('reload refreshes an instance in place', async () => {
    const user = await users().create({ username: 'reload', email: 'r@example.com', age: 1 });
    const other = await users().getByStr('reload');
    other.age = 2;
    other.nickname = 'n';
    await users().save(other);
    await users().reload(user);
    expect([user.age, user.nickname, user.version]).toEqual([2, 'n', 2]);
  });

  it('delete removes a loaded entity; deleteByStr reports whether it deleted', async () => {
    const user = await users().create({ username: 'delete-1', email: 'd@example.com' });
    await users().delete(user);
    await expect(users().findByStr('delete-1')).resolves.toBeUndefined();
    await users().create({ username: 'delete-2', email: 'd@example.com' });
    await expect(users().deleteByStr('delete-2')).resolves.toBe(true);
    await expect(users().deleteByStr('delete-2')).resolves.toBe(false);
  });

  it('a str id that could collide with another key stays its own item', async () => {
    const tricky = ['a#b', 'a', 'group#x', '#', '😀#é', 'x'.repeat(2043)];
    for (const username of tricky) await users().create({ username, email: 'k@example.com' });
    await groups().create({ name: 'x' });
    for (const username of tricky) expect((await users().getByStr(username)).username).toBe(username);
    await expect(groups().findByStr('x')).resolves.toMatchObject({ name: 'x' });
    const stored = (await allItems(em())).filter((item) => tricky.some((id) => JSON.stringify(item).includes(JSON.stringify(id))));
    expect(stored.length).toBeGreaterThanOrEqual(tricky.length);
  });
});
