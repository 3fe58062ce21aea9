import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BaseEntity, Field, StrId, Table, Unique } from '../../src';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import {
  childDeleteEntries,
  childMoveEntries,
  childTypeCondition,
  keyAfterItemType,
  movedChildItem,
  unknownTypeGaps,
} from '../../src/operations/cascade-commands';
import { itemTypeOf, partitionQueryInput } from '../../src/operations/collection-commands';

/** The pure parts of cascades and renames of a parent's item collection, compared by their exact output. */

type Item = Record<string, AttributeValue>;

@Table('cscArticle')
class Article extends BaseEntity {
  @StrId() slug!: string;
}

@Table('cscTicket', { parent: () => Article })
class Ticket extends BaseEntity {
  @StrId() id!: string;
  @Field() @Unique() code?: string;
  @Field() @Unique() serial?: number;
  @Field() note: string = '';
}

const TABLE = 't';
const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
const anyWriteId = expect.stringMatching(/^[A-Za-z0-9_-]{11}$/) as unknown as string;
const tickets = EntityMapper.of(Ticket).inParent('old');

/** A stored ticket under `old`, written three times (three ids in its history). */
function storedTicket(fields: Item): Item {
  return {
    PK: { S: 'cscArticle#old' },
    SK: { S: 'cscTicket#t#1' },
    _type: { S: 'cscTicket' },
    uid: { S: UID },
    version: { N: '3' },
    _writeId: { S: 'w3' },
    _w1: { S: 'w2' },
    _w2: { S: 'w1' },
    id: { S: 't#1' },
    note: { S: 'n' },
    ...fields,
  };
}

const versionGuard = (version: number) => ({
  ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid',
  ExpressionAttributeNames: { '#version': 'version', '#uid': 'uid' },
  ExpressionAttributeValues: { ':expectedVersion': { N: String(version) }, ':expectedUid': { S: UID } },
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
});
const owned = {
  ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :owner',
  ExpressionAttributeNames: { '#pk': 'PK', '#owner': 'ownerUid' },
  ExpressionAttributeValues: { ':owner': { S: UID } },
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
};
const oldKey = { PK: { S: 'cscArticle#old' }, SK: { S: 'cscTicket#t#1' } };

describe('item types and sort key ranges of a partition', () => {
  it('the type of a sort key is the text before the first #; the whole key when it has none', () => {
    expect(['cscTicket#t#1', 'cscArticle', 'a#', '#x'].map(itemTypeOf)).toEqual(['cscTicket', 'cscArticle', 'a', '']);
  });

  it('the gaps between the parent key and each child type range, in UTF-8 order, cover every other key', () => {
    expect(unknownTypeGaps('p', ['zeta', 'Beta', 'pa'])).toEqual([
      { from: undefined, below: 'Beta#' },
      { from: 'Beta$', below: 'p' },
      { from: 'p\u0000', below: 'pa#' },
      { from: 'pa$', below: 'zeta#' },
      { from: 'zeta$', below: undefined },
    ]);
    expect(unknownTypeGaps('p', [])).toEqual([
      { from: undefined, below: 'p' },
      { from: 'p\u0000', below: undefined },
    ]);
  });

  it('a gap search goes on past every key of the type it found', () => {
    expect(keyAfterItemType('ghost#1')).toBe('ghost$');
    expect(keyAfterItemType('ghost')).toBe('ghost\u0000');
  });

  it('the partition Query is strongly consistent; a child type is the keys that begin with <type>#', () => {
    expect(partitionQueryInput(TABLE, 'cscArticle#old', { limit: 101 })).toEqual({
      TableName: TABLE,
      KeyConditionExpression: '#k0 = :k0',
      ExpressionAttributeNames: { '#k0': 'PK' },
      ExpressionAttributeValues: { ':k0': { S: 'cscArticle#old' } },
      ConsistentRead: true,
      Limit: 101,
    });
    const startKey = { PK: { S: 'cscArticle#old' }, SK: { S: 'cscTicket#a' } };
    expect(partitionQueryInput(TABLE, 'cscArticle#old', { sort: childTypeCondition('cscTicket'), startKey })).toEqual({
      TableName: TABLE,
      KeyConditionExpression: '#k0 = :k0 AND begins_with(#k1, :k1)',
      ExpressionAttributeNames: { '#k0': 'PK', '#k1': 'SK' },
      ExpressionAttributeValues: { ':k0': { S: 'cscArticle#old' }, ':k1': { S: 'cscTicket#' } },
      ConsistentRead: true,
      ExclusiveStartKey: startKey,
    });
  });
});

describe('deleting a child', () => {
  it('at the version read, releasing the guard of each unique value it holds (numbers by their N text)', () => {
    const entries = childDeleteEntries(TABLE, tickets, storedTicket({ code: { S: 'A-1' }, serial: { N: '7' } }));
    const holdingUniques = {
      ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid AND #uq0 = :uq0 AND #uq1 = :uq1',
      ExpressionAttributeNames: { '#version': 'version', '#uid': 'uid', '#uq0': 'code', '#uq1': 'serial' },
      ExpressionAttributeValues: { ':expectedVersion': { N: '3' }, ':expectedUid': { S: UID }, ':uq0': { S: 'A-1' }, ':uq1': { N: '7' } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    expect(entries.map((entry) => entry.request)).toEqual([
      // Also conditioned on the unique values it releases (in the order of the unique fields).
      { Delete: { TableName: TABLE, Key: oldKey, ...holdingUniques } },
      { Delete: { TableName: TABLE, Key: { PK: { S: 'cscTicket.code#A-1' }, SK: { S: 'cscTicket.code' } }, ...owned } },
      { Delete: { TableName: TABLE, Key: { PK: { S: 'cscTicket.serial#7' }, SK: { S: 'cscTicket.serial' } }, ...owned } },
    ]);
    expect(entries[0]).toMatchObject({ operation: 'delete', entity: 'Ticket', strId: 't#1', expectedVersion: 3 });
  });

  it('without unique values: the delete alone', () => {
    expect(childDeleteEntries(TABLE, tickets, storedTicket({})).map((entry) => entry.operation)).toEqual(['delete']);
  });
});

describe('moving a child to a renamed parent', () => {
  it('the moved item: every attribute kept, the new partition, version + 1, a new write id before the old history', () => {
    const stored = storedTicket({ code: { S: 'A-1' }, extra: { S: 'written by another tool' } });
    const { item, writeId } = movedChildItem(stored, 'cscArticle#new');
    expect(writeId).toEqual(anyWriteId);
    expect(item).toEqual({
      ...stored,
      PK: { S: 'cscArticle#new' },
      version: { N: '4' },
      _writeId: { S: writeId },
      _w1: { S: 'w3' },
      _w2: { S: 'w2' },
      _w3: { S: 'w1' },
    });
    expect(stored.PK).toEqual({ S: 'cscArticle#old' }); // the item read is not changed
  });

  it('deleted at the old key at the version read, created at the new key (which must be free), each guard re-pointed at the new parent', () => {
    const entries = childMoveEntries(TABLE, tickets, storedTicket({ code: { S: 'A-1' } }), { parentStrId: 'new', partitionKey: 'cscArticle#new' });
    const moved = entries[1]?.request.Put?.Item as Item;
    expect(entries.map((entry) => entry.request)).toEqual([
      { Delete: { TableName: TABLE, Key: oldKey, ...versionGuard(3) } },
      {
        Put: {
          TableName: TABLE,
          Item: moved,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'PK' },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      {
        Put: {
          TableName: TABLE,
          Item: {
            PK: { S: 'cscTicket.code#A-1' },
            SK: { S: 'cscTicket.code' },
            ownerUid: { S: UID },
            ownerStrId: { S: 't#1' },
            ownerParentStrId: { S: 'new' },
            _writeId: { S: anyWriteId },
          },
          ...owned,
        },
      },
    ]);
    expect([moved.PK, moved.SK, moved.version, moved.uid]).toEqual([{ S: 'cscArticle#new' }, oldKey.SK, { N: '4' }, { S: UID }]);
    expect(entries.map((entry) => [entry.operation, entry.strId])).toEqual([
      ['delete', 't#1'],
      ['create', 't#1'],
      ['uniqueRelease', 't#1'],
    ]);
    expect(entries[1]?.writeId).toBe(moved._writeId?.S);
  });
});
