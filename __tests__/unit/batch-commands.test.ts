import {
  BATCH_GET_MAX_KEYS,
  BATCH_WRITE_MAX_REQUESTS,
  batchGetInput,
  batchWriteInput,
  chunk,
  deleteRequest,
  putRequest,
} from '../../src/operations/batch-commands';

const key = (id: string) => ({ PK: { S: `user#${id}` }, SK: { S: 'user' } });

describe('chunk', () => {
  it('splits into consecutive slices of the size, the last one shorter', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2, 3, 4], 2)).toEqual([[1, 2], [3, 4]]);
  });

  it('gives no chunk for no items, and one chunk when everything fits', () => {
    expect(chunk([], 25)).toEqual([]);
    expect(chunk([1], 25)).toEqual([[1]]);
  });

  it.each([
    [0, 0],
    [1, 1],
    [25, 1],
    [26, 2],
    [100, 4],
    [101, 5],
    [1000, 40],
  ])('%i items in chunks of 25 make %i chunks, in order, none over 25', (count, chunks) => {
    const items = Array.from({ length: count }, (_, i) => i);
    const parts = chunk(items, BATCH_WRITE_MAX_REQUESTS);
    expect(parts).toHaveLength(chunks);
    expect(parts.flat()).toEqual(items);
    expect(Math.max(0, ...parts.map((p) => p.length))).toBeLessThanOrEqual(25);
  });

  it('refuses a size that is not a positive integer', () => {
    expect(() => chunk([1], 0)).toThrow(RangeError);
    expect(() => chunk([1], 1.5)).toThrow(RangeError);
  });

  it('matches DynamoDB limits', () => {
    expect([BATCH_GET_MAX_KEYS, BATCH_WRITE_MAX_REQUESTS]).toEqual([100, 25]);
  });
});

describe('batch request builders', () => {
  it('batchGetInput reads strongly consistent', () => {
    expect(batchGetInput('app', [key('a'), key('b')])).toEqual({
      RequestItems: { app: { Keys: [key('a'), key('b')], ConsistentRead: true } },
    });
  });

  it('batchWriteInput carries unconditional puts and deletes, in order', () => {
    const item = { ...key('a'), _type: { S: 'user' }, uid: { S: 'u' }, version: { N: '1' } };
    expect(batchWriteInput('app', [putRequest(item), deleteRequest(key('b'))])).toEqual({
      RequestItems: { app: [{ PutRequest: { Item: item } }, { DeleteRequest: { Key: key('b') } }] },
    });
  });

  it('copies the lists it is given', () => {
    const keys = [key('a')];
    const input = batchGetInput('app', keys);
    keys.push(key('b'));
    expect(input.RequestItems?.app?.Keys).toHaveLength(1);
  });
});
