import type { AttributeValue, CancellationReason } from '@aws-sdk/client-dynamodb';
import { EntityManager, VersionConflictError, WRITE_HISTORY } from '../../src';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { itemSize } from '../../src/marshalling/item-size';
import { addHistoryAttributes, holdsWrite, shiftedHistory, writeHistoryOf } from '../../src/marshalling/stored-item';
import { deleteMatchingInput } from '../../src/operations/entity-commands';
import { conditionCheckMatchingEntry } from '../../src/operations/transaction-commands';
import { awsError, fakeClient } from '../support/fake-client';
import { Account, User } from '../fixtures/entities';

type Item = Record<string, AttributeValue>;
const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
/** The history as a list, whatever its compact form (one string, or an array). */
const idsOf = (item: Item): string[] => {
  const history = writeHistoryOf(item);
  return history === undefined ? [] : typeof history === 'string' ? [history] : [...history];
};
const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${i}`);
const historyItem = (writes: string[]): Item => addHistoryAttributes({}, writes[0] as string, writes.slice(1));

describe('the write history of an item', () => {
  it('is _writeId then _w1.._w7: 8 slots, all reserved for the library', () => {
    expect(WRITE_HISTORY).toEqual(['_writeId', '_w1', '_w2', '_w3', '_w4', '_w5', '_w6', '_w7']);
  });

  it('a loaded history is kept compact: one string for one id, else an array of exactly its length', () => {
    expect(writeHistoryOf(historyItem(['a']))).toBe('a');
    expect(writeHistoryOf(shiftedHistory(historyItem(['a']), 'b'))).toEqual(['b', 'a']);
    expect(writeHistoryOf({})).toBeUndefined();
    expect(writeHistoryOf({ _writeId: { S: '' }, _w1: { S: 'old' } })).toBe('old');
    expect(idsOf(addHistoryAttributes({}, 'new', 'old'))).toEqual(['new', 'old']);
  });

  it('a put writes the new id first and carries at most 7 older ones', () => {
    const item = addHistoryAttributes({}, 'new', ids(10));
    expect(idsOf(item)).toEqual(['new', ...ids(7)]);
    expect(item._w8).toBeUndefined();
    expect(addHistoryAttributes({}, 'only', undefined)).toEqual({ _writeId: { S: 'only' } });
  });

  it('holdsWrite looks in every slot, and never matches a missing id or item', () => {
    const item = historyItem(ids(8));
    for (const id of ids(8)) expect(holdsWrite(item, id)).toBe(true);
    expect(holdsWrite(item, 'id8')).toBe(false);
    expect(holdsWrite(undefined, 'id0')).toBe(false);
    expect(holdsWrite(item, undefined)).toBe(false);
  });

  it('shiftedHistory computes what an update does in the engine: one slot down, the oldest dropped, gaps as ""', () => {
    expect(idsOf(shiftedHistory(historyItem(ids(8)), 'new'))).toEqual(['new', ...ids(7)]);
    expect(shiftedHistory(historyItem(['a']), 'b')).toMatchObject({ _writeId: { S: 'b' }, _w1: { S: 'a' }, _w2: { S: '' }, _w7: { S: '' } });
  });

  it('costs 19 bytes of item size after a create, 117 at most (8 ids of 11 characters): the README figures', () => {
    expect(itemSize(addHistoryAttributes({}, 'abcdefghijk', undefined))).toBe(19);
    expect(itemSize(shiftedHistory(historyItem(['abcdefghijk']), 'mnopqrstuvw'))).toBe(19 + 14 + 6 * 3);
    expect(itemSize(historyItem(Array.from({ length: 8 }, () => 'abcdefghijk')))).toBe(117);
  });

  it('a loaded entity carries its history into the next put, so another client can still find its write', () => {
    const users = EntityMapper.of(User);
    const stored: Item = {
      ...historyItem(['last', 'before']),
      PK: { S: 'user#john' }, SK: { S: 'user' }, _type: { S: 'user' }, uid: { S: UID }, version: { N: '2' },
      username: { S: 'john' }, email: { S: 'john@example.com' },
    };
    const item = users.toItem(users.fromItem(stored), { uid: UID, version: 3 });
    expect(idsOf(item).slice(1)).toEqual(['last', 'before']);
    expect(item._writeId?.S).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(idsOf(users.toItem(users.build({ username: 'new', email: 'n@example.com' }), { uid: UID, version: 1 }))).toHaveLength(1);
  });
});

describe('conditions on stored values, whatever the version', () => {
  const key = { PK: { S: 'account#a' }, SK: { S: 'account' } };
  it('a delete that releases guards depends on the uid and the unique values read', () => {
    expect(deleteMatchingInput('t', key, { uid: { S: UID }, email: { S: 'a@x.io' }, badge: undefined })).toEqual({
      TableName: 't',
      Key: key,
      ConditionExpression: '#c0 = :c0 AND #c1 = :c1 AND attribute_not_exists(#c2)',
      ExpressionAttributeNames: { '#c0': 'uid', '#c1': 'email', '#c2': 'badge' },
      ExpressionAttributeValues: { ':c0': { S: UID }, ':c1': { S: 'a@x.io' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('claimUniques checks the same, without writing the entity', () => {
    expect(conditionCheckMatchingEntry('t', key, { uid: { S: UID }, badge: { N: '7' } })).toEqual({
      ConditionCheck: {
        TableName: 't',
        Key: key,
        ConditionExpression: '#c0 = :c0 AND #c1 = :c1',
        ExpressionAttributeNames: { '#c0': 'uid', '#c1': 'badge' },
        ExpressionAttributeValues: { ':c0': { S: UID }, ':c1': { N: '7' } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    });
  });
});

describe('a canceled transaction that is in fact done', () => {
  const account = {
    PK: { S: 'account#alice' }, SK: { S: 'account' }, _type: { S: 'account' }, uid: { S: UID }, version: { N: '1' },
    handle: { S: 'alice' }, email: { S: 'alice@x.io' },
  };
  const canceled = (reasons: CancellationReason[]) => awsError('TransactionCanceledException', { CancellationReasons: reasons });

  function setup(reasons: (sent: Record<string, unknown>) => CancellationReason[]) {
    const { client, sent } = fakeClient((command) => {
      if (command.operation === 'GetItem') return { Item: account };
      throw canceled(reasons(command.input));
    });
    return { accounts: new EntityManager({ client, tableName: 'app' }).getRepository(Account), sent };
  }

  it('a create whose write id is found (other writes after it) is done, not EntityAlreadyExistsError', async () => {
    const { accounts } = setup((input) => {
      const put = (input.TransactItems as Array<{ Put?: { Item: Item } }>)[0]?.Put?.Item as Item;
      const later = historyItem(['other1', 'other2', put._writeId?.S as string]);
      return [{ Code: 'ConditionalCheckFailed', Item: { ...put, ...later } }, { Code: 'ConditionalCheckFailed' }];
    });
    await expect(accounts.create({ handle: 'alice', email: 'alice@x.io' })).resolves.toMatchObject({ version: 1 });
  });

  it('a delete whose item is gone is done, retried or not; a guard release that failed is not', async () => {
    const loaded = EntityMapper.of(Account).fromItem(account);
    const gone = setup(() => [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }]);
    await expect(gone.accounts.delete(loaded)).resolves.toBeUndefined();
    const stale = setup(() => [{ Code: 'ConditionalCheckFailed', Item: { ...account, version: { N: '2' } } }, { Code: 'None' }]);
    await expect(stale.accounts.delete(loaded)).rejects.toBeInstanceOf(VersionConflictError);
    const foreignGuard = setup(() => [{ Code: 'ConditionalCheckFailed' }, { Code: 'ConditionalCheckFailed', Item: { ownerUid: { S: 'other' } } }]);
    await expect(foreignGuard.accounts.delete(loaded)).rejects.toMatchObject({ code: 'VERSION_CONFLICT', actualVersion: null });
  });
});
