import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import {
  BatchDeleteIncompleteError,
  BatchGetIncompleteError,
  BatchSaveIncompleteError,
  DynamoDBRequestError,
  EntityManager,
  EntityValidationError,
  InvalidArgumentError,
  ItemTooLargeError,
  Table,
  StrId,
  Field,
  Unique,
  isDynamoSingleTableError,
} from '../../src';
import { awsError, fakeClient } from '../support/fake-client';
import { batchSetup, groupsNamed, requestSizes } from '../support/fake-batch-table';
import { Group, User } from '../fixtures/entities';

describe('saveMany', () => {
  it('sends nothing for no entities', async () => {
    const { groups, sent } = batchSetup();
    await expect(groups.saveMany([])).resolves.toEqual([]);
    expect(sent).toEqual([]);
  });

  it('writes one unconditional put per entity, 25 per BatchWriteItem, and marks each instance stored', async () => {
    const { groups, sent, stored } = batchSetup();
    const input = groupsNamed(26);
    const saved = await groups.saveMany(input);
    expect(saved).toEqual(input);
    expect(saved[0]).toBe(input[0]);
    expect(requestSizes(sent)).toEqual([25, 1]);
    expect(sent.map((c) => c.operation)).toEqual(['BatchWriteItem', 'BatchWriteItem']);
    const last = input[25] as Group;
    expect(sent[1]?.input).toEqual({ RequestItems: { app: [{ PutRequest: { Item: stored.get('group#g25') } }] } });
    expect(stored.get('group#g25')).toMatchObject({ PK: { S: 'group#g25' }, uid: { S: last.uid }, version: { N: '1' }, title: { S: 'T25' } });
    expect(JSON.stringify(sent)).not.toMatch(/ConditionExpression/);
    for (const group of input) expect([group.version, typeof group.uid]).toEqual([1, 'string']);
  });

  it('accepts plain data and bumps the version of loaded entities, keeping their uid', async () => {
    const { groups } = batchSetup();
    const [first] = await groups.saveMany([{ name: 'plain', title: 'x' }]);
    expect(first).toBeInstanceOf(Group);
    const [loaded] = await groups.getMany(['plain']);
    const uid = (loaded as Group).uid;
    await groups.saveMany([loaded as Group]);
    expect([loaded?.version, loaded?.uid]).toEqual([2, uid]);
  });

  it('resends only the unprocessed items, until none is left', async () => {
    const { groups, sent, stored } = batchSetup({ unprocessed: (_, call) => [3, 1, 0][call - 1] ?? 0 });
    const input = groupsNamed(10);
    await groups.saveMany(input);
    expect(requestSizes(sent)).toEqual([10, 3, 1]);
    const resent = (sent[1]?.input.RequestItems as { app: WriteRequest[] }).app.map((r) => r.PutRequest?.Item?.PK?.S);
    expect(resent).toEqual(['group#g7', 'group#g8', 'group#g9']);
    expect(stored.size).toBe(10);
    for (const group of input) expect(group.version).toBe(1);
  });

  it('when retries run out, the error lists exactly the entities not written; only written ones are marked stored', async () => {
    // One chunk at a time (batch-concurrency.test.ts covers chunks in parallel). The first request
    // writes all but 3; after that nothing is ever processed.
    const { groups, sent, stored } = batchSetup({ unprocessed: (_, call, size) => (call === 1 ? 3 : size), maxAttempts: 3, concurrency: 1 });
    const input = groupsNamed(30);
    const error = (await groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;
    expect(error).toBeInstanceOf(BatchSaveIncompleteError);
    expect(isDynamoSingleTableError(error, 'BATCH_SAVE_INCOMPLETE')).toBe(true);
    // Chunk 1: 22 written, 3 stuck for 3 fruitless attempts; chunk 2 (5 entities) never sent.
    expect(requestSizes(sent)).toEqual([25, 3, 3, 3]);
    expect(error.unsaved).toEqual([...input.slice(22, 25), ...input.slice(25)]);
    expect(error.saved).toEqual(input.slice(0, 22));
    expect(error.outcomeUnknown).toEqual([]);
    expect(error.message).toMatch(/saved 22 entities but not 8: "g22", "g23", "g24", "g25", "g26" and 3 more/);
    expect([...stored.keys()].sort()).toEqual(input.slice(0, 22).map((g) => `group#${g.name}`).sort());
    for (const group of error.saved) expect(group.version).toBe(1);
    for (const group of error.unsaved) expect([group.uid, group.version]).toEqual([undefined, undefined]);
  });

  it('a request that processes something resets the attempt count: a batch served a little at a time completes', async () => {
    const { groups, sent, stored } = batchSetup({ unprocessed: (_, __, size) => size - 1, maxAttempts: 2 });
    await groups.saveMany(groupsNamed(6));
    expect(requestSizes(sent)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(stored.size).toBe(6);
  });

  it('retries whole requests that failed transiently (throttling, 5xx, lost connection)', async () => {
    const transient = [
      awsError('ProvisionedThroughputExceededException'),
      awsError('InternalServerError', { $metadata: { httpStatusCode: 500 } }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ];
    const { groups, sent, stored } = batchSetup({
      maxAttempts: 4,
      fail: (_, call) => {
        if (call <= transient.length) throw transient[call - 1];
      },
    });
    await groups.saveMany(groupsNamed(2));
    expect(sent).toHaveLength(4);
    expect(stored.size).toBe(2);
  });

  it('when transient failures outlast the retries, entities of a request that may have been applied are flagged', async () => {
    const { groups, sent } = batchSetup({
      maxAttempts: 2,
      fail: (_, call) => {
        throw call === 1 ? awsError('InternalServerError', { $metadata: { httpStatusCode: 500 } }) : awsError('ThrottlingException');
      },
    });
    const input = groupsNamed(2);
    const error = (await groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;
    expect(sent).toHaveLength(2);
    expect(error.unsaved).toEqual(input);
    expect(error.outcomeUnknown).toEqual(input); // the 500 leaves it open whether the first request landed
    expect(error.cause).toBeInstanceOf(DynamoDBRequestError);
    expect((error.cause as DynamoDBRequestError).awsErrorName).toBe('ThrottlingException');
  });

  it('does not retry a request DynamoDB refused outright; nothing was written', async () => {
    const { groups, sent } = batchSetup({
      fail: () => {
        throw awsError('ValidationException');
      },
    });
    const input = groupsNamed(3);
    const error = (await groups.saveMany(input).catch((e: unknown) => e)) as BatchSaveIncompleteError<Group>;
    expect(sent).toHaveLength(1);
    expect([error.unsaved, error.outcomeUnknown, error.saved]).toEqual([input, [], []]);
    expect((error.cause as DynamoDBRequestError).awsErrorName).toBe('ValidationException');
  });

  const badBatches: Array<[string, (r: ReturnType<typeof batchSetup>) => Promise<unknown>, new (...args: never[]) => Error]> = [
    ['one invalid entity among valid ones', (r) => r.users.saveMany([{ username: 'a', email: 'a@example.com' }, { username: 'b', email: 'nope' }]), EntityValidationError],
    ['one entity without a str id', (r) => r.groups.saveMany([...groupsNamed(30), { title: 'no name' }]), EntityValidationError],
    ['one item over 400 KB', (r) => r.groups.saveMany([...groupsNamed(3), { name: 'big', title: 'x'.repeat(410_000) }]), ItemTooLargeError],
    ['two entities with the same str id', (r) => r.groups.saveMany([...groupsNamed(3), { name: 'g1' }]), InvalidArgumentError],
    ['the same instance twice', (r) => { const [g] = groupsNamed(1); return r.groups.saveMany([g as Group, g as Group]); }, InvalidArgumentError],
    ['a managed version in plain data', (r) => r.groups.saveMany([{ name: 'v', version: 3 } as never]), EntityValidationError],
    ['a forged version without a uid', (r) => r.groups.saveMany([Object.assign(new Group(), { name: 'v', version: 3 })]), InvalidArgumentError],
    ['not an array', (r) => r.groups.saveMany('g1' as never), InvalidArgumentError],
  ];

  it.each(badBatches)('refuses %s before sending anything', async (_, act, errorClass) => {
    const run = batchSetup();
    await expect(act(run)).rejects.toBeInstanceOf(errorClass);
    expect(run.sent).toEqual([]);
  });

  it('says which input an invalid entity is, in each property path', async () => {
    const { users } = batchSetup();
    const error = (await users
      .saveMany([{ username: 'a', email: 'a@example.com' }, { username: 'b', email: 'a@example.com' }, { username: 'c', email: 'nope', age: -1 }])
      .catch((e: unknown) => e)) as EntityValidationError;
    expect(error).toBeInstanceOf(EntityValidationError);
    expect(error.violations.map((v) => v.property)).toEqual(['2.email', '2.age']);
    expect(error.message).toMatch(/^User is invalid: 2\.email: email must be an email/);
  });

  it('names the duplicated str ids', async () => {
    const { groups } = batchSetup();
    await expect(groups.saveMany([{ name: 'a' }, { name: 'b' }, { name: 'a' }])).rejects.toThrow(/same name: "a"/);
  });

  it('refuses a loaded entity whose str id was edited', async () => {
    const run = batchSetup();
    await run.groups.saveMany([{ name: 'old' }]);
    const [loaded] = await run.groups.getMany(['old']);
    (loaded as Group).name = 'new';
    run.sent.length = 0;
    await expect(run.groups.saveMany([loaded as Group])).rejects.toThrow(/changed from "old" to "new"/);
    await expect(run.groups.deleteMany([loaded as Group])).rejects.toThrow(/changed from "old" to "new"/);
    expect(run.sent).toEqual([]);
  });
});

describe('getMany', () => {
  it('sends nothing for no ids', async () => {
    const { groups, sent } = batchSetup();
    await expect(groups.getMany([])).resolves.toEqual([]);
    expect(sent).toEqual([]);
  });

  it('returns input order with undefined for missing ids; repeated ids are read once and share one instance', async () => {
    const { groups, sent } = batchSetup();
    await groups.saveMany([{ name: 'a' }, { name: 'b' }]);
    sent.length = 0;
    const found = await groups.getMany(['b', 'missing', 'a', 'b']);
    expect(found.map((g) => g?.name)).toEqual(['b', undefined, 'a', 'b']);
    expect(found[0]).toBe(found[3]);
    expect(found[0]).toBeInstanceOf(Group);
    expect(sent).toEqual([
      {
        operation: 'BatchGetItem',
        input: { RequestItems: { app: { Keys: ['b', 'missing', 'a'].map((id) => ({ PK: { S: `group#${id}` }, SK: { S: 'group' } })), ConsistentRead: true } } },
      },
    ]);
  });

  it('asks for at most 100 keys per request', async () => {
    const { groups, sent } = batchSetup();
    await groups.getMany(Array.from({ length: 201 }, (_, i) => `id${i}`));
    expect(requestSizes(sent)).toEqual([100, 100, 1]);
  });

  it('resends unprocessed keys until all are read', async () => {
    const { groups, sent } = batchSetup({ unprocessed: (operation, call) => (operation === 'BatchGetItem' && call === 1 ? 2 : 0) });
    await groups.saveMany(groupsNamed(5));
    sent.length = 0;
    const found = await groups.getMany(['g0', 'g1', 'g2', 'g3', 'g4']);
    expect(found.map((g) => g?.name)).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
    expect(requestSizes(sent)).toEqual([5, 2]);
  });

  it('when retries run out, the error names the unread ids and carries what was read', async () => {
    const { groups } = batchSetup({ unprocessed: (operation) => (operation === 'BatchGetItem' ? 1 : 0), maxAttempts: 2 });
    await groups.saveMany(groupsNamed(3));
    const error = (await groups.getMany(['g0', 'nobody', 'g2', 'g1']).catch((e: unknown) => e)) as BatchGetIncompleteError<Group>;
    expect(error).toBeInstanceOf(BatchGetIncompleteError);
    expect(error.code).toBe('BATCH_GET_INCOMPLETE');
    expect(error.unreadStrIds).toEqual(['g1']);
    expect(error.results.map((g) => g?.name)).toEqual(['g0', undefined, 'g2', undefined]);
  });

  it('checks every id before sending anything', async () => {
    const { groups, sent } = batchSetup();
    await expect(groups.getMany(['fine', ''])).rejects.toBeInstanceOf(EntityValidationError);
    await expect(groups.getMany(['fine', 42 as never])).rejects.toBeInstanceOf(EntityValidationError);
    await expect(groups.getMany(undefined as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });
});

describe('deleteMany', () => {
  it('sends nothing for no targets', async () => {
    const { groups, sent } = batchSetup();
    await groups.deleteMany([]);
    expect(sent).toEqual([]);
  });

  it('deletes instances and str ids unconditionally, 25 per request, each key once', async () => {
    const { groups, sent, stored } = batchSetup();
    const input = await groups.saveMany(groupsNamed(30));
    sent.length = 0;
    await groups.deleteMany([...input.slice(0, 10), ...input.slice(10).map((g) => g.name), 'g0', 'never-existed']);
    expect(requestSizes(sent)).toEqual([25, 6]);
    expect(sent[1]?.input).toEqual({
      RequestItems: { app: [...['g25', 'g26', 'g27', 'g28', 'g29', 'never-existed'].map((id) => ({ DeleteRequest: { Key: { PK: { S: `group#${id}` }, SK: { S: 'group' } } } }))] },
    });
    expect(stored.size).toBe(0);
  });

  it('when retries run out, the error lists exactly the str ids not deleted', async () => {
    const { groups, stored } = batchSetup({ unprocessed: (operation, call, size) => (operation === 'BatchWriteItem' && call > 1 ? Math.min(size, 2) : 0), maxAttempts: 2 });
    await groups.saveMany(groupsNamed(4));
    const error = (await groups.deleteMany(['g0', 'g1', 'g2', 'g3']).catch((e: unknown) => e)) as BatchDeleteIncompleteError;
    expect(error).toBeInstanceOf(BatchDeleteIncompleteError);
    expect(error.code).toBe('BATCH_DELETE_INCOMPLETE');
    expect(error.undeletedStrIds).toEqual(['g2', 'g3']);
    expect([...stored.keys()]).toEqual(['group#g2', 'group#g3']);
  });

  it('refuses anything but instances of the class and valid str ids, before sending anything', async () => {
    const { groups, sent } = batchSetup();
    await expect(groups.deleteMany([{ name: 'plain' } as never])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(groups.deleteMany([new User() as never])).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(groups.deleteMany(['ok', ''])).rejects.toBeInstanceOf(EntityValidationError);
    expect(sent).toEqual([]);
  });
});

describe('classes with unique fields (their guards need transactions)', () => {
  @Table('badge')
  class Badge {
    @StrId() code!: string;
    @Field() @Unique() owner?: string;
  }

  it('are refused by saveMany and deleteMany', async () => {
    const { client, sent } = fakeClient();
    const badges = new EntityManager({ client, tableName: 'app' }).getRepository(Badge);
    await expect(badges.saveMany([{ code: 'b1', owner: 'x' }])).rejects.toThrow(/@Unique\(\) fields \(owner\)/);
    await expect(badges.deleteMany(['b1'])).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });
});
