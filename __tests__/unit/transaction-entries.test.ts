import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BaseEntity, EntityValidationError, Field, Index, StrId, Table, Unique } from '../../src';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import {
  claimEntries,
  createEntries,
  deleteEntries,
  deleteStoredEntries,
  guardChanges,
  saveEntries,
  uniqueUpdateEntries,
} from '../../src/operations/transaction-entries';

/** The entries of each entity write in a transaction, compared by their exact requests. */

type Item = Record<string, AttributeValue>;

@Table('member')
@Index('byTeam', { partition: ['team'], sort: ['joined'] })
class Member extends BaseEntity {
  @StrId() @Field() handle!: string;
  @Unique() @Field() email!: string;
  @Field() team?: string;
  @Field() joined?: number;
}

const TABLE = 't';
const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
const mapper = EntityMapper.of(Member);
const memberKey = { PK: { S: 'member#ada' }, SK: { S: 'member' } };
const guardKey = (email: string) => ({ PK: { S: `member.email#${email}` }, SK: { S: 'member.email' } });
const anyWriteId = expect.stringMatching(/^[A-Za-z0-9_-]{11}$/) as unknown as string;
const guardItem = (email: string) => ({
  ...guardKey(email),
  ownerUid: { S: UID },
  ownerStrId: { S: 'ada' },
  _writeId: { S: anyWriteId },
});
const claim = (email: string) => ({
  Put: {
    TableName: TABLE,
    Item: guardItem(email),
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': 'PK' },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  },
});
const release = (email: string) => ({
  Delete: {
    TableName: TABLE,
    Key: guardKey(email),
    ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner',
    ExpressionAttributeNames: { '#pk': 'PK', '#owner': 'ownerUid' },
    ExpressionAttributeValues: { ':owner': { S: UID } },
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  },
});

function member(fields: Partial<Member>): Member {
  return Object.assign(new Member(), { handle: 'ada', email: 'ada@example.com', ...fields });
}

function storedItem(fields: Partial<Member>, version = 3): Item {
  return mapper.toItem(member(fields), { uid: UID, version });
}

describe('transaction entries by exact request', () => {
  it('create: a put of the whole item (index keys included) while the key is free, and a claim per unique value', () => {
    const entity = member({ team: 'red', joined: 7 });
    const item = mapper.toItem(entity, { uid: UID, version: 1 });
    const entries = createEntries(TABLE, mapper, { entity, strId: 'ada', identity: { uid: UID, version: 1 }, item, uidGiven: false });
    expect(entries.map((e) => e.request)).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'PK' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      claim('ada@example.com'),
    ]);
    expect(item._gsi1pk).toEqual({ S: 'member#byTeam#red #' });
    expect(entries.map((e) => e.operation)).toEqual(['create', 'uniqueGuard']);
    expect(entries[0]?.writeId).toBe(item._writeId?.S);
  });

  it('save: a put guarded by version, uid and the unique values it releases; a changed unique value releases the old guard and claims the new one', () => {
    const entity = member({ email: 'new@example.com' });
    const item = mapper.toItem(entity, { uid: UID, version: 4 });
    const expected = { uid: UID, version: 3 };
    const entries = saveEntries(TABLE, mapper, { entity, strId: 'ada', expected, item, before: { email: 'ada@example.com' } });
    expect(entries.map((e) => e.request)).toEqual([
      {
        Put: {
          TableName: TABLE,
          Item: item,
          ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid AND #uq0 = :uq0',
          ExpressionAttributeNames: { '#version': 'version', '#uid': 'uid', '#uq0': 'email' },
          ExpressionAttributeValues: { ':expectedVersion': { N: '3' }, ':expectedUid': { S: UID }, ':uq0': { S: 'ada@example.com' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      release('ada@example.com'),
      claim('new@example.com'),
    ]);
    expect(entries.map((e) => e.operation)).toEqual(['save', 'uniqueRelease', 'uniqueGuard']);
  });

  it('save with unchanged unique values writes no guard', () => {
    const entity = member({});
    const item = mapper.toItem(entity, { uid: UID, version: 4 });
    const entries = saveEntries(TABLE, mapper, { entity, strId: 'ada', expected: { uid: UID, version: 3 }, item, before: { email: 'ada@example.com' } });
    expect(entries).toHaveLength(1);
  });

  it('delete: guarded by version, uid and the unique values it releases, releasing every guard held', () => {
    const entries = deleteEntries(TABLE, mapper, { strId: 'ada', expected: { uid: UID, version: 3 }, before: { email: 'ada@example.com' } });
    expect(entries.map((e) => e.request)).toEqual([
      {
        Delete: {
          TableName: TABLE,
          Key: memberKey,
          ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid AND #uq0 = :uq0',
          ExpressionAttributeNames: { '#version': 'version', '#uid': 'uid', '#uq0': 'email' },
          ExpressionAttributeValues: { ':expectedVersion': { N: '3' }, ':expectedUid': { S: UID }, ':uq0': { S: 'ada@example.com' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      release('ada@example.com'),
    ]);
  });

  it('delete of a stored item whatever its version: conditioned on the uid and unique values read', () => {
    const entries = deleteStoredEntries(TABLE, mapper, 'ada', storedItem({}));
    expect(entries.map((e) => e.request)).toEqual([
      {
        Delete: {
          TableName: TABLE,
          Key: memberKey,
          ConditionExpression: '#c0 = :c0 AND #c1 = :c1',
          ExpressionAttributeNames: { '#c0': 'uid', '#c1': 'email' },
          ExpressionAttributeValues: { ':c0': { S: UID }, ':c1': { S: 'ada@example.com' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      release('ada@example.com'),
    ]);
    expect(entries[0]?.expectedVersion).toBe(3);
  });

  it('update of a unique field only: conditioned on the uid and unique values read, no index key touched', () => {
    const item = storedItem({ team: 'red', joined: 7 });
    const changes = [{ kind: 'set' as const, attribute: 'email', value: { S: 'b@example.com' } }];
    const { entries } = uniqueUpdateEntries(TABLE, mapper, { strId: 'ada', item }, changes, undefined);
    const update = entries[0]?.request.Update;
    expect(update?.ConditionExpression).toBe(
      'attribute_exists(#c0) AND #c1 = :c0 AND #c2 = :c1 AND NOT (#w0 = :wid OR #w1 = :wid OR #w2 = :wid OR #w3 = :wid OR #w4 = :wid OR #w5 = :wid OR #w6 = :wid OR #w7 = :wid)',
    );
    expect(update?.ExpressionAttributeNames).toMatchObject({ '#c0': 'PK', '#c1': 'uid', '#c2': 'email' });
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':c0': { S: UID }, ':c1': { S: 'ada@example.com' } });
    expect(Object.values(update?.ExpressionAttributeNames ?? {}).filter((name) => name.startsWith('_gsi'))).toEqual([]);
    expect(entries.slice(1).map((e) => e.request)).toEqual([release('ada@example.com'), claim('b@example.com')]);
  });

  it('update of a unique field and an index key field: the new key comes from the stored item overlaid with the patch', () => {
    const item = storedItem({ team: 'red', joined: 7 });
    const changes = [
      { kind: 'set' as const, attribute: 'email', value: { S: 'b@example.com' } },
      { kind: 'set' as const, attribute: 'team', value: { S: 'blue' } },
    ];
    const { indexKeys } = uniqueUpdateEntries(TABLE, mapper, { strId: 'ada', item }, changes, 3);
    expect(indexKeys).toEqual([
      { kind: 'set', attribute: '_gsi1pk', value: { S: 'member#byTeam#blue #' } },
      { kind: 'set', attribute: '_gsi1sk', value: item._gsi1sk },
    ]);
  });

  it('claimUniques: a check that the entity still holds what was read, and a rewrite of each guard it owns or that is missing', () => {
    const entries = claimEntries(TABLE, mapper, 'ada', storedItem({}));
    expect(entries.map((e) => e.request)).toEqual([
      {
        ConditionCheck: {
          TableName: TABLE,
          Key: memberKey,
          ConditionExpression: '#c0 = :c0 AND #c1 = :c1',
          ExpressionAttributeNames: { '#c0': 'uid', '#c1': 'email' },
          ExpressionAttributeValues: { ':c0': { S: UID }, ':c1': { S: 'ada@example.com' } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: TABLE,
          Item: guardItem('ada@example.com'),
          ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner',
          ExpressionAttributeNames: { '#pk': 'PK', '#owner': 'ownerUid' },
          ExpressionAttributeValues: { ':owner': { S: UID } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
    ]);
  });

  it('a unique value too long for a guard key is an EntityValidationError before any request', () => {
    const long = 'x'.repeat(2100);
    expect(() => guardChanges(TABLE, mapper, 'ada', UID, { email: 'a@example.com' }, { email: long })).toThrow(EntityValidationError);
  });
});
