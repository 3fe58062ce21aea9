import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager, VersionConflictError } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { faultyClient } from '../support/faults';
import { racingClient } from '../support/racing-client';
import { recordCommands } from '../support/recording';
import type { SentCommand } from '../support/recording';
import { useEntityManager } from '../support/tables';
import { uniqueInvariantProblems } from '../support/unique-invariant';
import { Account } from '../fixtures/entities';

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
  const invariant = () => uniqueInvariantProblems(em(), 'account', ['email', 'badge']);

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
      await accounts().create({ handle: 'cp-again', email: 'cp-again-a@x.io' });
      const stale = await accounts().getByStr('cp-again');
      await accounts().deleteByStr('cp-again');
      await accounts().create({ handle: 'cp-again', uid: stale.uid, email: 'cp-again-b@x.io' }); // version 1 again
      stale.balance = 9;
      await expect(accounts().save(stale)).rejects.toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 1, actualVersion: null });
      const stored = await accounts().getByStr('cp-again');
      expect([stored.email, stored.balance]).toEqual(['cp-again-b@x.io', undefined]);
      expect(await invariant()).toEqual([]);
    });
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
});
