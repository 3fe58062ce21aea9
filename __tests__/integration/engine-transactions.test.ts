/**
 * Conformance of TransactWriteItems / TransactGetItems, sent as raw SDK requests to every engine lane:
 * the embedded engine (lane 'dynalite', see src/testing/engine/transactions.ts) must answer as DynamoDB
 * documents. Where moto answers differently, the embedded engine keeps DynamoDB's assertion and moto's
 * answer is written down as an explicit expectation (`lane.name === 'moto'`), so a change on either
 * side shows up.
 */
import { GetItemCommand, PutItemCommand, QueryCommand, TransactGetItemsCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, TransactWriteItem, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { createKeyValueTable, describeEachEngine, testWhen } from '../support/engines';
import { rejectionOf } from '../support/recording';

type Attributes = Record<string, AttributeValue>;

const key = (pk: string): Attributes => ({ PK: { S: pk }, SK: { S: 'A' } });
const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });

describeEachEngine('engine transactions', (engine, lane) => {
  if (!lane.capabilities.transactions) {
    testWhen((c) => c.transactions, 'needs TransactWriteItems', 'raw TransactWriteItems and TransactGetItems requests', () => undefined);
    return;
  }
  let TableName: string;
  beforeAll(async () => {
    TableName = await createKeyValueTable(engine(), 'tx', {
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: 'G', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: 'byG', KeySchema: [{ AttributeName: 'G', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    });
  });

  const send = (TransactItems: TransactWriteItem[], ClientRequestToken?: string) =>
    engine().client.send(new TransactWriteItemsCommand({ TransactItems, ClientRequestToken }));
  const put = (pk: string, extra: Attributes = {}, ConditionExpression?: string): TransactWriteItem => ({
    Put: { TableName, Item: { ...key(pk), ...extra }, ConditionExpression },
  });
  const stored = async (pk: string): Promise<Attributes | undefined> =>
    (await engine().client.send(new GetItemCommand({ TableName, Key: key(pk), ConsistentRead: true }))).Item;
  const seed = (pk: string, extra: Attributes = {}) => engine().client.send(new PutItemCommand({ TableName, Item: { ...key(pk), ...extra } }));
  const rejection = async (run: () => Promise<unknown>) => (await rejectionOf(run)) as TransactionCanceledException;

  it('reports ConsumedCapacity when asked: twice the units of each member, per table', async () => {
    await seed('cap-chk', { state: S('open') });
    await seed('cap-get', { blob: S('x'.repeat(5000)) });
    const written = await engine().client.send(
      new TransactWriteItemsCommand({
        TransactItems: [put('cap-put', { blob: S('x'.repeat(1500)) }), { ConditionCheck: { TableName, Key: key('cap-chk'), ConditionExpression: 'attribute_exists(PK)' } }],
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const read = await engine().client.send(
      new TransactGetItemsCommand({ TransactItems: [{ Get: { TableName, Key: key('cap-get') } }, { Get: { TableName, Key: key('cap-none') } }], ReturnConsumedCapacity: 'TOTAL' }),
    );
    const silent = await engine().client.send(new TransactWriteItemsCommand({ TransactItems: [put('cap-quiet')] }));
    if (lane.name === 'moto') {
      // moto: an empty list for writes, asked or not; reads at 1 unit per item whatever its size.
      expect([written.ConsumedCapacity, silent.ConsumedCapacity]).toEqual([[], []]);
      expect(read.ConsumedCapacity).toEqual([{ TableName, CapacityUnits: 2, ReadCapacityUnits: 2 }]);
      return;
    }
    expect(silent.ConsumedCapacity).toBeUndefined();
    // A 1.5 KB put: 2 units, doubled; a condition check of a small item: 1 read unit, doubled.
    expect(written.ConsumedCapacity).toEqual([{ TableName, CapacityUnits: 6, ReadCapacityUnits: 2, WriteCapacityUnits: 4 }]);
    // A 5 KB item (2 units of 4 KB) and a missing one (1 unit), each doubled.
    expect(read.ConsumedCapacity).toEqual([{ TableName, CapacityUnits: 6, ReadCapacityUnits: 6, WriteCapacityUnits: 0 }]);
  });

  it('applies Put, Update, Delete and ConditionCheck all together, and the index follows', async () => {
    await seed('all-upd', { n: N(1) });
    await seed('all-del', { G: S('all-g') });
    await seed('all-chk', { state: S('open') });
    await send([
      put('all-put', { G: S('all-g'), v: S('new') }),
      { Update: { TableName, Key: key('all-upd'), UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': N(1) } } },
      { Delete: { TableName, Key: key('all-del') } },
      { ConditionCheck: { TableName, Key: key('all-chk'), ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':open': S('open') } } },
    ]);
    expect(await stored('all-put')).toEqual({ ...key('all-put'), G: S('all-g'), v: S('new') });
    expect(await stored('all-upd')).toEqual({ ...key('all-upd'), n: N(2) });
    expect(await stored('all-del')).toBeUndefined();
    expect(await stored('all-chk')).toEqual({ ...key('all-chk'), state: S('open') });
    const byG = await engine().client.send(new QueryCommand({ TableName, IndexName: 'byG', KeyConditionExpression: 'G = :g', ExpressionAttributeValues: { ':g': S('all-g') } }));
    expect(byG.Items).toEqual([{ ...key('all-put'), G: S('all-g'), v: S('new') }]);
  });

  it('applies nothing when one condition fails, with one reason per member in request order', async () => {
    await seed('none-upd', { n: N(1) });
    await seed('none-chk', { state: S('closed') });
    const error = await rejection(() =>
      send([
        put('none-put', { v: S('new') }),
        { Update: { TableName, Key: key('none-upd'), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': N(1) } } },
        { ConditionCheck: { TableName, Key: key('none-chk'), ConditionExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'state' }, ExpressionAttributeValues: { ':open': S('open') } } },
      ]),
    );
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.message).toBe('Transaction cancelled, please refer cancellation reasons for specific reasons [None, None, ConditionalCheckFailed]');
    expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'None', 'ConditionalCheckFailed']);
    expect(error.CancellationReasons?.[2]).toEqual({ Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' });
    expect(await stored('none-put')).toBeUndefined();
    expect(await stored('none-upd')).toEqual({ ...key('none-upd'), n: N(1) });
  });

  it('reports the stored item of a failed member that asked ReturnValuesOnConditionCheckFailure: ALL_OLD', async () => {
    await seed('old-a', { v: S('a') });
    await seed('old-b', { v: S('b') });
    const error = await rejection(() =>
      send([
        { Put: { TableName, Item: key('old-a'), ConditionExpression: 'attribute_not_exists(PK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        put('old-b', {}, 'attribute_not_exists(PK)'),
        { Delete: { TableName, Key: key('old-missing'), ConditionExpression: 'attribute_exists(PK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
      ]),
    );
    expect(error.CancellationReasons).toEqual([
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', Item: { ...key('old-a'), v: S('a') } },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
    ]);
  });

  it('ConditionCheck passes on a missing item with attribute_not_exists and writes nothing itself', async () => {
    await send([put('chk-put'), { ConditionCheck: { TableName, Key: key('chk-missing'), ConditionExpression: 'attribute_not_exists(PK)' } }]);
    expect(await stored('chk-put')).toEqual(key('chk-put'));
    expect(await stored('chk-missing')).toBeUndefined();
  });

  it('Update with ADD, SET and if_not_exists creates and then changes the item as UpdateItem would', async () => {
    const update = (): TransactWriteItem => ({
      Update: {
        TableName,
        Key: key('upd'),
        UpdateExpression: 'ADD hits :one, tags :tag SET created = if_not_exists(created, :now), seen = :now',
        ExpressionAttributeValues: { ':one': N(1), ':tag': { SS: ['x'] }, ':now': S('t1') },
      },
    });
    await send([update()]);
    expect(await stored('upd')).toEqual({ ...key('upd'), hits: N(1), tags: { SS: ['x'] }, created: S('t1'), seen: S('t1') });
    const second = update();
    second.Update!.ExpressionAttributeValues![':now'] = S('t2');
    await send([second]);
    expect(await stored('upd')).toEqual({ ...key('upd'), hits: N(2), tags: { SS: ['x'] }, created: S('t1'), seen: S('t2') });
  });

  it('an update that cannot apply to the stored item cancels the transaction', async () => {
    await seed('bad-type', { n: S('not a number') });
    const error = await rejection(() =>
      send([put('bad-other'), { Update: { TableName, Key: key('bad-type'), UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': N(1) } } }]),
    );
    if (lane.name === 'moto') {
      // moto raises the update's ValidationException for the whole request instead of cancelling it.
      expect(error.name).toBe('ValidationException');
    } else {
      // DynamoDB: TransactionCanceledException, the member's reason is ValidationError.
      expect(error.name).toBe('TransactionCanceledException');
      expect(error.CancellationReasons?.map((reason) => reason.Code)).toEqual(['None', 'ValidationError']);
      expect(error.CancellationReasons?.[1].Message).toBe('An operand in the update expression has an incorrect data type');
    }
    expect(await stored('bad-other')).toBeUndefined();
    expect(await stored('bad-type')).toEqual({ ...key('bad-type'), n: S('not a number') });
  });

  it('refuses more than 100 members and two members on one item, writing nothing', async () => {
    const many = Array.from({ length: 101 }, (_, index) => put(`many-${index}`));
    const tooMany = await rejection(() => send(many));
    expect(tooMany.name).toBe('ValidationException');
    expect(tooMany.message).toMatch(/at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to 100/);
    expect(await stored('many-0')).toBeUndefined();
    const twice = await rejection(() => send([put('dup-other'), put('dup'), { Delete: { TableName, Key: key('dup') } }]));
    expect(twice.name).toBe('ValidationException');
    expect(twice.message).toBe('Transaction request cannot include multiple operations on one item');
    expect(await stored('dup-other')).toBeUndefined();
  });

  it('a syntax error in one member fails the whole request before anything is written', async () => {
    const error = await rejection(() => send([put('syntax-ok'), put('syntax-bad', {}, 'attribute_not_exists(')]));
    // moto's expression parser fails on this input with an internal error (HTTP 500, an HTML page).
    if (lane.name === 'moto') expect(error.$metadata.httpStatusCode).toBe(500);
    else expect({ name: error.name, message: error.message }).toEqual({ name: 'ValidationException', message: expect.stringMatching(/^Invalid ConditionExpression: Syntax error/) });
    expect(await stored('syntax-ok')).toBeUndefined();
  });

  it('ClientRequestToken: a replay of the same request succeeds without applying twice; another request with the token is refused', async () => {
    await seed('token', { n: N(0) });
    const increment = (by: number): TransactWriteItem[] => [
      { Update: { TableName, Key: key('token'), UpdateExpression: 'ADD n :by', ExpressionAttributeValues: { ':by': N(by) } } },
    ];
    const token = `tok-${lane.name}-${Date.now()}`;
    await send(increment(1), token);
    await send(increment(1), token);
    const mismatch = await rejectionOf(() => send(increment(5), token));
    if (lane.name === 'moto') {
      // moto ignores ClientRequestToken: every request applies, none is refused.
      expect(mismatch).toBeUndefined();
      expect(await stored('token')).toEqual({ ...key('token'), n: N(7) });
    } else {
      expect(await stored('token')).toEqual({ ...key('token'), n: N(1) });
      expect((mismatch as Error).name).toBe('IdempotentParameterMismatchException');
    }
  });

  it('TransactGetItems answers every item in request order, missing ones empty', async () => {
    await seed('get-a', { v: S('a'), other: S('x') });
    await seed('get-b', { v: S('b') });
    const { Responses } = await engine().client.send(
      new TransactGetItemsCommand({
        TransactItems: [
          { Get: { TableName, Key: key('get-b') } },
          { Get: { TableName, Key: key('get-missing') } },
          { Get: { TableName, Key: key('get-a'), ProjectionExpression: 'v' } },
        ],
      }),
    );
    expect(Responses?.[0]).toEqual({ Item: { ...key('get-b'), v: S('b') } });
    expect(Responses?.[1]?.Item).toBeUndefined();
    // moto ignores ProjectionExpression in TransactGetItems and answers the whole item.
    expect(Responses?.[2]).toEqual({ Item: lane.name === 'moto' ? { ...key('get-a'), v: S('a'), other: S('x') } : { v: S('a') } });
  });

  it('TransactGetItems refuses two gets of one item', async () => {
    const get = { Get: { TableName, Key: key('get-dup') } };
    const error = await rejectionOf(() => engine().client.send(new TransactGetItemsCommand({ TransactItems: [get, get] })));
    // moto answers both gets.
    if (lane.name === 'moto') expect(error).toBeUndefined();
    else expect((error as Error).message).toBe('Transaction request cannot include multiple operations on one item');
  });

  describe('under concurrency', () => {
    // Opens the client's sockets first: otherwise the first request of a burst goes out on the one idle
    // keep-alive socket and completes while the others still connect, and nothing actually races.
    const warmUp = (requests: number) => Promise.all(Array.from({ length: requests }, () => stored('warm-up')));

    it('of 50 racing conditional transactions on one item exactly one wins, and no loser writes anything', async () => {
      const marks = (index: number) => Array.from({ length: 9 }, (_, mark) => put(`race-one-mark-${index}-${mark}`));
      await warmUp(50);
      const attempts = Array.from({ length: 50 }, (_, index) =>
        send([put('race-one', { winner: N(index) }, 'attribute_not_exists(PK)'), ...marks(index)]).then(
          () => index,
          (error: TransactionCanceledException) => error,
        ),
      );
      const outcomes = await Promise.all(attempts);
      const winners = outcomes.filter((outcome): outcome is number => typeof outcome === 'number');
      expect(winners).toHaveLength(1);
      const losers = outcomes.filter((outcome): outcome is TransactionCanceledException => typeof outcome !== 'number');
      const reasons = losers.map((error) => error.CancellationReasons?.map((reason) => reason.Code).join());
      expect(new Set(reasons)).toEqual(new Set([['ConditionalCheckFailed', ...Array(9).fill('None')].join()]));
      expect((await stored('race-one'))?.winner).toEqual(N(winners[0]));
      const written = await Promise.all(outcomes.map((_, index) => stored(`race-one-mark-${index}-8`)));
      expect(written.map((mark, index) => (mark ? index : -1)).filter((index) => index >= 0)).toEqual(winners);
    });

    it('counts every one of 40 concurrent increments made through TransactWriteItems', async () => {
      await seed('race-count', { n: N(0) });
      await warmUp(40);
      await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          send([
            { Update: { TableName, Key: key('race-count'), UpdateExpression: 'SET n = n + :one', ExpressionAttributeValues: { ':one': N(1) } } },
            put(`race-count-log-${index}`),
          ]),
        ),
      );
      expect(await stored('race-count')).toEqual({ ...key('race-count'), n: N(40) });
    });

    it('a transaction claiming two items races single conditional PutItems and is never half-applied', async () => {
      await warmUp(3);
      for (let round = 0; round < 15; round += 1) {
        const [x, y] = [`half-${round}-x`, `half-${round}-y`];
        const claim = (pk: string) =>
          engine()
            .client.send(new PutItemCommand({ TableName, Item: { ...key(pk), owner: S('single') }, ConditionExpression: 'attribute_not_exists(PK)' }))
            .then(() => true, () => false);
        const results = await Promise.all([
          claim(y),
          send([put(x, { owner: S('tx') }, 'attribute_not_exists(PK)'), put(y, { owner: S('tx') }, 'attribute_not_exists(PK)')]).then(() => true, () => false),
          claim(x),
        ]);
        const [singleY, transaction, singleX] = results;
        const owners = [(await stored(x))?.owner?.S, (await stored(y))?.owner?.S];
        if (transaction) {
          expect({ round, owners, singleX, singleY }).toEqual({ round, owners: ['tx', 'tx'], singleX: false, singleY: false });
        } else {
          expect({ round, owners }).toEqual({ round, owners: [singleX ? 'single' : undefined, singleY ? 'single' : undefined] });
          expect(singleX || singleY).toBe(true);
        }
      }
    });
  });
});
