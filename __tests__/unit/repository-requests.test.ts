import type { SentCommand } from '../support/fake-client';
import { awsError, fakeClient } from '../support/fake-client';
import {
  DynamoDBRequestError,
  EntityAlreadyExistsError,
  EntityManager,
  EntityValidationError,
  InvalidArgumentError,
  ItemTooLargeError,
  MetadataError,
  VersionConflictError,
  isDynamoSingleTableError,
} from '../../src';
import { Group, User } from '../fixtures/entities';

const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';

function storedUser(version = 1) {
  return {
    PK: { S: 'user#john' }, SK: { S: 'user' }, _type: { S: 'user' }, uid: { S: UID }, version: { N: String(version) },
    username: { S: 'john' }, email: { S: 'john@example.com' },
  };
}

function setup(respond?: (command: SentCommand) => unknown) {
  const { client, sent } = fakeClient(respond);
  const em = new EntityManager({ client, tableName: 'app' });
  return { users: em.getRepository(User), groups: em.getRepository(Group), sent };
}

describe('requests per operation', () => {
  it('getByStr is one consistent GetItem', async () => {
    const { users, sent } = setup(() => ({ Item: storedUser() }));
    const user = await users.getByStr('john');
    expect(user.email).toBe('john@example.com');
    expect(sent).toEqual([{ operation: 'GetItem', input: { TableName: 'app', Key: { PK: { S: 'user#john' }, SK: { S: 'user' } }, ConsistentRead: true } }]);
  });

  it('create and getOrCreate of a new id are one conditional PutItem', async () => {
    const { users, sent } = setup();
    await users.create({ username: 'a', email: 'a@example.com' });
    const [, created] = await users.getOrCreate({ username: 'b', email: 'b@example.com' });
    expect(created).toBe(true);
    expect(sent.map((c) => `${c.operation}:${c.input.ConditionExpression}`)).toEqual([
      'PutItem:attribute_not_exists(#pk)',
      'PutItem:attribute_not_exists(#pk)',
    ]);
  });

  it('getOrCreate of an existing id takes the item from the failed condition (ALL_OLD): still one request', async () => {
    const { users, sent } = setup(() => {
      throw awsError('ConditionalCheckFailedException', { Item: storedUser(5) });
    });
    const [user, created] = await users.getOrCreate({ username: 'john', email: 'other@example.com' });
    expect(created).toBe(false);
    expect(user.version).toBe(5);
    expect(user.email).toBe('john@example.com');
    expect(sent).toHaveLength(1);
  });

  it('getOrCreate falls back to one consistent GetItem where the engine ignores ALL_OLD', async () => {
    const { users, sent } = setup(({ operation }) => {
      if (operation === 'PutItem') throw awsError('ConditionalCheckFailedException');
      return { Item: storedUser(2) };
    });
    const [user, created] = await users.getOrCreate({ username: 'john', email: 'other@example.com' });
    expect([created, user.version]).toEqual([false, 2]);
    expect(sent.map((c) => c.operation)).toEqual(['PutItem', 'GetItem']);
    expect(sent[1]?.input.ConsistentRead).toBe(true);
  });

  it('save of a loaded entity is one version-guarded PutItem, and bumps the version', async () => {
    const { users, sent } = setup(({ operation }) => (operation === 'GetItem' ? { Item: storedUser(3) } : {}));
    const user = await users.getByStr('john');
    user.age = 30;
    await users.save(user);
    expect(user.version).toBe(4);
    expect(sent).toHaveLength(2);
    expect(sent[1]?.input).toMatchObject({
      ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid',
      ExpressionAttributeValues: { ':expectedVersion': { N: '3' }, ':expectedUid': { S: UID } },
      Item: expect.objectContaining({ version: { N: '4' }, age: { N: '30' } }),
    });
  });

  it('a failed version guard is a VersionConflictError carrying the stored version, and the entity is unchanged', async () => {
    const { users } = setup(({ operation }) => {
      if (operation === 'GetItem') return { Item: storedUser(3) };
      throw awsError('ConditionalCheckFailedException', { Item: storedUser(9) });
    });
    const user = await users.getByStr('john');
    const error = await users.save(user).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VersionConflictError);
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 3, actualVersion: 9, entity: 'User' });
    expect(user.version).toBe(3);
  });

  it('create on a taken id is EntityAlreadyExistsError naming the entity, the field and the id', async () => {
    const { users } = setup(() => {
      throw awsError('ConditionalCheckFailedException');
    });
    const error = await users.create({ username: 'john', email: 'j@example.com' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntityAlreadyExistsError);
    expect((error as Error).message).toMatch(/^User with username "john" already exists/);
    expect((error as EntityAlreadyExistsError).cause).toBeInstanceOf(DynamoDBRequestError);
  });

  it('other AWS errors are wrapped, never leaked raw', async () => {
    const raw = awsError('ProvisionedThroughputExceededException');
    const { users } = setup(() => {
      throw raw;
    });
    const error = await users.findByStr('john').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoDBRequestError);
    expect(error).toMatchObject({ code: 'DYNAMODB_REQUEST_FAILED', awsErrorName: 'ProvisionedThroughputExceededException', operation: 'GetItem', retryable: true, cause: raw });
    expect(isDynamoSingleTableError(error, 'DYNAMODB_REQUEST_FAILED')).toBe(true);
  });

  it('a non-AWS failure (an HTML 500 the SDK cannot parse) is wrapped too', async () => {
    const { users } = setup(() => {
      throw new SyntaxError('Unexpected token < in JSON');
    });
    await expect(users.findByStr('john')).rejects.toMatchObject({ code: 'DYNAMODB_REQUEST_FAILED', awsErrorName: 'SyntaxError' });
  });
});

describe('bad input sends nothing', () => {
  const cases: Array<[string, (r: ReturnType<typeof setup>) => Promise<unknown>, new (...args: never[]) => Error]> = [
    ['failing class-validator constraints', (r) => r.users.create({ username: 'x', email: 'not-an-email' }), EntityValidationError],
    ['a missing str id', (r) => r.users.create({ email: 'x@example.com' }), EntityValidationError],
    ['an empty str id', (r) => r.users.getOrCreate({ username: '', email: 'x@example.com' }), EntityValidationError],
    ['a str id too long for the key', (r) => r.users.create({ username: 'é'.repeat(1100), email: 'x@example.com' }), EntityValidationError],
    ['NaN', (r) => r.users.create({ username: 'x', email: 'x@example.com', settings: { n: NaN } }), EntityValidationError],
    ['a function', (r) => r.users.create({ username: 'x', email: 'x@example.com', settings: { f: () => 1 } }), EntityValidationError],
    ['an unknown property', (r) => r.users.create({ username: 'x', email: 'x@example.com', colour: 'red' } as never), EntityValidationError],
    ['an item over 400 KB', (r) => r.groups.create({ name: 'big', title: 'x'.repeat(410_000) }), ItemTooLargeError],
    ['an empty id to getByStr', (r) => r.users.getByStr(''), EntityValidationError],
    ['an id too long to findByStr', (r) => r.users.findByStr('x'.repeat(3000)), EntityValidationError],
    ['an id too long to deleteByStr', (r) => r.users.deleteByStr('x'.repeat(3000)), EntityValidationError],
    ['a malformed uid', (r) => r.users.findByUid('nope'), InvalidArgumentError],
    ['a malformed cursor', async (r) => r.users.query({ cursor: 'garbage' }), InvalidArgumentError],
    ['a zero limit', async (r) => r.users.query({ limit: 0 }), InvalidArgumentError],
    ['an unknown order', async (r) => r.users.query({ order: 'up' as never }), InvalidArgumentError],
    ['saving a never-saved copy with a forged version', (r) => r.users.save(Object.assign(new User(), { username: 'x', email: 'x@example.com', version: 2 })), InvalidArgumentError],
    ['saving plain data', (r) => r.users.save({ username: 'x' } as never), InvalidArgumentError],
  ];

  it.each(cases)('%s', async (_, act, errorClass) => {
    const run = setup(() => {
      throw new Error('no request should be sent');
    });
    await expect(act(run)).rejects.toBeInstanceOf(errorClass);
    expect(run.sent).toEqual([]);
  });

  it('a class that was never decorated', () => {
    class Undecorated {
      name!: string;
    }
    const { client } = fakeClient();
    expect(() => new EntityManager({ client, tableName: 'app' }).getRepository(Undecorated)).toThrow(MetadataError);
  });

  it('changing the str id of a loaded entity and saving it', async () => {
    const run = setup(() => ({ Item: storedUser(1) }));
    const user = await run.users.getByStr('john');
    user.username = 'johnny';
    await expect(run.users.save(user)).rejects.toThrow(/username changed from "john" to "johnny"/);
    expect(run.sent.map((c) => c.operation)).toEqual(['GetItem']);
  });

  it('an invalid table name or a missing client', () => {
    const { client } = fakeClient();
    expect(() => new EntityManager({ client, tableName: 'a' })).toThrow(InvalidArgumentError);
    expect(() => new EntityManager({ client: undefined as never, tableName: 'app' })).toThrow(InvalidArgumentError);
  });
});

describe('error classification', () => {
  it('a dropped connection (ECONNRESET) is retryable: the request may or may not have been applied', async () => {
    const { client } = fakeClient(() => {
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: { attempts: 3 } });
    });
    const error = await new EntityManager({ client, tableName: 'app' }).getRepository(Group).findByStr('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DYNAMODB_REQUEST_FAILED', retryable: true, attempts: 3 });
  });

  it('a validation error from DynamoDB is not retryable', async () => {
    const { client } = fakeClient(() => {
      throw awsError('ValidationException');
    });
    const error = await new EntityManager({ client, tableName: 'app' }).getRepository(Group).findByStr('x').catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: false, attempts: 1 });
  });
});

describe('logging and consumed capacity', () => {
  it('asks for consumed capacity when configured and logs each request with it', async () => {
    const { client, sent } = fakeClient(() => ({ Item: storedUser(), ConsumedCapacity: { TableName: 'app', CapacityUnits: 1 } }));
    const logs: Array<[string, Record<string, unknown> | undefined]> = [];
    const em = new EntityManager({ client, tableName: 'app', returnConsumedCapacity: 'TOTAL', logger: { debug: (message, context) => logs.push([message, context]) } });
    await em.getRepository(User).getByStr('john');
    expect(sent[0]?.input.ReturnConsumedCapacity).toBe('TOTAL');
    expect(logs).toEqual([
      ['dynamodb request', { operation: 'GetItem', entity: 'User', durationMs: expect.any(Number), consumedCapacity: { TableName: 'app', CapacityUnits: 1 } }],
    ]);
  });

  it('sends no capacity request and logs nothing without the options', async () => {
    const { client, sent } = fakeClient(() => ({ Item: storedUser() }));
    await new EntityManager({ client, tableName: 'app' }).getRepository(User).getByStr('john');
    expect(sent[0]?.input).not.toHaveProperty('ReturnConsumedCapacity');
  });
});
