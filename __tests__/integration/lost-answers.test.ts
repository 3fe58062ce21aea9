import { EntityAlreadyExistsError, VersionConflictError } from '../../src';
import type { Repository } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { useEntityManager, useFaultyEntityManager } from '../support/tables';
import { uniqueInvariantProblems } from '../support/unique-invariant';
import { Account, User } from '../fixtures/entities';

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';

/**
 * The answer to a write is lost after the engine applied it, and ANOTHER client writes the same item
 * before the SDK retries. The retry then fails its condition against a history that moved on: each
 * operation must still report success, apply once, and keep unique guards consistent.
 */
describeEachEngine('lost answers with other writes before the retry', (engine) => {
  const em = useEntityManager(engine);
  const { faults, faultyEm } = useFaultyEntityManager(engine, em);
  const users = (): Repository<User> => faultyEm().getRepository(User);
  const other = (): Repository<User> => em().getRepository(User);
  /** The next `operation` is applied, then `meanwhile` runs, then the answer is lost. */
  const dropNext = (operation: string, meanwhile: () => Promise<unknown>) =>
    faults.inject({ operation, fault: { kind: 'dropAfterApply', meanwhile }, times: 1 });
  const nWrites = (strId: string, n: number) => async () => {
    for (let i = 0; i < n; i += 1) await other().increment(strId, 'age', 100);
  };

  it('increment is applied exactly once though another increment came in between', async () => {
    await other().create({ username: 'la-inc', email: 'a@example.com', age: 10 });
    dropNext('UpdateItem', nWrites('la-inc', 1));
    await users().increment('la-inc', 'age', 5);
    const stored = await other().getByStr('la-inc');
    expect([stored.age, stored.version]).toEqual([115, 3]);
    expect(faults.count('UpdateItem')).toBe(2);
  });

  it('update is applied once and reports success', async () => {
    await other().create({ username: 'la-upd', email: 'a@example.com', age: 1 });
    dropNext('UpdateItem', nWrites('la-upd', 2));
    const updated = await users().update('la-upd', { nickname: 'n' });
    const stored = await other().getByStr('la-upd');
    expect([stored.nickname, stored.age, stored.version]).toEqual(['n', 201, 4]);
    expect(updated.nickname).toBe('n');
  });

  it('create reports success, not EntityAlreadyExistsError, for the entity it created', async () => {
    dropNext('PutItem', nWrites('la-create', 3));
    const user = await users().create({ username: 'la-create', email: 'a@example.com', age: 0 });
    const stored = await other().getByStr('la-create');
    expect([stored.uid, stored.age, stored.version, user.version]).toEqual([user.uid, 300, 4, 1]);
  });

  it('save reports success, not VersionConflictError, when another save followed it', async () => {
    const user = await other().create({ username: 'la-save', email: 'a@example.com', age: 1 });
    user.age = 2;
    dropNext('PutItem', async () => {
      const copy = await other().getByStr('la-save'); // loads our save, then puts over it
      copy.nickname = 'other';
      await other().save(copy);
    });
    await users().save(user);
    const stored = await other().getByStr('la-save');
    expect([stored.age, stored.nickname, stored.version, user.version]).toEqual([2, 'other', 3, 2]);
  });

  it('the history holds 8 writes: 7 writes in between are recognised, 8 are not (documented bound)', async () => {
    dropNext('PutItem', nWrites('la-bound7', 7));
    await expect(users().create({ username: 'la-bound7', email: 'a@example.com' })).resolves.toBeDefined();
    dropNext('PutItem', nWrites('la-bound8', 8));
    await expect(users().create({ username: 'la-bound8', email: 'a@example.com' })).rejects.toBeInstanceOf(EntityAlreadyExistsError);
  });

  it('deleteByStr reports true when its answer was lost', async () => {
    await other().create({ username: 'la-dbs', email: 'a@example.com' });
    dropNext('DeleteItem', async () => undefined);
    await expect(users().deleteByStr('la-dbs')).resolves.toBe(true);
    await expect(other().findByStr('la-dbs')).resolves.toBeUndefined();
  });

  it('deleteByStr of an absent id: false after a throttled attempt (refused), true after a 500 (may have applied)', async () => {
    faults.inject({ operation: 'DeleteItem', fault: { kind: 'throttle' }, times: 1 });
    await expect(users().deleteByStr('la-never')).resolves.toBe(false);
    faults.inject({ operation: 'DeleteItem', fault: { kind: 'http500' }, times: 1 });
    await expect(users().deleteByStr('la-never')).resolves.toBe(true);
    expect(faults.injected.map((f) => f.kind)).toEqual(['throttle', 'http500']);
  });

  it('delete() of a copy another client deleted gives the same answer with and without an SDK retry', async () => {
    for (const retried of [false, true]) {
      const id = `la-stale-${retried}`;
      const copy = await other().create({ username: id, email: 'a@example.com' });
      await other().deleteByStr(id);
      if (retried) faults.inject({ operation: 'DeleteItem', fault: { kind: 'throttle' }, times: 1 });
      await expect(users().delete(copy)).resolves.toBeUndefined();
      expect(faults.injected).toHaveLength(retried ? 1 : 0);
    }
  });

  it('delete() of a copy that changed or was re-created is a VersionConflictError, retried or not', async () => {
    for (const retried of [false, true]) {
      const id = `la-moved-${retried}`;
      const copy = await other().create({ username: id, email: 'a@example.com' });
      await other().increment(id, 'age', 1);
      if (retried) faults.inject({ operation: 'DeleteItem', fault: { kind: 'throttle' }, times: 1 });
      await expect(users().delete(copy)).rejects.toBeInstanceOf(VersionConflictError);
      await other().deleteByStr(id);
      await other().create({ username: id, email: 'b@example.com' });
      await expect(users().delete(copy)).rejects.toBeInstanceOf(VersionConflictError);
      expect((await other().getByStr(id)).email).toBe('b@example.com');
    }
  });

  describe('@Unique entities (transactions)', () => {
    const accounts = () => faultyEm().getRepository(Account);
    const otherAccounts = () => em().getRepository(Account);
    const invariant = () => uniqueInvariantProblems(em(), 'account', ['email', 'badge']);

    testWhen(transactions, NEEDS, 'delete() succeeds when its answer was lost, and the guards are gone', async () => {
      const account = await otherAccounts().create({ handle: 'la-udel', email: 'la-udel@example.com', badge: 901 });
      dropNext('TransactWriteItems', async () => undefined);
      await accounts().delete(account);
      await expect(otherAccounts().findByStr('la-udel')).resolves.toBeUndefined();
      await expect(otherAccounts().findByUnique('email', 'la-udel@example.com')).resolves.toBeUndefined();
      expect(await invariant()).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'deleteByStr() returns true when its answer was lost', async () => {
      await otherAccounts().create({ handle: 'la-udbs', email: 'la-udbs@example.com' });
      dropNext('TransactWriteItems', async () => undefined);
      await expect(accounts().deleteByStr('la-udbs')).resolves.toBe(true);
      expect(await invariant()).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'a transaction of deletes succeeds when its answer was lost', async () => {
      const a = await otherAccounts().create({ handle: 'la-txa', email: 'la-txa@example.com' });
      const b = await otherAccounts().create({ handle: 'la-txb', email: 'la-txb@example.com' });
      dropNext('TransactWriteItems', async () => undefined);
      await faultyEm().transaction((tx) => {
        tx.delete(a);
        tx.delete(b);
      });
      await expect(otherAccounts().getMany(['la-txa', 'la-txb'])).resolves.toEqual([undefined, undefined]);
      expect(await invariant()).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'a transaction of plain updates is applied once; its only evidence is in the history', async () => {
      await other().create({ username: 'la-tx1', email: 'a@example.com', age: 0 });
      await other().create({ username: 'la-tx2', email: 'a@example.com', age: 0 });
      dropNext('TransactWriteItems', async () => {
        await other().increment('la-tx1', 'age', 100);
        await other().increment('la-tx2', 'age', 100);
      });
      await faultyEm().transaction((tx) => {
        tx.update(User, 'la-tx1', { nickname: 'one' });
        tx.update(User, 'la-tx2', { nickname: 'two' });
      });
      const [one, two] = await other().getMany(['la-tx1', 'la-tx2']);
      expect([one?.nickname, one?.age, one?.version, two?.nickname, two?.age, two?.version]).toEqual(['one', 100, 3, 'two', 100, 3]);
    });

    testWhen(transactions, NEEDS, 'a unique update is applied once when other writes came in between', async () => {
      await otherAccounts().create({ handle: 'la-uupd', email: 'la-uupd@example.com', balance: 0 });
      dropNext('TransactWriteItems', () => otherAccounts().increment('la-uupd', 'balance', 3));
      const updated = await accounts().update('la-uupd', { email: 'la-uupd2@example.com' });
      const stored = await otherAccounts().getByStr('la-uupd');
      expect([stored.email, stored.balance, stored.version]).toEqual(['la-uupd2@example.com', 3, 3]);
      expect(updated.email).toBe('la-uupd2@example.com');
      expect(await invariant()).toEqual([]);
    });
  });
});
