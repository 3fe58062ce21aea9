import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { EntityManager, UniqueConstraintError } from '../../src';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { awsError, fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';
import { Account } from '../fixtures/entities';

/**
 * The options that trade a guarantee the caller does not need for capacity, and the cheaper paths
 * that keep every guarantee, by the exact requests they send.
 */

type Item = Record<string, AttributeValue>;

const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';

const storedAccount = (email = 'alice@x.io', version = 1): Item => ({
  PK: { S: 'account#alice' }, SK: { S: 'account' }, _type: { S: 'account' }, uid: { S: UID }, version: { N: String(version) },
  handle: { S: 'alice' }, email: { S: email }, badge: { N: '7' },
});

function setup(respond?: (command: SentCommand) => unknown) {
  const { client, sent } = fakeClient(respond);
  const em = new EntityManager({ client, tableName: 'app' });
  return { accounts: em.getRepository(Account), sent };
}

const operations = (sent: SentCommand[]) => sent.map((c) => c.operation);

describe('save of an entity with @Unique() fields', () => {
  const loaded = (item = storedAccount()) => EntityMapper.of(Account).fromItem(item);

  it('whose unique values did not change: one PutItem guarded by version, uid and the unique values held', async () => {
    const { accounts, sent } = setup();
    const account = loaded();
    account.balance = 10;
    await accounts.save(account);
    expect(operations(sent)).toEqual(['PutItem']);
    expect(sent[0]?.input).toMatchObject({
      ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid AND #uq0 = :uq0 AND #uq1 = :uq1',
      ExpressionAttributeNames: { '#version': 'version', '#uid': 'uid', '#uq0': 'email', '#uq1': 'badge' },
      ExpressionAttributeValues: { ':expectedVersion': { N: '1' }, ':expectedUid': { S: UID }, ':uq0': { S: 'alice@x.io' }, ':uq1': { N: '7' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(account.version).toBe(2);
  });

  it('an unset unique value must still be unset (absent or NULL) when the put lands', async () => {
    const { accounts, sent } = setup();
    const { badge, ...withoutBadge } = storedAccount();
    void badge;
    await accounts.save(loaded(withoutBadge));
    expect(sent[0]?.input.ConditionExpression).toBe(
      '#version = :expectedVersion AND #uid = :expectedUid AND #uq0 = :uq0 AND (attribute_not_exists(#uq1) OR attribute_type(#uq1, :uqNull))',
    );
    expect((sent[0]?.input.ExpressionAttributeValues as Item)[':uqNull']).toEqual({ S: 'NULL' });
  });

  it('whose unique value changed: still one transaction that moves the guard', async () => {
    const { accounts, sent } = setup();
    const account = loaded();
    account.email = 'alice2@x.io';
    await accounts.save(account);
    expect(operations(sent)).toEqual(['TransactWriteItems']);
    expect((sent[0]?.input.TransactItems as unknown[]).length).toBe(3);
    // Once saved, the new value is the one remembered: the next save is a plain put.
    account.balance = 1;
    await accounts.save(account);
    expect(operations(sent)).toEqual(['TransactWriteItems', 'PutItem']);
  });

  it('refused at the version loaded because another entity with the same uid holds other values: deleted or replaced', async () => {
    const { accounts } = setup(() => {
      throw awsError('ConditionalCheckFailedException', { Item: storedAccount('mallory@x.io') });
    });
    await expect(accounts.save(loaded())).rejects.toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 1, actualVersion: null });
  });
});

describe('getOrCreate', () => {
  describe('of an existing entity with @Unique() fields', () => {
    const canceled = (reasons: CancellationReason[]) => awsError('TransactionCanceledException', { CancellationReasons: reasons });

    it('takes the entity from the cancellation reason of its Put (ALL_OLD): no GetItem', async () => {
      const { accounts, sent } = setup(() => {
        throw canceled([{ Code: 'ConditionalCheckFailed', Item: storedAccount('alice@x.io', 3) }, { Code: 'ConditionalCheckFailed' }]);
      });
      const [account, created] = await accounts.getOrCreate({ handle: 'alice', email: 'alice@x.io' });
      expect([created, account.version, account.badge]).toEqual([false, 3, 7]);
      expect(operations(sent)).toEqual(['TransactWriteItems']);
      expect((sent[0]?.input.TransactItems as Array<{ Put: { ReturnValuesOnConditionCheckFailure: string } }>)[0]?.Put.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    });

    it('falls back to one consistent GetItem where the reason carries no item', async () => {
      const { accounts, sent } = setup(({ operation }) => {
        if (operation === 'GetItem') return { Item: storedAccount('alice@x.io', 2) };
        throw canceled([{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }]);
      });
      const [account, created] = await accounts.getOrCreate({ handle: 'alice', email: 'alice@x.io' });
      expect([created, account.version]).toEqual([false, 2]);
      expect(operations(sent)).toEqual(['TransactWriteItems', 'GetItem']);
    });

    it('a value taken by another entity is still UniqueConstraintError', async () => {
      const { accounts, sent } = setup(() => {
        throw canceled([{ Code: 'None' }, { Code: 'ConditionalCheckFailed', Item: { ownerUid: { S: 'other' } } }]);
      });
      await expect(accounts.getOrCreate({ handle: 'alice', email: 'taken@x.io' })).rejects.toBeInstanceOf(UniqueConstraintError);
      expect(operations(sent)).toEqual(['TransactWriteItems']);
    });
  });
});
