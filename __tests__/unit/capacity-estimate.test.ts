import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { estimatedUnits, reportedUnits } from '../../src/client/capacity-estimate';
import { itemSize } from '../../src/marshalling/item-size';
import { METERED_LISTING_METHODS, METERED_REPOSITORY_METHODS } from '../../src/manager/metered';
import { Repository } from '../../src/manager/repository';

/** An item of exactly `bytes` bytes by DynamoDB's size rules (name lengths plus value lengths). */
function itemOf(bytes: number): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = { PK: { S: 'p' }, SK: { S: 's' }, v: { S: '' } };
  item.v = { S: 'x'.repeat(bytes - itemSize(item)) };
  expect(itemSize(item)).toBe(bytes);
  return item;
}

describe('capacity units computed from item sizes (DynamoDB billing rules)', () => {
  it('writes: 1 unit per 1 KB or part of it', () => {
    expect(estimatedUnits('PutItem', { Item: itemOf(1024) }, {})).toEqual({ readUnits: 0, writeUnits: 1 });
    expect(estimatedUnits('PutItem', { Item: itemOf(1025) }, {})).toEqual({ readUnits: 0, writeUnits: 2 });
    // An update or delete whose answer returned no item: at least one unit.
    expect(estimatedUnits('UpdateItem', {}, {})).toEqual({ readUnits: 0, writeUnits: 1 });
    expect(estimatedUnits('DeleteItem', {}, { Attributes: itemOf(3000) })).toEqual({ readUnits: 0, writeUnits: 3 });
  });

  it('reads: 1 unit per 4 KB strongly consistent, half eventually consistent; a miss still costs', () => {
    expect(estimatedUnits('GetItem', { ConsistentRead: true }, { Item: itemOf(4096) })).toEqual({ readUnits: 1, writeUnits: 0 });
    expect(estimatedUnits('GetItem', { ConsistentRead: true }, { Item: itemOf(4097) })).toEqual({ readUnits: 2, writeUnits: 0 });
    expect(estimatedUnits('GetItem', {}, {})).toEqual({ readUnits: 0.5, writeUnits: 0 });
  });

  it('a Query sums its items before rounding; a BatchGetItem rounds each item', () => {
    const items = [itemOf(1000), itemOf(1000), itemOf(1000), itemOf(1000), itemOf(1000)];
    expect(estimatedUnits('Query', { ConsistentRead: true }, { Items: items }).readUnits).toBe(2);
    const keys = items.map(() => ({ PK: { S: 'p' } }));
    const batch = estimatedUnits('BatchGetItem', { RequestItems: { t: { Keys: keys, ConsistentRead: true } } }, { Responses: { t: items } });
    expect(batch.readUnits).toBe(5);
  });

  it('transactions cost twice; a condition check is a read', () => {
    const request = { TransactItems: [{ Put: { Item: itemOf(1500) } }, { Update: {} }, { ConditionCheck: {} }] };
    expect(estimatedUnits('TransactWriteItems', request, {})).toEqual({ readUnits: 2, writeUnits: 2 * 2 + 2 * 1 });
  });

  it('BatchWriteItem: what comes back unprocessed was not written', () => {
    const entries = [{ PutRequest: { Item: itemOf(2000) } }, { PutRequest: { Item: itemOf(500) } }];
    const answer = { UnprocessedItems: { t: [{ PutRequest: { Item: itemOf(2000) } }] } };
    expect(estimatedUnits('BatchWriteItem', { RequestItems: { t: entries } }, answer).writeUnits).toBe(1);
  });

  it('reported capacity wins, attributed by the operation when only CapacityUnits is given', () => {
    expect(reportedUnits('GetItem', { ConsumedCapacity: { CapacityUnits: 0.5 } })).toEqual({ readUnits: 0.5, writeUnits: 0 });
    expect(reportedUnits('PutItem', { ConsumedCapacity: { CapacityUnits: 2 } })).toEqual({ readUnits: 0, writeUnits: 2 });
    expect(reportedUnits('BatchWriteItem', { ConsumedCapacity: [{ CapacityUnits: 1 }, { CapacityUnits: 2 }] })).toEqual({ readUnits: 0, writeUnits: 3 });
    expect(reportedUnits('TransactWriteItems', { ConsumedCapacity: [{ ReadCapacityUnits: 2, WriteCapacityUnits: 4 }] })).toEqual({ readUnits: 2, writeUnits: 4 });
    expect(reportedUnits('GetItem', {})).toBeUndefined();
  });
});

describe('metered repository methods', () => {
  it('cover every public method of Repository that sends requests', () => {
    const sync = new Set(['constructor', 'of', 'build', 'scopeOf', 'inScopeOf', 'fetchItem']);
    const names = Object.getOwnPropertyNames(Repository.prototype).filter((name) => !sync.has(name));
    expect(names.sort()).toEqual([...METERED_REPOSITORY_METHODS, ...METERED_LISTING_METHODS].sort());
  });
});
