import fc from 'fast-check';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ConditionFailedError, EntityManager, Field, Index, InvalidArgumentError, StrId, Table, VersionConflictError } from '../../src';
import { failedConditionAttributes, holdsCondition } from '../../src/expressions';
import type { AttributeCondition } from '../../src/expressions';
import { deleteVersionedInput, replaceItemInput, updateItemInput } from '../../src/operations';
import { awsError, fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';
import { Account, User } from '../fixtures/entities';

const key = { PK: { S: 'user#john' }, SK: { S: 'user' } };
type Without<C> = C extends unknown ? Omit<C, 'attribute'> : never;
const holds = (stored: AttributeValue | undefined, condition: Without<AttributeCondition>) =>
  holdsCondition(stored === undefined ? {} : { a: stored }, { attribute: 'a', ...condition } as AttributeCondition);

describe('evaluating conditions on a stored item (DynamoDB rules)', () => {
  it('compares numbers numerically, strings and binary by bytes', () => {
    expect(holds({ N: '10' }, { op: 'gt', value: { N: '9' } })).toBe(true);
    expect(holds({ N: '10' }, { op: 'lt', value: { N: '9.5' } })).toBe(false);
    expect(holds({ N: '12345678901234567890123456789012345678' }, { op: 'gt', value: { N: '12345678901234567890123456789012345677' } })).toBe(true);
    expect(holds({ N: '1.0' }, { op: 'eq', value: { N: '1' } })).toBe(true);
    expect(holds({ S: 'b' }, { op: 'gt', value: { S: 'a' } })).toBe(true);
    expect(holds({ S: 'Z' }, { op: 'lt', value: { S: 'a' } })).toBe(true); // by byte: 'Z' < 'a'
    expect(holds({ S: '\u{1F600}' }, { op: 'gt', value: { S: '\uFFFF' } })).toBe(true); // UTF-8 bytes, not UTF-16 units
    expect(holds({ B: Uint8Array.of(1, 2) }, { op: 'lt', value: { B: Uint8Array.of(1, 3) } })).toBe(true);
    expect(holds({ N: '5' }, { op: 'between', low: { N: '5' }, high: { N: '7' } })).toBe(true);
    expect(holds({ N: '8' }, { op: 'between', low: { N: '5' }, high: { N: '7' } })).toBe(false);
  });

  it('a type mismatch or a missing attribute is false, except for ne', () => {
    expect(holds({ S: '5' }, { op: 'eq', value: { N: '5' } })).toBe(false);
    expect(holds({ S: '5' }, { op: 'gte', value: { N: '1' } })).toBe(false);
    expect(holds(undefined, { op: 'eq', value: { S: 'x' } })).toBe(false);
    expect(holds(undefined, { op: 'lt', value: { N: '1' } })).toBe(false);
    expect(holds({ S: '5' }, { op: 'ne', value: { N: '5' } })).toBe(true);
    expect(holds(undefined, { op: 'ne', value: { S: 'x' } })).toBe(true);
    expect(holds({ S: 'x' }, { op: 'ne', value: { S: 'x' } })).toBe(false);
  });

  it('exists, beginsWith, contains on strings, lists and sets, and in', () => {
    expect(holds({ NULL: true }, { op: 'exists', exists: true })).toBe(true);
    expect(holds(undefined, { op: 'exists', exists: false })).toBe(true);
    expect(holds({ S: 'ada' }, { op: 'exists', exists: false })).toBe(false);
    expect(holds({ S: 'ada lovelace' }, { op: 'beginsWith', value: { S: 'ada' } })).toBe(true);
    expect(holds({ N: '12' }, { op: 'beginsWith', value: { S: '1' } })).toBe(false);
    expect(holds({ S: 'ada lovelace' }, { op: 'contains', value: { S: 'love' } })).toBe(true);
    expect(holds({ L: [{ S: 'a' }, { N: '2' }] }, { op: 'contains', value: { N: '2' } })).toBe(true);
    expect(holds({ L: [{ S: 'a' }] }, { op: 'contains', value: { S: 'b' } })).toBe(false);
    expect(holds({ SS: ['a', 'b'] }, { op: 'contains', value: { S: 'b' } })).toBe(true);
    expect(holds({ NS: ['1.50'] }, { op: 'contains', value: { N: '1.5' } })).toBe(true);
    expect(holds({ S: 'b' }, { op: 'in', values: [{ S: 'a' }, { S: 'b' }] })).toBe(true);
    expect(holds({ S: 'c' }, { op: 'in', values: [{ S: 'a' }, { S: 'b' }] })).toBe(false);
    expect(holds({ L: [{ S: 'a' }] }, { op: 'eq', value: { L: [{ S: 'a' }] } })).toBe(true);
    expect(holds({ M: { x: { N: '1' } } }, { op: 'eq', value: { M: { x: { N: '2' } } } })).toBe(false);
    expect(holds({ BOOL: true }, { op: 'eq', value: { BOOL: true } })).toBe(true);
  });

  it('numbers order as JavaScript numbers do (property)', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer(), (a, b) => {
        expect(holds({ N: String(a) }, { op: 'lt', value: { N: String(b) } })).toBe(a < b);
        expect(holds({ N: String(a) }, { op: 'gte', value: { N: String(b) } })).toBe(a >= b);
        expect(holds({ N: String(a) }, { op: 'eq', value: { N: String(b) } })).toBe(a === b);
      }),
    );
  });

  it('names each failing attribute once, in condition order', () => {
    const item = { authorId: { S: 'bob' }, status: { S: 'draft' }, likes: { N: '3' } };
    const conditions: AttributeCondition[] = [
      { attribute: 'status', op: 'eq', value: { S: 'draft' } },
      { attribute: 'authorId', op: 'eq', value: { S: 'ada' } },
      { attribute: 'likes', op: 'gt', value: { N: '5' } },
      { attribute: 'authorId', op: 'beginsWith', value: { S: 'a' } },
    ];
    expect(failedConditionAttributes(item, conditions)).toEqual(['authorId', 'likes']);
    expect(failedConditionAttributes(undefined, conditions)).toEqual(['status', 'authorId', 'likes']);
  });
});

describe('request inputs with a condition', () => {
  const user: AttributeCondition[] = [
    { attribute: 'email', op: 'eq', value: { S: 'ada@x.io' } },
    { attribute: 'age', op: 'between', low: { N: '1' }, high: { N: '9' } },
  ];
  const userNames = { '#uc0': 'email', '#uc1': 'age' };
  const userValues = { ':uc0': { S: 'ada@x.io' }, ':uc1': { N: '1' }, ':uc2': { N: '9' } };
  const userText = '(#uc0 = :uc0 AND #uc1 BETWEEN :uc1 AND :uc2)';

  it('an update ANDs the condition after the library guards, with placeholders of its own', () => {
    const input = updateItemInput('t', key, { changes: [{ kind: 'set', attribute: 'age', value: { N: '5' } }], writeId: 'w1', expectedVersion: 4, conditions: user });
    const without = updateItemInput('t', key, { changes: [{ kind: 'set', attribute: 'age', value: { N: '5' } }], writeId: 'w1', expectedVersion: 4 });
    expect(input.ConditionExpression).toBe(`${without.ConditionExpression} AND ${userText}`);
    expect(input.ConditionExpression).toMatch(/^attribute_exists\(#c0\) AND #c1 = :c0 AND NOT \(#w0 = :wid/);
    expect(input.ExpressionAttributeNames).toEqual({ ...without.ExpressionAttributeNames, ...userNames });
    expect(input.ExpressionAttributeValues).toEqual({ ...without.ExpressionAttributeValues, ...userValues });
    expect(input.UpdateExpression).toBe(without.UpdateExpression);
  });

  it('a replace and a versioned delete keep their version guard and AND the condition', () => {
    const item = { PK: { S: 'user#john' }, SK: { S: 'user' } };
    const expected = { uid: 'u', version: 2 };
    const guardNames = { '#version': 'version', '#uid': 'uid' };
    const guardValues = { ':expectedVersion': { N: '2' }, ':expectedUid': { S: 'u' } };
    const condition = {
      ConditionExpression: `#version = :expectedVersion AND #uid = :expectedUid AND ${userText}`,
      ExpressionAttributeNames: { ...guardNames, ...userNames },
      ExpressionAttributeValues: { ...guardValues, ...userValues },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    expect(replaceItemInput('t', item, expected, user)).toEqual({ TableName: 't', Item: item, ...condition });
    expect(deleteVersionedInput('t', key, expected, user)).toEqual({ TableName: 't', Key: key, ...condition });
    expect(replaceItemInput('t', item, expected, []).ConditionExpression).toBe('#version = :expectedVersion AND #uid = :expectedUid');
  });
});

describe('repository writes with a condition', () => {
  const stored = { PK: { S: 'user#john' }, SK: { S: 'user' }, uid: { S: '0190f0e2-0000-7000-8000-000000000000' }, version: { N: '3' }, username: { S: 'john' }, email: { S: 'bob@x.io' }, age: { N: '40' } };
  function setup(respond: (command: SentCommand) => unknown) {
    const { client, sent } = fakeClient(respond);
    const em = new EntityManager({ client, tableName: 'app' });
    return { users: em.getRepository(User), accounts: em.getRepository(Account), em, sent };
  }

  it('update and increment send the condition in their one UpdateItem', async () => {
    const { users, sent } = setup(() => ({ Attributes: stored }));
    await users.update('john', { age: 41 }, { condition: { email: { eq: 'bob@x.io' }, age: { lt: 100 } } });
    await users.increment('john', 'age', 1, { condition: { nickname: { exists: false } } });
    expect(sent.map((c) => c.operation)).toEqual(['UpdateItem', 'UpdateItem']);
    expect(sent[0]?.input.ConditionExpression).toMatch(/ AND \(#uc0 = :uc0 AND #uc1 < :uc1\)$/);
    expect(sent[0]?.input.ExpressionAttributeNames).toMatchObject({ '#uc0': 'email', '#uc1': 'age' });
    expect(sent[0]?.input.ExpressionAttributeValues).toMatchObject({ ':uc0': { S: 'bob@x.io' }, ':uc1': { N: '100' } });
    expect(sent[1]?.input.ConditionExpression).toMatch(/ AND \(attribute_not_exists\(#uc0\)\)$/);
  });

  it('a failed condition on the stored item is ConditionFailedError naming the failing fields, with its cause', async () => {
    const failure = awsError('ConditionalCheckFailedException', { Item: stored });
    const { users } = setup(() => {
      throw failure;
    });
    const error = await users.update('john', { age: 41 }, { condition: { email: { eq: 'ada@x.io' }, age: { gt: 1 } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error).toMatchObject({ code: 'CONDITION_FAILED', entity: 'User', strId: 'john', fields: ['email'] });
    expect((error as ConditionFailedError).message).toMatch(/User "john" .* condition on email does not hold/);
    expect((error as ConditionFailedError).cause).toBeDefined();
  });

  it('a wrong version is still a VersionConflictError, whatever the condition', async () => {
    const { users } = setup(() => {
      throw awsError('ConditionalCheckFailedException', { Item: stored });
    });
    await expect(users.update('john', { age: 41 }, { expectedVersion: 2, condition: { email: { eq: 'ada@x.io' } } })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
  });

  it('bad conditions are refused before any request', async () => {
    const { users, em, sent } = setup(() => ({ Attributes: stored }));
    const bad: unknown[] = [{ nope: { eq: 1 } }, { age: { eq: 'x' } }, { age: { near: 1 } }, { email: { beginsWith: 3 } }, { age: { in: [] } }, 'x'];
    for (const condition of bad) {
      await expect(users.update('john', { age: 1 }, { condition } as never)).rejects.toBeInstanceOf(Error);
      await expect(users.increment('john', 'age', 1, { condition } as never)).rejects.toBeInstanceOf(Error);
      await expect(em.transaction((tx) => tx.increment(User, 'john', 'age', 1, { condition } as never))).rejects.toBeInstanceOf(Error);
    }
    await expect(users.update('john', { age: 1 }, { condition: { nope: { eq: 1 } } } as never)).rejects.toThrow(InvalidArgumentError);
    await expect(users.update('john', { age: 1 }, { condition: { nope: { eq: 1 } } } as never)).rejects.toThrow(/User condition: nope is not a @Field\(\)/);
    const fresh = users.build({ username: 'new', email: 'n@x.io' });
    await expect(users.save(fresh, { condition: { age: { gt: 1 } } })).rejects.toThrow(/takes no condition/);
    expect(sent).toHaveLength(0);
  });

  it('tx.increment is one Update entry with ADD and the condition; a @Unique or non-number field is refused', async () => {
    const { em, sent } = setup(() => ({}));
    await em.transaction((tx) => tx.increment(User, 'john', 'age', 2, { expectedVersion: 3, condition: { email: { eq: 'bob@x.io' } } }));
    expect(sent.map((c) => c.operation)).toEqual(['TransactWriteItems']);
    const update = (sent[0]?.input.TransactItems as Array<{ Update: Record<string, unknown> }>)[0]?.Update;
    expect(update?.UpdateExpression).toMatch(/^SET #u0 = if_not_exists\(#u0, :u0\) \+ :u1, #u1 = if_not_exists\(#u1, :u2\) \+ :u3, /);
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#u0': 'age', '#uc0': 'email' });
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':u1': { N: '2' }, ':c0': { N: '3' }, ':uc0': { S: 'bob@x.io' } });
    expect(update?.ConditionExpression).toMatch(/^attribute_exists\(#c0\) AND #c1 = :c0 AND NOT .* AND \(#uc0 = :uc0\)$/);
    expect(update?.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
    await expect(em.transaction((tx) => tx.increment(Account, 'a', 'badge' as never))).rejects.toThrow(/@Unique\(\)/);
    await expect(em.transaction((tx) => tx.increment(User, 'john', 'email' as never))).rejects.toThrow(/not a number field/);
    await expect(em.transaction((tx) => tx.increment(User, 'john', 'age', Number.NaN))).rejects.toThrow(/finite amount/);
    expect(sent).toHaveLength(1);
  });
});

@Table('wcPost')
@Index('byAuthor', { partition: ['authorId'], sort: ['createdAt'] })
@Index('byLeague', { partition: ['league'], sort: ['points'] })
class Post {
  @StrId() slug!: string;
  @Field() authorId?: string;
  @Field() createdAt?: Date;
  @Field() status?: string;
  @Field() league?: string;
  @Field() points?: number;
  uid?: string;
  version?: number;
}

describe('an update that reads the entity first checks its condition on the item read', () => {
  const storedPost = {
    PK: { S: 'wcPost#p1' }, SK: { S: 'wcPost' }, slug: { S: 'p1' }, uid: { S: '0190f0e2-0000-7000-8000-000000000000' }, version: { N: '3' },
    authorId: { S: 'ann' }, createdAt: { S: '2024-05-01T10:00:00.000Z' }, status: { S: 'draft' }, league: { S: 'gold' }, points: { N: '10' },
  };
  function setup() {
    const { client, sent } = fakeClient((command) => (command.operation === 'GetItem' ? { Item: storedPost } : { Attributes: storedPost }));
    const em = new EntityManager({ client, tableName: 'app' });
    return { posts: em.getRepository(Post), em, sent };
  }
  const doomed = { authorId: { eq: 'bob' }, status: { eq: 'draft' } } as const;

  it('a condition failing on the item read is ConditionFailedError naming the failing fields; only the GetItem is sent', async () => {
    const { posts, sent } = setup();
    const error = await posts.update('p1', { authorId: 'cat' }, { condition: doomed }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error).toMatchObject({ code: 'CONDITION_FAILED', entity: 'Post', strId: 'p1', fields: ['authorId'] });
    await expect(posts.increment('p1', 'points', 5, { condition: { points: { gt: 10 } } })).rejects.toMatchObject({ fields: ['points'] });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'GetItem']);
  });

  it('a condition holding on the item read is still sent in the UpdateItem (the item may change in between)', async () => {
    const { posts, sent } = setup();
    await posts.update('p1', { authorId: 'cat' }, { condition: { authorId: { eq: 'ann' } } });
    await posts.increment('p1', 'points', 5, { condition: { points: { gte: 10 } } });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'UpdateItem', 'GetItem', 'UpdateItem']);
    expect(sent[1]?.input.ConditionExpression).toMatch(/ AND \(#uc0 = :uc0\)$/);
    expect(sent[1]?.input.ExpressionAttributeValues).toMatchObject({ ':uc0': { S: 'ann' } });
    expect(sent[3]?.input.ConditionExpression).toMatch(/ AND \(#uc0 >= :uc0\)$/);
    expect(sent[3]?.input.ExpressionAttributeNames).toMatchObject({ '#uc0': 'points' });
  });

  it('with expectedVersion, another version read is VersionConflictError, whatever the condition', async () => {
    const { posts, em, sent } = setup();
    await expect(posts.update('p1', { authorId: 'cat' }, { expectedVersion: 2, condition: doomed })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(posts.increment('p1', 'points', 1, { expectedVersion: 2, condition: doomed })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(em.transaction((tx) => tx.update(Post, 'p1', { authorId: 'cat' }, { expectedVersion: 2, condition: doomed }))).rejects.toBeInstanceOf(
      VersionConflictError,
    );
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'GetItem', 'GetItem']);
  });

  it('transaction forms fail with ConditionFailedError before anything is sent', async () => {
    const { em, sent } = setup();
    const update = await em
      .transaction((tx) => {
        tx.create(Post, { slug: 'p2' });
        tx.update(Post, 'p1', { authorId: 'cat' }, { expectedVersion: 3, condition: doomed });
      })
      .catch((e: unknown) => e);
    expect(update).toBeInstanceOf(ConditionFailedError);
    expect(update).toMatchObject({ entity: 'Post', strId: 'p1', fields: ['authorId'] });
    const increment = em.transaction((tx) => tx.increment(Post, 'p1', 'points', 1, { condition: { league: { ne: 'gold' } } }));
    await expect(increment).rejects.toMatchObject({ code: 'CONDITION_FAILED', fields: ['league'] });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'GetItem']);
  });

  it('a passing condition in a transaction stays in its Update entry', async () => {
    const { em, sent } = setup();
    await em.transaction((tx) => tx.update(Post, 'p1', { authorId: 'cat' }, { condition: { authorId: { eq: 'ann' } } }));
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'TransactWriteItems']);
    const update = (sent[1]?.input.TransactItems as Array<{ Update: Record<string, unknown> }>)[0]?.Update;
    expect(update?.ConditionExpression).toMatch(/ AND \(#uc0 = :uc0\)$/);
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':uc0': { S: 'ann' } });
  });

  it('an update of @Unique fields (which reads the entity) checks it too, repository and transaction forms', async () => {
    const storedAccount = { PK: { S: 'account#a' }, SK: { S: 'account' }, handle: { S: 'a' }, uid: { S: '0190f0e2-0000-7000-8000-000000000000' }, version: { N: '2' }, email: { S: 'a@x.io' }, balance: { N: '5' } };
    const { client, sent } = fakeClient(() => ({ Item: storedAccount }));
    const em = new EntityManager({ client, tableName: 'app' });
    const accounts = em.getRepository(Account);
    await expect(accounts.update('a', { email: 'b@x.io' }, { condition: { balance: { gt: 5 } } })).rejects.toMatchObject({ code: 'CONDITION_FAILED', fields: ['balance'] });
    await expect(em.transaction((tx) => tx.update(Account, 'a', { email: 'b@x.io' }, { condition: { balance: { gt: 5 } } }))).rejects.toMatchObject({
      code: 'CONDITION_FAILED',
      fields: ['balance'],
    });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'GetItem']);
  });
});
