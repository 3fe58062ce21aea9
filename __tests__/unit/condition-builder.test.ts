import { buildFilterExpression, buildKeyConditionExpression, buildProjectionExpression, mergeAttributes } from '../../src/expressions';
import { keyCountInput, keyQueryInput, sortKeyExpression } from '../../src/operations';

describe('condition builder', () => {
  it('a key condition: the partition by equality, then the sort key', () => {
    const built = buildKeyConditionExpression(
      { attribute: '_gsi1pk', value: { S: 'article#byAuthor#ada #' } },
      { attribute: '_gsi1sk', op: 'between', low: { S: 'a' }, high: { S: 'b' } },
    );
    expect(built.expression).toBe('#k0 = :k0 AND #k1 BETWEEN :k1 AND :k2');
    expect(built.attributes.names).toEqual({ '#k0': '_gsi1pk', '#k1': '_gsi1sk' });
    expect(built.attributes.values).toEqual({ ':k0': { S: 'article#byAuthor#ada #' }, ':k1': { S: 'a' }, ':k2': { S: 'b' } });
  });

  it.each([
    ['eq', '#k1 = :k1'],
    ['lt', '#k1 < :k1'],
    ['lte', '#k1 <= :k1'],
    ['gt', '#k1 > :k1'],
    ['gte', '#k1 >= :k1'],
    ['beginsWith', 'begins_with(#k1, :k1)'],
  ] as const)('a sort key %s', (op, text) => {
    const built = buildKeyConditionExpression({ attribute: 'p', value: { S: 'x' } }, { attribute: 's', op, value: { S: 'v' } });
    expect(built.expression).toBe(`#k0 = :k0 AND ${text}`);
  });

  it('a key condition without a sort key is the partition alone', () => {
    expect(buildKeyConditionExpression({ attribute: '_type', value: { S: 'user' } }).expression).toBe('#k0 = :k0');
  });

  it('a filter: every operator, ANDed in order, one name per attribute', () => {
    const built = buildFilterExpression([
      { attribute: 'status', op: 'eq', value: { S: 'published' } },
      { attribute: 'status', op: 'ne', value: { S: 'draft' } },
      { attribute: 'words', op: 'lt', value: { N: '1' } },
      { attribute: 'words', op: 'lte', value: { N: '2' } },
      { attribute: 'words', op: 'gt', value: { N: '3' } },
      { attribute: 'words', op: 'gte', value: { N: '4' } },
      { attribute: 'words', op: 'between', low: { N: '5' }, high: { N: '6' } },
      { attribute: 'title', op: 'beginsWith', value: { S: 'A' } },
      { attribute: 'tags', op: 'contains', value: { S: 'odd' } },
      { attribute: 'publishedAt', op: 'exists', exists: true },
      { attribute: 'deletedAt', op: 'exists', exists: false },
      { attribute: 'slug', op: 'in', values: [{ S: 'a' }, { S: 'b' }] },
    ]);
    expect(built.expression).toBe(
      '#f0 = :f0 AND #f0 <> :f1 AND #f1 < :f2 AND #f1 <= :f3 AND #f1 > :f4 AND #f1 >= :f5 AND #f1 BETWEEN :f6 AND :f7 AND ' +
        'begins_with(#f2, :f8) AND contains(#f3, :f9) AND attribute_exists(#f4) AND attribute_not_exists(#f5) AND #f6 IN (:f10, :f11)',
    );
    expect(built.attributes.names).toEqual({
      '#f0': 'status', '#f1': 'words', '#f2': 'title', '#f3': 'tags', '#f4': 'publishedAt', '#f5': 'deletedAt', '#f6': 'slug',
    });
    expect(Object.keys(built.attributes.values)).toHaveLength(12);
    expect(built.attributes.values[':f11']).toEqual({ S: 'b' });
  });

  it('a projection names each attribute once, in the order first given', () => {
    const built = buildProjectionExpression(['PK', 'SK', 'uid', 'PK', 'title']);
    expect(built.expression).toBe('#p0, #p1, #p2, #p3');
    expect(built.attributes.names).toEqual({ '#p0': 'PK', '#p1': 'SK', '#p2': 'uid', '#p3': 'title' });
  });

  it('the three merge into one request without clashes', () => {
    const key = buildKeyConditionExpression({ attribute: 'status', value: { S: 'x' } });
    const filter = buildFilterExpression([{ attribute: 'status', op: 'ne', value: { S: 'y' } }]);
    const projection = buildProjectionExpression(['status']);
    expect(mergeAttributes(key.attributes, filter.attributes, projection.attributes)).toEqual({
      ExpressionAttributeNames: { '#k0': 'status', '#f0': 'status', '#p0': 'status' },
      ExpressionAttributeValues: { ':k0': { S: 'x' }, ':f0': { S: 'y' } },
    });
  });
});

describe('query commands', () => {
  const query = {
    indexName: 'gsi1',
    partition: { attribute: '_gsi1pk', value: 'article#byAuthor#ada #' },
    sort: sortKeyExpression('_gsi1sk', { kind: 'gte', value: 'm' }),
  };

  it('an index page: key condition, order, limit and start key', () => {
    const startKey = { PK: { S: 'article#a1' }, SK: { S: 'article' }, _gsi1pk: { S: 'p' }, _gsi1sk: { S: 's' } };
    expect(keyQueryInput('app', { ...query, descending: true, limit: 3, startKey })).toEqual({
      TableName: 'app',
      IndexName: 'gsi1',
      KeyConditionExpression: '#k0 = :k0 AND #k1 >= :k1',
      ExpressionAttributeNames: { '#k0': '_gsi1pk', '#k1': '_gsi1sk' },
      ExpressionAttributeValues: { ':k0': { S: 'article#byAuthor#ada #' }, ':k1': { S: 'm' } },
      ScanIndexForward: false,
      Limit: 3,
      ExclusiveStartKey: startKey,
    });
  });

  it('with a filter and a projection', () => {
    const input = keyQueryInput('app', {
      ...query,
      sort: undefined,
      filter: [{ attribute: 'status', op: 'eq', value: { S: 'published' } }],
      projection: ['PK', 'title'],
    });
    expect(input).toEqual({
      TableName: 'app',
      IndexName: 'gsi1',
      KeyConditionExpression: '#k0 = :k0',
      FilterExpression: '#f0 = :f0',
      ProjectionExpression: '#p0, #p1',
      ExpressionAttributeNames: { '#k0': '_gsi1pk', '#f0': 'status', '#p0': 'PK', '#p1': 'title' },
      ExpressionAttributeValues: { ':k0': { S: 'article#byAuthor#ada #' }, ':f0': { S: 'published' } },
    });
  });

  it('the COUNT form keeps the key condition and filter, drops projection, order and limit', () => {
    const filter = [{ attribute: 'words', op: 'gt' as const, value: { N: '10' } }];
    const input = keyCountInput('app', { ...query, filter, projection: ['PK'], limit: 5, descending: true }, { PK: { S: 'x' } });
    expect(input).toEqual({
      TableName: 'app',
      IndexName: 'gsi1',
      KeyConditionExpression: '#k0 = :k0 AND #k1 >= :k1',
      FilterExpression: '#f0 > :f0',
      ExpressionAttributeNames: { '#k0': '_gsi1pk', '#k1': '_gsi1sk', '#f0': 'words' },
      ExpressionAttributeValues: { ':k0': { S: 'article#byAuthor#ada #' }, ':k1': { S: 'm' }, ':f0': { N: '10' } },
      ExclusiveStartKey: { PK: { S: 'x' } },
      Select: 'COUNT',
    });
  });

  it('sort-key conditions become key expressions', () => {
    expect(sortKeyExpression('s', { kind: 'beginsWith', prefix: 'a' })).toEqual({ attribute: 's', op: 'beginsWith', value: { S: 'a' } });
    expect(sortKeyExpression('s', { kind: 'between', low: 'a', high: 'b' })).toEqual({ attribute: 's', op: 'between', low: { S: 'a' }, high: { S: 'b' } });
  });
});
