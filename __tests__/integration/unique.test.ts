import {
  EntityAlreadyExistsError,
  EntityNotFoundError,
  UniqueConstraintError,
  UnsupportedByEngineError,
  VersionConflictError,
} from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { allItems, useEntityManager } from '../support/tables';
import { Account } from '../fixtures/entities';

const transactions = (c: { transactions: boolean }) => c.transactions;
const noTransactions = (c: { transactions: boolean }) => !c.transactions;
const NEEDS = 'needs TransactWriteItems';

describeEachEngine('@Unique fields', (engine) => {
  const em = useEntityManager(engine);
  const accounts = () => em().getRepository(Account);
  const guards = async () =>
    (await allItems(em())).filter((item) => String((item.PK as { S: string }).S).startsWith('account.')).map((item) => (item.PK as { S: string }).S).sort();

  testWhen(transactions, NEEDS, 'create claims the value; a second entity with it gets UniqueConstraintError naming field and value', async () => {
    await accounts().create({ handle: 'u-alice', email: 'alice@example.com', badge: 7 });
    const error = await accounts().create({ handle: 'u-alice2', email: 'alice@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueConstraintError);
    expect(error).toMatchObject({ field: 'email', value: 'alice@example.com', code: 'UNIQUE_CONSTRAINT_VIOLATION' });
    await expect(accounts().findByStr('u-alice2')).resolves.toBeUndefined();
    expect(await guards()).toEqual(['account.badge#7', 'account.email#alice@example.com']);
  });

  testWhen(transactions, NEEDS, 'create on a taken str id is still EntityAlreadyExistsError, and claims nothing', async () => {
    await accounts().create({ handle: 'u-bob', email: 'bob@example.com' });
    await expect(accounts().create({ handle: 'u-bob', email: 'bob2@example.com' })).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    await expect(accounts().findByUnique('email', 'bob2@example.com')).resolves.toBeUndefined();
  });

  testWhen(transactions, NEEDS, 'findByUnique / getByUnique look the owner up through its guard', async () => {
    const carol = await accounts().create({ handle: 'u-carol', email: 'carol@example.com', badge: 42 });
    expect((await accounts().getByUnique('email', 'carol@example.com')).uid).toBe(carol.uid);
    expect((await accounts().getByUnique('badge', 42)).handle).toBe('u-carol');
    await expect(accounts().getByUnique('email', 'nobody@example.com')).rejects.toBeInstanceOf(EntityNotFoundError);
  });

  testWhen(transactions, NEEDS, 'changing the value moves the guard atomically; the old value is free again', async () => {
    const dave = await accounts().create({ handle: 'u-dave', email: 'dave@example.com' });
    dave.email = 'david@example.com';
    await accounts().save(dave);
    expect(dave.version).toBe(2);
    await expect(accounts().findByUnique('email', 'dave@example.com')).resolves.toBeUndefined();
    expect((await accounts().getByUnique('email', 'david@example.com')).handle).toBe('u-dave');
    await accounts().create({ handle: 'u-dave2', email: 'dave@example.com' });
  });

  testWhen(transactions, NEEDS, 'moving to a taken value fails and changes nothing', async () => {
    await accounts().create({ handle: 'u-erin', email: 'erin@example.com' });
    const frank = await accounts().create({ handle: 'u-frank', email: 'frank@example.com' });
    frank.email = 'erin@example.com';
    await expect(accounts().save(frank)).rejects.toBeInstanceOf(UniqueConstraintError);
    const stored = await accounts().getByStr('u-frank');
    expect([stored.email, stored.version]).toEqual(['frank@example.com', 1]);
    expect((await accounts().getByUnique('email', 'frank@example.com')).handle).toBe('u-frank');
  });

  testWhen(transactions, NEEDS, 'update() of a unique field moves the guard too', async () => {
    await accounts().create({ handle: 'u-gina', email: 'gina@example.com', badge: 1 });
    const updated = await accounts().update('u-gina', { email: 'gina2@example.com', badge: undefined });
    expect([updated.email, updated.badge, updated.version]).toEqual(['gina2@example.com', undefined, 2]);
    await expect(accounts().findByUnique('email', 'gina@example.com')).resolves.toBeUndefined();
    await expect(accounts().findByUnique('badge', 1)).resolves.toBeUndefined();
    expect((await accounts().getByUnique('email', 'gina2@example.com')).handle).toBe('u-gina');
    await expect(accounts().increment('u-gina', 'badge')).rejects.toThrow(/is @Unique\(\)/);
  });

  testWhen(transactions, NEEDS, 'delete and deleteByStr release the values', async () => {
    const hank = await accounts().create({ handle: 'u-hank', email: 'hank@example.com', badge: 5 });
    await accounts().delete(hank);
    await accounts().create({ handle: 'u-ivan', email: 'ivan@example.com', badge: 6 });
    await expect(accounts().deleteByStr('u-ivan')).resolves.toBe(true);
    await expect(accounts().deleteByStr('u-ivan')).resolves.toBe(false);
    const left = await guards();
    expect(left.filter((pk) => /hank|ivan|#5$|#6$/.test(pk))).toEqual([]);
  });

  testWhen(transactions, NEEDS, 'a stale copy can neither move a guard nor delete it', async () => {
    await accounts().create({ handle: 'u-judy', email: 'judy@example.com' });
    const fresh = await accounts().getByStr('u-judy');
    const stale = await accounts().getByStr('u-judy');
    fresh.balance = 1;
    await accounts().save(fresh);
    stale.email = 'judy2@example.com';
    await expect(accounts().save(stale)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(accounts().delete(stale)).rejects.toBeInstanceOf(VersionConflictError);
    expect((await accounts().getByUnique('email', 'judy@example.com')).version).toBe(2);
  });

  testWhen(transactions, NEEDS, '10 concurrent writers racing for one value: exactly one wins', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => accounts().create({ handle: `u-race-${i}`, email: 'race@example.com' })),
    );
    const winners = outcomes.filter((o) => o.status === 'fulfilled');
    const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers.map((o) => o.reason.constructor.name)).toEqual(Array(9).fill('UniqueConstraintError'));
    expect(await guards()).toContain('account.email#race@example.com');
    const owner = await accounts().getByUnique('email', 'race@example.com');
    expect(owner.uid).toBe((winners[0] as PromiseFulfilledResult<Account>).value.uid);
  });

  testWhen(noTransactions, 'the engine has transactions', 'without transactions, a write fails naming the capability and writes nothing', async () => {
    const before = await allItems(em());
    const error = await accounts().create({ handle: 'u-none', email: 'none@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedByEngineError);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_BY_ENGINE', capability: 'transactions' });
    expect((error as Error).message).toMatch(/needs transactions/);
    expect(await allItems(em())).toEqual(before);
  });
});

describeEachEngine('@Unique fields: partial updates', (engine) => {
  const em = useEntityManager(engine);
  const accounts = () => em().getRepository(Account);

  testWhen((c) => c.transactions, 'needs TransactWriteItems', 'update() of a missing entity is EntityNotFoundError; a taken value is UniqueConstraintError', async () => {
    await expect(accounts().update('pu-none', { email: 'x@example.com' })).rejects.toBeInstanceOf(EntityNotFoundError);
    await accounts().create({ handle: 'pu-a', email: 'a@example.com' });
    await accounts().create({ handle: 'pu-b', email: 'b@example.com' });
    await expect(accounts().update('pu-b', { email: 'a@example.com' })).rejects.toBeInstanceOf(UniqueConstraintError);
    await expect(accounts().update('pu-b', { email: 'c@example.com' }, { expectedVersion: 7 })).rejects.toBeInstanceOf(VersionConflictError);
    expect((await accounts().getByStr('pu-b')).email).toBe('b@example.com');
  });

  testWhen((c) => c.transactions, 'needs TransactWriteItems', 'concurrent unique updates without expectedVersion all land, the last value owns the guard', async () => {
    await accounts().create({ handle: 'pu-race', email: 'r0@example.com' });
    await Promise.all([1, 2, 3].map((i) => accounts().update('pu-race', { email: `r${i}@example.com` })));
    const stored = await accounts().getByStr('pu-race');
    expect(stored.version).toBe(4);
    expect((await accounts().getByUnique('email', stored.email)).handle).toBe('pu-race');
    for (const i of [0, 1, 2, 3]) {
      const owner = await accounts().findByUnique('email', `r${i}@example.com`);
      expect(owner === undefined || `r${i}@example.com` === stored.email).toBe(true);
    }
  });
});
