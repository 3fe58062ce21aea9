import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager, VersionConflictError } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { faultyClient } from '../support/faults';
import { racingClient } from '../support/racing-client';
import { recordCommands } from '../support/recording';
import type { SentCommand } from '../support/recording';
import { useEntityManager } from '../support/tables';
import { uniqueInvariantProblems } from '../support/unique-invariant';
import { Account, User } from '../fixtures/entities';

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';

/**
 * The cheaper paths (a plain put for a save that moves no unique value, the item of a cancelled
 * transaction, read-first getOrCreate, eventually consistent getMany, updates that return nothing)
 * send the requests they promise and keep the guarantees of the paths they replace.
 */
describeEachEngine('cheaper paths', (engine, lane) => {
  const em = useEntityManager(engine);
  const accounts = () => em().getRepository(Account);
  const users = () => em().getRepository(User);
  const invariant = () => uniqueInvariantProblems(em(), 'account', ['email', 'badge']);
  /**
   * A copy of `<handle>` (email `<handle>-a@x.io`) loaded before the account was deleted and created
   * again with the same uid and email `<handle>-b@x.io`: at version 1 again, like the copy.
   */
  const staleCopyOfRecreated = async (handle: string) => {
    await accounts().create({ handle, email: `${handle}-a@x.io` });
    const stale = await accounts().getByStr(handle);
    await accounts().deleteByStr(handle);
    await accounts().create({ handle, uid: stale.uid, email: `${handle}-b@x.io` });
    return stale;
  };

  // A second manager on the same table whose requests are recorded: what each call sends.
  let client: DynamoDBClient | undefined;
  let counted: EntityManager;
  let sent: SentCommand[];
  beforeAll(() => {
    ({ client } = faultyClient(engine(), { maxAttempts: 3 }));
    sent = recordCommands(client);
    counted = new EntityManager({ client, tableName: em().tableName });
  });
  afterAll(() => client?.destroy());
  beforeEach(() => {
    sent.length = 0;
  });
  const operations = () => sent.map((c) => c.command);

  describe('save of a @Unique entity whose unique values did not change', () => {
    testWhen(transactions, NEEDS, 'is one conditional PutItem; a change of a unique value is still one transaction', async () => {
      await accounts().create({ handle: 'cp-put', email: 'cp-put@x.io', badge: 101 });
      const account = await counted.getRepository(Account).getByStr('cp-put');
      account.balance = 5;
      await counted.getRepository(Account).save(account);
      account.email = 'cp-put2@x.io';
      await counted.getRepository(Account).save(account);
      expect(operations()).toEqual(['GetItem', 'PutItem', 'TransactWriteItems']);
      expect((await accounts().getByUnique('email', 'cp-put2@x.io')).balance).toBe(5);
      expect(await invariant()).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'an update moving its unique value lands between the load and the put: the put is refused', async () => {
      await accounts().create({ handle: 'cp-race-put', email: 'cp-race-put-a@x.io', balance: 0 });
      const update = () => accounts().update('cp-race-put', { email: 'cp-race-put-b@x.io' });
      const raced = racingClient(engine().client, { operation: 'PutItem', before: update });
      const racedAccounts = new EntityManager({ client: raced.client, tableName: em().tableName }).getRepository(Account);
      const loaded = await racedAccounts.getByStr('cp-race-put');
      loaded.balance = 7;
      await expect(racedAccounts.save(loaded)).rejects.toMatchObject({ code: 'VERSION_CONFLICT', actualVersion: 2 });
      expect(raced.sent).toEqual(['GetItem', 'PutItem']);
      const stored = await accounts().getByStr('cp-race-put');
      expect([stored.email, stored.balance]).toEqual(['cp-race-put-b@x.io', 0]);
      expect(await invariant()).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'the put lands between the read and the transaction of an update moving the value: both apply', async () => {
      await accounts().create({ handle: 'cp-race-tx', email: 'cp-race-tx-a@x.io', balance: 0 });
      const loaded = await accounts().getByStr('cp-race-tx');
      loaded.balance = 7;
      const raced = racingClient(engine().client, { operation: 'TransactWriteItems', before: () => accounts().save(loaded) });
      const racedAccounts = new EntityManager({ client: raced.client, tableName: em().tableName }).getRepository(Account);
      await racedAccounts.update('cp-race-tx', { email: 'cp-race-tx-b@x.io' });
      const stored = await accounts().getByStr('cp-race-tx');
      expect([stored.email, stored.balance, stored.version]).toEqual(['cp-race-tx-b@x.io', 7, 3]);
      expect(await invariant()).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'racing an update that moves its unique value, at staggered starts: one order or the other, never a guardless value', async () => {
      for (let round = 0; round < 12; round += 1) {
        const handle = `cp-race-${round}`;
        await accounts().create({ handle, email: `${handle}-a@x.io`, badge: 200 + round, balance: 0 });
        const loaded = await accounts().getByStr(handle);
        loaded.balance = 7;
        // The save is one request and the update two: later starts let the update land first.
        const save = async () => {
          await new Promise((resolve) => setTimeout(resolve, round * 3));
          return accounts().save(loaded);
        };
        const [saved, updated] = await Promise.allSettled([save(), accounts().update(handle, { email: `${handle}-b@x.io` })]);
        expect(updated?.status).toBe('fulfilled'); // no expectedVersion: a save in between is no conflict
        const stored = await accounts().getByStr(handle);
        expect(stored.email).toBe(`${handle}-b@x.io`);
        if (saved?.status === 'rejected') {
          expect(saved.reason).toBeInstanceOf(VersionConflictError);
          expect(stored.balance).toBe(0);
        } else {
          expect(stored.balance).toBe(7); // the save landed first, and the update after it kept its balance
        }
        expect(await invariant()).toEqual([]);
      }
    });

    testWhen(transactions, NEEDS, 'a stale copy does not overwrite an update of the unique value (update first, then save)', async () => {
      await accounts().create({ handle: 'cp-stale', email: 'cp-stale-a@x.io' });
      const loaded = await accounts().getByStr('cp-stale');
      await accounts().update('cp-stale', { email: 'cp-stale-b@x.io' });
      loaded.balance = 3;
      await expect(accounts().save(loaded)).rejects.toMatchObject({ code: 'VERSION_CONFLICT', actualVersion: 2 });
      expect((await accounts().getByStr('cp-stale')).email).toBe('cp-stale-b@x.io');
      expect(await invariant()).toEqual([]);
    });

    testWhen(transactions, NEEDS, 're-created with the same uid and another value: the version matches, the unique condition refuses', async () => {
      const stale = await staleCopyOfRecreated('cp-again');
      stale.balance = 9;
      await expect(accounts().save(stale)).rejects.toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 1, actualVersion: null });
      const stored = await accounts().getByStr('cp-again');
      expect([stored.email, stored.balance]).toEqual(['cp-again-b@x.io', undefined]);
      expect(await invariant()).toEqual([]);
    });
  });

  testWhen(transactions, NEEDS, 'delete of a stale copy of a re-created @Unique entity is refused: no guard is orphaned', async () => {
    const stale = await staleCopyOfRecreated('cp-del-again');
    await expect(accounts().delete(stale)).rejects.toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 1 });
    // The re-created entity and its guard are both still there: the invariant holds.
    expect((await accounts().getByStr('cp-del-again')).email).toBe('cp-del-again-b@x.io');
    expect((await accounts().getByUnique('email', 'cp-del-again-b@x.io')).handle).toBe('cp-del-again');
    expect(await invariant()).toEqual([]);
  });

  testWhen(transactions, NEEDS, 'getOrCreate of an existing @Unique entity uses the cancelled transaction’s item', async () => {
    const created = await accounts().create({ handle: 'cp-goc', email: 'cp-goc@x.io', badge: 301 });
    const [found, wasCreated] = await counted.getRepository(Account).getOrCreate({ handle: 'cp-goc', email: 'cp-goc@x.io', badge: 301 });
    expect([wasCreated, found.uid, found.badge]).toEqual([false, created.uid, 301]);
    // The embedded engine returns the item in the cancellation reasons; others may need one GetItem.
    if (lane.name === 'dynalite') expect(operations()).toEqual(['TransactWriteItems']);
    else expect(operations().filter((op) => op === 'GetItem').length).toBeLessThanOrEqual(1);
    expect(await invariant()).toEqual([]);
  });

  describe('getOrCreate({ readFirst: true })', () => {
    it('reads once when the entity exists, reads then creates when it does not', async () => {
      const repo = counted.getRepository(User);
      const [made, created] = await repo.getOrCreate({ username: 'cp-rf', email: 'rf@example.com' }, { readFirst: true });
      const [again, createdAgain] = await repo.getOrCreate({ username: 'cp-rf', email: 'other@example.com' }, { readFirst: true });
      expect([created, createdAgain, again.uid, again.email]).toEqual([true, false, made.uid, 'rf@example.com']);
      expect(operations()).toEqual(['GetItem', 'PutItem', 'GetItem']);
      expect(sent[0]?.input.ConsistentRead).toBe(true);
    });

    it('20 concurrent callers for one new id: exactly one creator, one uid for all', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          counted.getRepository(User).getOrCreate({ username: 'cp-rf-race', email: `caller${i}@example.com` }, { readFirst: true }),
        ),
      );
      expect(results.filter(([, created]) => created)).toHaveLength(1);
      const [winner] = results.find(([, created]) => created) ?? [];
      expect(new Set(results.map(([user]) => user.uid))).toEqual(new Set([winner?.uid]));
      expect(new Set(results.map(([user]) => user.email))).toEqual(new Set([winner?.email]));
      expect(operations().filter((op) => op === 'GetItem').length).toBeGreaterThanOrEqual(20);
      expect((await users().getByStr('cp-rf-race')).uid).toBe(winner?.uid);
    });

    testWhen(transactions, NEEDS, 'an existing @Unique entity is one GetItem, no transaction', async () => {
      await accounts().create({ handle: 'cp-rf-acc', email: 'cp-rf-acc@x.io' });
      const [found, created] = await counted.getRepository(Account).getOrCreate({ handle: 'cp-rf-acc', email: 'cp-rf-acc@x.io' }, { readFirst: true });
      expect([created, found.email]).toEqual([false, 'cp-rf-acc@x.io']);
      expect(operations()).toEqual(['GetItem']);
    });
  });

  it('getMany({ consistent: false }) reads the entities with eventually consistent BatchGetItem', async () => {
    await users().create({ username: 'cp-many', email: 'many@example.com' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [found, missing] = await counted.getRepository(User).getMany(['cp-many', 'cp-nobody'], { consistent: false });
    expect([found?.email, missing]).toEqual(['many@example.com', undefined]);
    expect(sent.map((c) => [c.command, c.input.RequestItems[em().tableName].ConsistentRead])).toEqual([['BatchGetItem', false]]);
  });

  it('update and increment with returnEntity: false resolve to undefined and apply', async () => {
    await users().create({ username: 'cp-none', email: 'none@example.com', age: 1 });
    const repo = counted.getRepository(User);
    await expect(repo.update('cp-none', { age: 5 }, { returnEntity: false })).resolves.toBeUndefined();
    await expect(repo.increment('cp-none', 'age', 2, { returnEntity: false, expectedVersion: 2 })).resolves.toBeUndefined();
    await expect(repo.update('cp-none', { age: 0 }, { returnEntity: false, expectedVersion: 2 })).rejects.toBeInstanceOf(VersionConflictError);
    expect(sent.map((c) => c.input.ReturnValues)).toEqual(['NONE', 'NONE', 'NONE']);
    const stored = await users().getByStr('cp-none');
    expect([stored.age, stored.version]).toEqual([7, 3]);
  });

  testWhen(transactions, NEEDS, 'update of a unique field with returnEntity: false moves the guard and resolves to undefined', async () => {
    await accounts().create({ handle: 'cp-none-acc', email: 'cp-none-a@x.io' });
    await expect(accounts().update('cp-none-acc', { email: 'cp-none-b@x.io' }, { returnEntity: false })).resolves.toBeUndefined();
    expect((await accounts().getByUnique('email', 'cp-none-b@x.io')).handle).toBe('cp-none-acc');
    expect(await invariant()).toEqual([]);
  });
});
