import {
  EntityAlreadyExistsError,
  TransactionCanceledError,
  TransactionTooLargeError,
  UniqueConstraintError,
  UnsupportedByEngineError,
  VersionConflictError,
  InvalidArgumentError,
  EntityValidationError,
} from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { allItems, useEntityManager } from '../support/tables';
import { Account, Group, User } from '../fixtures/entities';

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';

describeEachEngine('transactions', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);
  const groups = () => em().getRepository(Group);
  beforeAll(() => Account.useEntityManager(em()));

  testWhen(transactions, NEEDS, 'writes over several types commit together; instances get their identity after the commit', async () => {
    const existing = await users().create({ username: 'tx-old', email: 'old@example.com' });
    const doomed = await users().create({ username: 'tx-doomed', email: 'd@example.com' });
    await users().create({ username: 'tx-counter', email: 'c@example.com', age: 1 });
    let created: User | undefined;
    const result = await em().transaction((tx) => {
      created = tx.create(User, { username: 'tx-new', email: 'new@example.com' });
      expect(created.version).toBeUndefined();
      tx.create(Group, { name: 'tx-group', members: ['tx-new', 'tx-old'] });
      existing.age = 40;
      tx.save(existing);
      tx.update(User, 'tx-counter', { age: 2 }, { expectedVersion: 1 });
      tx.delete(doomed);
      return 'done';
    });
    expect(result).toBe('done');
    expect([created?.version, existing.version]).toEqual([1, 2]);
    expect((await users().getByStr('tx-new')).uid).toBe(created?.uid);
    expect((await groups().getByStr('tx-group')).members).toEqual(['tx-new', 'tx-old']);
    expect((await users().getByStr('tx-old')).age).toBe(40);
    expect((await users().getByStr('tx-counter')).age).toBe(2);
    await expect(users().findByStr('tx-doomed')).resolves.toBeUndefined();
  });

  testWhen(transactions, NEEDS, 'tx.create takes an instance alone, as repository.create does', async () => {
    const built = users().build({ username: 'tx-instance', email: 'instance@example.com' });
    const returned = await em().transaction((tx) => tx.create(built));
    expect(returned).toBe(built);
    expect(built.version).toBe(1);
    await expect(users().getByStr('tx-instance')).resolves.toMatchObject({ email: 'instance@example.com', uid: built.uid });
    const taken = await em()
      .transaction((tx) => {
        tx.create(users().build({ username: 'tx-instance', email: 'other@example.com' }));
      })
      .catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(TransactionCanceledError);
    await expect(users().getByStr('tx-instance')).resolves.toMatchObject({ email: 'instance@example.com' });
  });

  it('an item touched twice in one transaction is refused before sending', async () => {
    const before = await allItems(em());
    const error = await em()
      .transaction((tx) => {
        tx.create(Group, { name: 'tx-twice' });
        tx.update(Group, 'tx-twice', { title: 'x' });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/Group "tx-twice" appears twice \(create and update\)/);
    expect(await allItems(em())).toEqual(before);
  });

  testWhen(transactions, NEEDS, 'one failed condition cancels everything, with reasons mapped per item', async () => {
    await users().create({ username: 'tx-a', email: 'a@example.com' });
    const b = await users().create({ username: 'tx-b', email: 'b@example.com' });
    const stale = await users().getByStr('tx-b');
    await users().update('tx-b', { age: 5 });
    const before = await allItems(em());
    const error = await em()
      .transaction((tx) => {
        tx.create(User, { username: 'tx-a', email: 'dup@example.com' });
        tx.create(Group, { name: 'tx-would-be-created' });
        stale.age = 6;
        tx.save(stale);
        tx.conditionCheck(User, 'tx-missing');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledError);
    const failures = (error as TransactionCanceledError).failures;
    expect(failures.map((f) => [f.index, f.operation, f.strId, f.reason])).toEqual([
      [0, 'create', 'tx-a', 'ConditionalCheckFailed'],
      [2, 'save', 'tx-b', 'ConditionalCheckFailed'],
      [3, 'conditionCheck', 'tx-missing', 'ConditionalCheckFailed'],
    ]);
    expect(failures[0]?.error).toBeInstanceOf(EntityAlreadyExistsError);
    expect(failures[1]?.error).toBeInstanceOf(VersionConflictError);
    expect(failures[1]?.error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect(failures[2]?.error?.code).toBe('ENTITY_NOT_FOUND');
    expect(await allItems(em())).toEqual(before);
    expect(stale.version).toBe(1);
    expect(b.version).toBe(1);
  });

  testWhen(transactions, NEEDS, 'unique guards take part: a clash inside a transaction is a UniqueConstraintError reason', async () => {
    await em().getRepository(Account).create({ handle: 'tx-acc', email: 'taken@example.com' });
    const error = await em()
      .transaction((tx) => {
        tx.create(Account, { handle: 'tx-acc2', email: 'taken@example.com' });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledError);
    const guardFailure = (error as TransactionCanceledError).failures.find((f) => f.operation === 'uniqueGuard');
    expect(guardFailure?.error).toBeInstanceOf(UniqueConstraintError);
  });

  testWhen(transactions, NEEDS, 'rename moves an entity to a new id keeping its uid, and re-points its unique guards', async () => {
    const accounts = em().getRepository(Account);
    const kim = await accounts.create({ handle: 'tx-kim', email: 'kim@example.com' });
    await accounts.create({ handle: 'tx-taken', email: 'other@example.com' });
    await expect(accounts.rename(kim, 'tx-taken')).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    await kim.rename('tx-kimberly');
    expect([kim.handle, kim.version]).toEqual(['tx-kimberly', 2]);
    const moved = await accounts.getByStr('tx-kimberly');
    expect([moved.uid, moved.email]).toEqual([kim.uid, 'kim@example.com']);
    await expect(accounts.findByStr('tx-kim')).resolves.toBeUndefined();
    expect((await accounts.getByUnique('email', 'kim@example.com')).handle).toBe('tx-kimberly');
    expect((await accounts.getByUid(kim.uid)).handle).toBe('tx-kimberly');
  });

  testWhen(transactions, NEEDS, 'transactGet reads several types as one snapshot, in order', async () => {
    await users().create({ username: 'tg-user', email: 'tg@example.com' });
    await groups().create({ name: 'tg-group' });
    const [user, group, missing] = await em().transactGet([[User, 'tg-user'], [Group, 'tg-group'], [User, 'tg-missing']] as const);
    expect(user?.email).toBe('tg@example.com');
    expect(group?.name).toBe('tg-group');
    expect(missing).toBeUndefined();
  });

  it('more than 100 items fail before sending', async () => {
    const error = await em()
      .transaction((tx) => {
        for (let i = 0; i < 101; i += 1) tx.create(Group, { name: `tx-big-${i}` });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionTooLargeError);
    expect((error as Error).message).toMatch(/101 items; DynamoDB allows at most 100/);
    await expect(groups().findByStr('tx-big-0')).resolves.toBeUndefined();
    await expect(em().transactGet(Array.from({ length: 101 }, (_, i) => [Group, `g${i}`] as const))).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('invalid input in any item fails the whole transaction before sending', async () => {
    await expect(
      em().transaction((tx) => {
        tx.create(Group, { name: 'tx-valid' });
        tx.create(User, { username: 'tx-invalid', email: 'not-an-email' });
      }),
    ).rejects.toBeInstanceOf(EntityValidationError);
    await expect(groups().findByStr('tx-valid')).resolves.toBeUndefined();
  });

  it('a callback that throws sends nothing', async () => {
    await expect(
      em().transaction((tx) => {
        tx.create(Group, { name: 'tx-thrown' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await expect(groups().findByStr('tx-thrown')).resolves.toBeUndefined();
  });

  testWhen((c) => !c.transactions, 'the engine has transactions', 'without transactions: UnsupportedByEngineError, nothing written', async () => {
    const error = await em().transaction((tx) => {
      tx.create(Group, { name: 'tx-unsupported' });
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedByEngineError);
    await expect(groups().findByStr('tx-unsupported')).resolves.toBeUndefined();
    await expect(em().transactGet([[Group, 'x']] as const)).rejects.toBeInstanceOf(UnsupportedByEngineError);
    const user = await users().create({ username: 'tx-rename-unsupported', email: 'r@example.com' });
    await expect(users().rename(user, 'tx-renamed')).rejects.toBeInstanceOf(UnsupportedByEngineError);
    await expect(users().findByStr('tx-renamed')).resolves.toBeUndefined();
  });
});
