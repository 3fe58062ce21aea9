import { EntityManager } from '../../src';
import type { Repository } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { faultyClient } from '../support/faults';
import type { FaultInjector } from '../support/faults';
import { useEntityManager } from '../support/tables';
import { Account, User } from '../fixtures/entities';

/**
 * The answer to a write is lost after the engine applied it (ECONNRESET); the SDK retries the same
 * request. A conditional write then fails its condition against its own first attempt. Each
 * operation must report success, and nothing may be applied twice.
 */
describeEachEngine('writes whose answer was lost after they were applied', (engine) => {
  const em = useEntityManager(engine);
  let users: Repository<User>;
  let faults: FaultInjector;
  let client: { destroy(): void } | undefined;
  beforeAll(() => {
    const faulty = faultyClient(engine(), { maxAttempts: 3 });
    client = faulty.client;
    faults = faulty.faults;
    users = new EntityManager({ client: faulty.client, tableName: em().tableName }).getRepository(User);
  });
  afterAll(() => client?.destroy());
  const dropNext = (operation: string) => faults.inject({ operation, fault: { kind: 'dropAfterApply' }, times: 1 });
  const clean = () => em().getRepository(User);

  it('create reports success, not EntityAlreadyExistsError', async () => {
    dropNext('PutItem');
    const user = await users.create({ username: 'drop-create', email: 'a@example.com' });
    expect(faults.count('PutItem')).toBeGreaterThanOrEqual(2);
    const stored = await clean().getByStr('drop-create');
    expect([stored.uid, stored.version, user.version]).toEqual([user.uid, 1, 1]);
  });

  it('getOrCreate of a new id reports created === true', async () => {
    dropNext('PutItem');
    const [user, created] = await users.getOrCreate({ username: 'drop-goc', email: 'a@example.com' });
    expect(created).toBe(true);
    expect((await clean().getByStr('drop-goc')).uid).toBe(user.uid);
  });

  it('save reports success, not VersionConflictError, and the version moves by one', async () => {
    const user = await clean().create({ username: 'drop-save', email: 'a@example.com', age: 1 });
    user.age = 2;
    dropNext('PutItem');
    await users.save(user);
    const stored = await clean().getByStr('drop-save');
    expect([stored.age, stored.version, user.version]).toEqual([2, 2, 2]);
  });

  it('delete reports success', async () => {
    const user = await clean().create({ username: 'drop-delete', email: 'a@example.com' });
    dropNext('DeleteItem');
    await users.delete(user);
    await expect(clean().findByStr('drop-delete')).resolves.toBeUndefined();
  });

  it('update and increment are applied once, not twice', async () => {
    await clean().create({ username: 'drop-counter', email: 'a@example.com', age: 10 });
    dropNext('UpdateItem');
    const incremented = await users.increment('drop-counter', 'age', 5);
    dropNext('UpdateItem');
    const updated = await users.update('drop-counter', { nickname: 'n' });
    const stored = await clean().getByStr('drop-counter');
    expect([incremented.age, incremented.version]).toEqual([15, 2]);
    expect([updated.nickname, updated.version]).toEqual(['n', 3]);
    expect([stored.age, stored.version]).toEqual([15, 3]);
  });

  testWhen((c) => c.transactions, 'needs TransactWriteItems', 'a transaction is applied once', async () => {
    const accounts = new EntityManager({ client: client as never, tableName: em().tableName }).getRepository(Account);
    dropNext('TransactWriteItems');
    const account = await accounts.create({ handle: 'drop-tx', email: 'drop-tx@example.com' });
    expect((await em().getRepository(Account).getByUnique('email', 'drop-tx@example.com')).uid).toBe(account.uid);
  });
});
