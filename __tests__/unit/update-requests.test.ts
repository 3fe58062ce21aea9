import { EntityManager, EntityValidationError, InvalidArgumentError } from '../../src';
import { buildConditionExpression, buildUpdateExpression } from '../../src/expressions';
import { updateItemInput } from '../../src/operations';
import { fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';
import { User } from '../fixtures/entities';

const key = { PK: { S: 'user#john' }, SK: { S: 'user' } };

describe('update expressions', () => {
  it('sets, removes and increments with update-only placeholders', () => {
    const { expression, attributes } = buildUpdateExpression([
      { kind: 'set', attribute: 'email', value: { S: 'a@b.co' } },
      { kind: 'remove', attribute: 'nickname' },
      { kind: 'increment', attribute: 'age', by: { N: '2' } },
    ]);
    expect(expression).toBe('SET #u0 = :u0, #u2 = if_not_exists(#u2, :u1) + :u2 REMOVE #u1');
    expect(attributes.names).toEqual({ '#u0': 'email', '#u1': 'nickname', '#u2': 'age' });
    expect(attributes.values).toEqual({ ':u0': { S: 'a@b.co' }, ':u1': { N: '0' }, ':u2': { N: '2' } });
  });

  it('conditions use their own prefix, so they never clash with update placeholders', () => {
    const { expression, attributes } = buildConditionExpression([
      { kind: 'exists', attribute: 'PK' },
      { kind: 'equals', attribute: 'version', value: { N: '3' } },
      { kind: 'sameAs', attribute: 'email', stored: { S: 'a@b.co' } },
      { kind: 'sameAs', attribute: 'badge', stored: undefined },
      { kind: 'sameAs', attribute: 'nick', stored: { NULL: true } },
    ]);
    expect(expression).toBe(
      'attribute_exists(#c0) AND #c1 = :c0 AND #c2 = :c1 AND attribute_not_exists(#c3) AND attribute_type(#c4, :c2)',
    );
    expect(attributes.values).toEqual({ ':c0': { N: '3' }, ':c1': { S: 'a@b.co' }, ':c2': { S: 'NULL' } });
  });

  it('"not applied yet" looks for the write id in every slot of the write history', () => {
    const { expression, attributes } = buildConditionExpression([{ kind: 'writeNotRecorded', writeId: 'w' }]);
    expect(expression).toBe('NOT (#w0 = :wid OR #w1 = :wid OR #w2 = :wid OR #w3 = :wid OR #w4 = :wid OR #w5 = :wid OR #w6 = :wid OR #w7 = :wid)');
    expect(Object.values(attributes.names)).toEqual(['_writeId', '_w1', '_w2', '_w3', '_w4', '_w5', '_w6', '_w7']);
    expect(attributes.values).toEqual({ ':wid': { S: 'w' } });
  });

  it('recording a write shifts the history oldest slot first, so engines applying SETs in order agree', () => {
    const { expression, attributes } = buildUpdateExpression([], 'w');
    expect(expression).toBe(
      'SET #w7 = if_not_exists(#w6, :wnone), #w6 = if_not_exists(#w5, :wnone), #w5 = if_not_exists(#w4, :wnone), ' +
        '#w4 = if_not_exists(#w3, :wnone), #w3 = if_not_exists(#w2, :wnone), #w2 = if_not_exists(#w1, :wnone), ' +
        '#w1 = if_not_exists(#w0, :wnone), #w0 = :wid',
    );
    expect(attributes.names['#w0']).toBe('_writeId');
    expect(attributes.names['#w7']).toBe('_w7');
    expect(attributes.values).toEqual({ ':wnone': { S: '' }, ':wid': { S: 'w' } });
  });

  it('an entity update bumps the version, records the write id and only applies once', () => {
    const input = updateItemInput('t', key, { changes: [{ kind: 'set', attribute: 'age', value: { N: '5' } }], writeId: 'w1', expectedVersion: 4 });
    const history = ['_writeId', '_w1', '_w2', '_w3', '_w4', '_w5', '_w6', '_w7'];
    const shift = [7, 6, 5, 4, 3, 2, 1].map((i) => `#w${i} = if_not_exists(#w${i - 1}, :wnone)`).join(', ');
    expect(input).toEqual({
      TableName: 't',
      Key: key,
      UpdateExpression: `SET #u0 = :u0, #u1 = if_not_exists(#u1, :u1) + :u2, ${shift}, #w0 = :wid`,
      ConditionExpression: 'attribute_exists(#c0) AND #c1 = :c0 AND NOT (' + history.map((_, i) => `#w${i} = :wid`).join(' OR ') + ')',
      ExpressionAttributeNames: {
        '#u0': 'age',
        '#u1': 'version',
        ...Object.fromEntries(history.map((name, i) => [`#w${i}`, name])),
        '#c0': 'PK',
        '#c1': 'version',
      },
      ExpressionAttributeValues: { ':u0': { N: '5' }, ':u1': { N: '0' }, ':u2': { N: '1' }, ':wid': { S: 'w1' }, ':wnone': { S: '' }, ':c0': { N: '4' } },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });
});

describe('update() and increment() requests', () => {
  function setup(respond: (command: SentCommand) => unknown = () => ({ Attributes: { uid: { S: 'u' }, version: { N: '2' }, username: { S: 'john' } } })) {
    const { client, sent } = fakeClient(respond);
    return { users: new EntityManager({ client, tableName: 'app' }).getRepository(User), sent };
  }

  it('is one UpdateItem with only the patched fields (undefined removes, null stores NULL)', async () => {
    const { users, sent } = setup();
    const updated = await users.update('john', { age: 5, nickname: undefined, address: null as never });
    expect(updated).toBeInstanceOf(User);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.operation).toBe('UpdateItem');
    expect(sent[0]?.input.UpdateExpression).toMatch(/^SET #u0 = :u0, #u2 = :u1, .* REMOVE #u1$/);
    expect(sent[0]?.input.ExpressionAttributeNames).toMatchObject({ '#u0': 'age', '#u1': 'nickname', '#u2': 'address' });
    expect(sent[0]?.input.ExpressionAttributeValues).toMatchObject({ ':u0': { N: '5' }, ':u1': { NULL: true } });
  });

  it('validates only the patched fields', async () => {
    const { users, sent } = setup();
    await users.update('john', { age: 3 }); // email is required by @IsEmail but not patched
    await expect(users.update('john', { email: 'nope' })).rejects.toBeInstanceOf(EntityValidationError);
    await expect(users.update('john', { age: -1 })).rejects.toThrow(/age must not be less than 0/);
    expect(sent).toHaveLength(1);
  });

  it.each([
    ['an unknown field', { colour: 'red' }, EntityValidationError],
    ['the str id', { username: 'other' }, EntityValidationError],
    ['the version', { version: 3 }, EntityValidationError],
    ['an unstorable value', { settings: { n: NaN } }, EntityValidationError],
    ['an empty patch', {}, InvalidArgumentError],
  ])('refuses %s without a request', async (_, patch, errorClass) => {
    const { users, sent } = setup();
    await expect(users.update('john', patch as never)).rejects.toBeInstanceOf(errorClass);
    expect(sent).toEqual([]);
  });

  it('increment refuses non-number fields and non-finite amounts without a request', async () => {
    const { users, sent } = setup();
    await expect(users.increment('john', 'email' as never)).rejects.toThrow(/not a number field/);
    await expect(users.increment('john', 'age', NaN)).rejects.toThrow(/finite amount/);
    await expect(users.update('john', { age: 1 }, { expectedVersion: 0 })).rejects.toThrow(/expectedVersion/);
    expect(sent).toEqual([]);
  });
});
