import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { EntityNotFoundError, InvalidArgumentError, TransactionCanceledError, UniqueConstraintError } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { useEntityManager } from '../support/tables';
import { uniqueInvariantProblems } from '../support/unique-invariant';
import { Account, Group } from '../fixtures/entities';

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';

/**
 * The invariant of unique values under any interleaving: every value held has exactly one guard,
 * pointing to its holder, and no guard is left without one. Writes that asked for no version
 * check succeed under contention (last writer wins).
 */
describeEachEngine('@Unique integrity under interleavings', (engine) => {
  const em = useEntityManager(engine);
  const accounts = () => em().getRepository(Account);
  const invariant = () => uniqueInvariantProblems(em(), 'account', ['email', 'badge']);
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  testWhen(transactions, NEEDS, "tx.update of a unique field, queued before the entity exists, can't commit a guardless value", async () => {
    const outcome = await em()
      .transaction(async (tx) => {
        tx.update(Account, 'ui-alice', { email: 'new@x.io' });
        await settle(150); // the update has read the (missing) entity by now
        await accounts().create({ handle: 'ui-alice', email: 'old@x.io' });
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(EntityNotFoundError);
    expect((await accounts().getByStr('ui-alice')).email).toBe('old@x.io');
    await expect(accounts().create({ handle: 'ui-mallory', email: 'old@x.io' })).rejects.toBeInstanceOf(UniqueConstraintError);
    expect(await invariant()).toEqual([]);
  });

  testWhen(transactions, NEEDS, 'tx.update of a unique field whose value moved after the read cancels instead of orphaning guards', async () => {
    await accounts().create({ handle: 'ui-bob', email: 'bob1@x.io' });
    const outcome = await em()
      .transaction(async (tx) => {
        tx.update(Account, 'ui-bob', { email: 'bob3@x.io' });
        await settle(150);
        await accounts().update('ui-bob', { email: 'bob2@x.io' });
      })
      .catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(TransactionCanceledError);
    expect((await accounts().getByStr('ui-bob')).email).toBe('bob2@x.io');
    expect(await invariant()).toEqual([]);
  });

  testWhen(transactions, NEEDS, '8 concurrent update(email) without expectedVersion all succeed; the last value owns the only guard', async () => {
    await accounts().create({ handle: 'ui-race', email: 'race0@x.io' });
    for (let round = 0; round < 5; round += 1) {
      const emails = Array.from({ length: 8 }, (_, i) => `race-${round}-${i}@x.io`);
      const results = await Promise.allSettled(emails.map((email) => accounts().update('ui-race', { email })));
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(emails).toContain((await accounts().getByStr('ui-race')).email);
      expect(await invariant()).toEqual([]);
    }
  });

  testWhen(transactions, NEEDS, 'deleteByStr during concurrent increments succeeds and releases the guards', async () => {
    for (let round = 0; round < 10; round += 1) {
      const handle = `ui-dbs-${round}`;
      await accounts().create({ handle, email: `${handle}@x.io`, badge: 1000 + round, balance: 0 });
      const increments = Array.from({ length: 4 }, () => accounts().increment(handle, 'balance', 1).catch((e: unknown) => e));
      const deleted = await accounts().deleteByStr(handle);
      const late = await Promise.all(increments);
      expect(deleted).toBe(true);
      for (const result of late) if (result instanceof Error) expect(result).toBeInstanceOf(EntityNotFoundError);
      await expect(accounts().findByStr(handle)).resolves.toBeUndefined();
    }
    expect(await invariant()).toEqual([]);
  });

  describe('claimUniques: for fields made @Unique() after data was written', () => {
    /** An account whose guards are missing, as if `@Unique()` had been added after it was written. */
    async function legacyAccount(handle: string, email: string) {
      await accounts().create({ handle, email });
      const Key = { PK: { S: `account.email#${email}` }, SK: { S: 'account.email' } };
      await em().client.send(new DeleteItemCommand({ TableName: em().tableName, Key }));
      return accounts().getByStr(handle);
    }

    testWhen(transactions, NEEDS, 're-saving claims nothing; claimUniques does, and a duplicate is then refused', async () => {
      const legacy = await legacyAccount('ui-legacy', 'legacy@x.io');
      await accounts().save(legacy);
      expect(await invariant()).toEqual(['account#ui-legacy holds email=legacy@x.io with no guard']);
      const claimed = await accounts().claimUniques('ui-legacy');
      expect(claimed.uid).toBe(legacy.uid);
      expect(await invariant()).toEqual([]);
      await expect(accounts().create({ handle: 'ui-dupe', email: 'legacy@x.io' })).rejects.toBeInstanceOf(UniqueConstraintError);
      Account.useEntityManager(em());
      await expect(Account.claimUniques('ui-legacy')).resolves.toBeInstanceOf(Account); // Active Record; idempotent
      expect((await accounts().getByUnique('email', 'legacy@x.io')).handle).toBe('ui-legacy');
    });

    testWhen(transactions, NEEDS, 'a value another entity already holds is a UniqueConstraintError; the holder keeps it', async () => {
      await legacyAccount('ui-twin1', 'twin@x.io'); // guardless: a duplicate can still be created
      await accounts().create({ handle: 'ui-twin2', email: 'twin@x.io' });
      const error = await accounts().claimUniques('ui-twin1').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(error).toMatchObject({ field: 'email', value: 'twin@x.io' });
      expect((await accounts().getByUnique('email', 'twin@x.io')).handle).toBe('ui-twin2');
    });

    testWhen(transactions, NEEDS, 'a missing entity is EntityNotFoundError', async () => {
      await expect(accounts().claimUniques('ui-nobody')).rejects.toBeInstanceOf(EntityNotFoundError);
    });
  });

  it('claimUniques of an entity without @Unique() fields is refused before any request', async () => {
    await expect(em().getRepository(Group).claimUniques('g')).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
