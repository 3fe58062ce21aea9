import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { EntityManager, InvalidArgumentError, UniqueConstraintError, VersionConflictError } from '../../src';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { awsError, fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';
import { Account, User } from '../fixtures/entities';

/**
 * The options that trade a guarantee the caller does not need for capacity, and the cheaper paths
 * that keep every guarantee, by the exact requests they send.
 */

type Item = Record<string, AttributeValue>;

const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';

const storedUser = (version = 1): Item => ({
  PK: { S: 'user#john' }, SK: { S: 'user' }, _type: { S: 'user' }, uid: { S: UID }, version: { N: String(version) },
  username: { S: 'john' }, email: { S: 'john@example.com' },
});

const storedAccount = (email = 'alice@x.io', version = 1): Item => ({
  PK: { S: 'account#alice' }, SK: { S: 'account' }, _type: { S: 'account' }, uid: { S: UID }, version: { N: String(version) },
  handle: { S: 'alice' }, email: { S: email }, badge: { N: '7' },
});

function setup(respond?: (command: SentCommand) => unknown) {
  const { client, sent } = fakeClient(respond);
  const em = new EntityManager({ client, tableName: 'app' });
  return { em, users: em.getRepository(User), accounts: em.getRepository(Account), sent };
}

const operations = (sent: SentCommand[]) => sent.map((c) => c.operation);

describe('getMany({ consistent })', () => {
  const keys = (input: Record<string, unknown>) => (input.RequestItems as { app: { ConsistentRead: boolean } }).app;

  it('is strongly consistent by default and eventually consistent with consistent: false, on repositories and Active Record', async () => {
    const { em, users, sent } = setup(() => ({ Responses: { app: [storedUser()] } }));
    await users.getMany(['john']);
    await users.getMany(['john'], { consistent: true });
    const [john] = await users.getMany(['john'], { consistent: false });
    User.useEntityManager(em);
    await User.getMany(['john'], { consistent: false });
    await User.getMany(['john']);
    expect(john?.email).toBe('john@example.com');
    expect(sent.map((c) => keys(c.input).ConsistentRead)).toEqual([true, true, false, false, true]);
  });

  it('refuses a consistent option that is not a boolean, before any request', async () => {
    const { users, sent } = setup();
    await expect(users.getMany(['john'], { consistent: 'false' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });
});

describe('update / increment with returnEntity: false', () => {
  it('ask for no item back (ReturnValues NONE) and resolve to undefined; the default still returns the entity', async () => {
    const { em, users, sent } = setup(() => ({ Attributes: storedUser(2) }));
    const updated = await users.update('john', { age: 3 });
    const nothing: undefined = await users.update('john', { age: 4 }, { returnEntity: false });
    const counted: undefined = await users.increment('john', 'age', 1, { returnEntity: false });
    User.useEntityManager(em);
    const viaClass: undefined = await User.update('john', { age: 5 }, { returnEntity: false, expectedVersion: 2 });
    const viaClassIncrement = await User.increment('john', 'age');
    expect(updated.version).toBe(2);
    expect([nothing, counted, viaClass]).toEqual([undefined, undefined, undefined]);
    expect(viaClassIncrement.version).toBe(2);
    expect(sent.map((c) => c.input.ReturnValues)).toEqual(['ALL_NEW', 'NONE', 'NONE', 'NONE', 'ALL_NEW']);
    // Everything else is the request it was: the condition still holds the version guard.
    expect(sent[3]?.input.ConditionExpression).toMatch(/#c1 = :c0/);
    expect(sent[3]?.input.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('a lost answer is still recognised (from the failed condition, not the answer) and resolves to undefined', async () => {
    const { users, sent } = setup(({ input }) => {
      const writeId = (input.ExpressionAttributeValues as Item)[':wid']?.S as string;
      throw awsError('ConditionalCheckFailedException', { Item: { ...storedUser(2), _writeId: { S: writeId } }, $metadata: { httpStatusCode: 400, attempts: 2 } });
    });
    await expect(users.update('john', { age: 4 }, { returnEntity: false })).resolves.toBeUndefined();
    expect(operations(sent)).toEqual(['UpdateItem']);
  });

  it('a version conflict is still an error', async () => {
    const { users } = setup(() => {
      throw awsError('ConditionalCheckFailedException', { Item: storedUser(3) });
    });
    await expect(users.update('john', { age: 4 }, { returnEntity: false, expectedVersion: 2 })).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('refuses a returnEntity that is not a boolean, before any request', async () => {
    const { users, sent } = setup();
    await expect(users.update('john', { age: 4 }, { returnEntity: 'no' as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(users.increment('john', 'age', 1, { returnEntity: 0 as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });
});

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
  it('readFirst: an existing entity is one consistent GetItem and no write', async () => {
    const { em, users, sent } = setup(() => ({ Item: storedUser(4) }));
    const [user, created] = await users.getOrCreate({ username: 'john', email: 'other@example.com' }, { readFirst: true });
    expect([created, user.version, user.email]).toEqual([false, 4, 'john@example.com']);
    User.useEntityManager(em);
    const [viaClass] = await User.getOrCreate({ username: 'john', email: 'x@example.com' }, { readFirst: true });
    expect(viaClass.version).toBe(4);
    expect(operations(sent)).toEqual(['GetItem', 'GetItem']);
    expect(sent[0]?.input.ConsistentRead).toBe(true);
  });

  it('readFirst: a missing entity is read, then created by the same conditional PutItem as without it', async () => {
    const { users, sent } = setup(() => ({}));
    const [user, created] = await users.getOrCreate({ username: 'new', email: 'new@example.com' }, { readFirst: true });
    expect([created, user.version]).toEqual([true, 1]);
    expect(operations(sent)).toEqual(['GetItem', 'PutItem']);
    expect(sent[1]?.input.ConditionExpression).toBe('attribute_not_exists(#pk)');
  });

  it('readFirst is checked before any request; the default sends no read', async () => {
    const { users, sent } = setup();
    await expect(users.getOrCreate({ username: 'x', email: 'x@example.com' }, { readFirst: 1 as never })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
    await users.getOrCreate({ username: 'x', email: 'x@example.com' });
    expect(operations(sent)).toEqual(['PutItem']);
  });

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
