import {
  countByTypeInput,
  createItemInput,
  createTableInput,
  deleteByKeyInput,
  deleteVersionedInput,
  getItemInput,
  queryByTypeInput,
  queryByUidInput,
  replaceItemInput,
  scanTypeInput,
  tableSchemaProblems,
} from '../../src/operations';
import { Field, StrId, Table, getEntityMetadata } from '../../src';

@Table('user')
class OpUser {
  @StrId() @Field() username!: string;
}
@Table('opNote', { typeIndex: 'keys' })
class OpNote {
  @StrId() @Field() id!: string;
}
@Table('opLike', { parent: () => OpUser, typeIndex: 'none' })
class OpLike {
  @StrId() @Field() id!: string;
}
const user = () => getEntityMetadata(OpUser);

const key = { PK: { S: 'user#john' }, SK: { S: 'user' } };
const item = { ...key, _type: { S: 'user' }, uid: { S: 'u-1' }, version: { N: '1' } };
const expected = { uid: '01a212e1-f9cb-7000-8e3e-c64da6114a1c', version: 4 };

describe('command inputs', () => {
  it('get by str id is one strongly consistent GetItem', () => {
    expect(getItemInput('t', key)).toEqual({ TableName: 't', Key: key, ConsistentRead: true });
  });

  it('create only succeeds on a free key and asks for the existing item on a clash', () => {
    expect(createItemInput('t', item)).toEqual({
      TableName: 't',
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': 'PK' },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('save and delete are guarded by version and uid', () => {
    const guard = {
      ConditionExpression: '#version = :expectedVersion AND #uid = :expectedUid',
      ExpressionAttributeNames: { '#version': 'version', '#uid': 'uid' },
      ExpressionAttributeValues: { ':expectedVersion': { N: '4' }, ':expectedUid': { S: expected.uid } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    };
    expect(replaceItemInput('t', item, expected)).toEqual({ TableName: 't', Item: item, ...guard });
    expect(deleteVersionedInput('t', key, expected)).toEqual({ TableName: 't', Key: key, ...guard });
  });

  it('delete by str id reports what it deleted', () => {
    expect(deleteByKeyInput('t', key)).toEqual({ TableName: 't', Key: key, ReturnValues: 'ALL_OLD' });
  });

  it('listing, counting and uid look-ups query the type index, never scan', () => {
    const base = {
      TableName: 't',
      IndexName: 'type-uid-index',
      KeyConditionExpression: '#type = :type',
      ExpressionAttributeNames: { '#type': '_type' },
      ExpressionAttributeValues: { ':type': { S: 'user' } },
    };
    expect(queryByTypeInput('t', user())).toEqual(base);
    expect(queryByTypeInput('t', user(), { limit: 5, descending: true, startKey: key })).toEqual({
      ...base,
      Limit: 5,
      ScanIndexForward: false,
      ExclusiveStartKey: key,
    });
    expect(countByTypeInput('t', user())).toEqual({ ...base, Select: 'COUNT' });
    expect(queryByUidInput('t', user(), expected.uid)).toEqual({
      ...base,
      KeyConditionExpression: '#type = :type AND #uid = :uid',
      ExpressionAttributeNames: { '#type': '_type', '#uid': 'uid' },
      ExpressionAttributeValues: { ':type': { S: 'user' }, ':uid': { S: expected.uid } },
    });
  });

  it('a keys-only type index (typeIndex keys) is queried on _tk, counted there too', () => {
    const note = getEntityMetadata(OpNote);
    expect(queryByTypeInput('t', note)).toEqual({
      TableName: 't',
      IndexName: 'type-keys-index',
      KeyConditionExpression: '#type = :type',
      ExpressionAttributeNames: { '#type': '_tk' },
      ExpressionAttributeValues: { ':type': { S: 'opNote' } },
    });
    expect(queryByUidInput('t', note, expected.uid).ExpressionAttributeNames).toEqual({ '#type': '_tk', '#uid': 'uid' });
    // reindex finds items written under another typeIndex where that one put them
    expect(queryByTypeInput('t', note, {}, 'all')).toMatchObject({ IndexName: 'type-uid-index', ExpressionAttributeNames: { '#type': '_type' } });
    expect(() => queryByTypeInput('t', getEntityMetadata(OpLike))).toThrow(/typeIndex 'none'/);
  });

  it('scan filters the whole table to one type by sort key, whichever type index it is in', () => {
    expect(scanTypeInput('t', user(), key)).toEqual({
      TableName: 't',
      FilterExpression: '#sk = :sk',
      ExpressionAttributeNames: { '#sk': 'SK' },
      ExpressionAttributeValues: { ':sk': { S: 'user' } },
      ExclusiveStartKey: key,
    });
    expect(scanTypeInput('t', getEntityMetadata(OpLike), undefined, 10)).toEqual({
      TableName: 't',
      FilterExpression: 'begins_with(#sk, :sk)',
      ExpressionAttributeNames: { '#sk': 'SK' },
      ExpressionAttributeValues: { ':sk': { S: 'opLike#' } },
      Limit: 10,
    });
  });
});

describe('table layout', () => {
  it('on demand: string PK/SK and one sparse index on (_type, uid) projecting all, no LSI', () => {
    const input = createTableInput('t', { billingMode: 'PAY_PER_REQUEST' });
    expect(input).toEqual({
      TableName: 't',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: '_type', AttributeType: 'S' },
        { AttributeName: 'uid', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'type-uid-index',
          KeySchema: [
            { AttributeName: '_type', KeyType: 'HASH' },
            { AttributeName: 'uid', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    });
    expect(input).not.toHaveProperty('LocalSecondaryIndexes');
  });

  it('provisioned: capacity on the table and on the index', () => {
    const input = createTableInput('t', { billingMode: 'PROVISIONED', readCapacity: 7, writeCapacity: 3 });
    const throughput = { ReadCapacityUnits: 7, WriteCapacityUnits: 3 };
    expect(input.ProvisionedThroughput).toEqual(throughput);
    expect(input.GlobalSecondaryIndexes?.[0]?.ProvisionedThroughput).toEqual(throughput);
  });

  it('a table described as created fits; others are explained', () => {
    const created = createTableInput('t', { billingMode: 'PAY_PER_REQUEST' });
    expect(tableSchemaProblems({ ...created, GlobalSecondaryIndexes: created.GlobalSecondaryIndexes })).toEqual([]);
    expect(
      tableSchemaProblems({
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    ).toEqual([
      'primary key is id:HASH:S, expected PK:HASH:S,SK:RANGE:S',
      'global secondary index type-uid-index (_type:HASH:S,uid:RANGE:S) is missing',
    ]);
    expect(
      tableSchemaProblems({
        ...created,
        GlobalSecondaryIndexes: [{ ...created.GlobalSecondaryIndexes![0]!, Projection: { ProjectionType: 'KEYS_ONLY' } }],
      }),
    ).toEqual(['index type-uid-index projects KEYS_ONLY, expected ALL']);
  });
});
