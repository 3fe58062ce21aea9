import type { EntityManager } from '../../src';
import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';
import { Group, User } from '../fixtures/entities';

async function seed(em: EntityManager, count: number): Promise<string[]> {
  const users = em.getRepository(User);
  const names: string[] = [];
  // Sequential: creation order is uid order, which is what query() lists by.
  for (let i = 0; i < count; i += 1) {
    const name = `list-${String(i).padStart(3, '0')}`;
    await users.create({ username: name, email: `${name}@example.com` });
    names.push(name);
  }
  await em.getRepository(Group).create({ name: 'not-a-user' });
  return names;
}

describeEachEngine('listing and counting', (engine) => {
  const em = useEntityManager(engine);
  let names: string[] = [];
  beforeAll(async () => {
    names = await seed(em(), 23);
  });
  const users = () => em().getRepository(User);

  it('count counts only this type', async () => {
    await expect(users().count()).resolves.toBe(23);
    await expect(em().getRepository(Group).count()).resolves.toBe(1);
  });

  it('query lists every entity of the type in creation order', async () => {
    const listed = await users().query().toArray();
    expect(listed.map((u) => u.username)).toEqual(names);
    expect(listed.every((u) => u instanceof User)).toBe(true);
  });

  it('query in descending order', async () => {
    const listed = await users().query({ order: 'desc' }).toArray();
    expect(listed.map((u) => u.username)).toEqual([...names].reverse());
  });

  it('limit and cursor page through without gaps or repeats, and the last page has no cursor', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await users().query({ limit: 5, cursor }).page();
      expect(page.items.length).toBeLessThanOrEqual(5);
      seen.push(...page.items.map((u) => u.username));
      cursor = page.cursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(names);
    expect(pages).toBe(5);
  });

  it('a limit equal to the number of entities gives no cursor', async () => {
    const page = await users().query({ limit: 23 }).page();
    expect(page.items).toHaveLength(23);
    expect(page.cursor).toBeUndefined();
  });

  it('descending pages resume in descending order', async () => {
    const first = await users().query({ order: 'desc', limit: 3 }).page();
    const second = await users().query({ order: 'desc', limit: 3, cursor: first.cursor }).page();
    expect([...first.items, ...second.items].map((u) => u.username)).toEqual([...names].reverse().slice(0, 6));
  });

  it('breaking out of a for-await loop leaves a cursor to resume from', async () => {
    const iterable = users().query();
    const taken: string[] = [];
    for await (const user of iterable) {
      taken.push(user.username);
      if (taken.length === 4) break;
    }
    expect(taken).toEqual(names.slice(0, 4));
    const rest = await users().query({ cursor: iterable.cursor }).toArray();
    expect(rest.map((u) => u.username)).toEqual(names.slice(4));
  });

  it('scan finds the same entities (the expensive path), with limit and cursor', async () => {
    const all = await users().scan({ allowScan: true }).toArray();
    expect(all.map((u) => u.username).sort()).toEqual(names);
    const first = await users().scan({ allowScan: true, limit: 10 }).page();
    const rest = await users().scan({ allowScan: true, cursor: first.cursor }).toArray();
    expect(first.items).toHaveLength(10);
    expect([...first.items, ...rest].map((u) => u.username).sort()).toEqual(names);
  });
});
