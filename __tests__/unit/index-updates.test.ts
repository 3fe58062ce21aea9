import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityManager, EntityNotFoundError, EntityValidationError, Field, Index, StrId, Table, VersionConflictError } from '../../src';
import type { AttributeChange } from '../../src/expressions';
import { END, MISSING, orderedDouble, orderedInteger } from '../../src/keys/index-key';
import { holdsAttributes, indexKeyChanges, indexKeysNeedStoredItem, isIndexKeyField } from '../../src/marshalling/index-changes';
import { indexKeysForUpdate, itemAfterUpdate } from '../../src/marshalling/managed';
import { getEntityMetadata } from '../../src/metadata/entity-metadata';
import { awsError, fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';

type Item = Record<string, AttributeValue>;

@Table('iuArticle')
@Index('byAuthor', { partition: ['authorId'], sort: ['createdAt'] })
@Index('byStatus', { partition: ['status'] })
@Index('byPlace', { partition: ['tenant', 'region'], sort: ['rank', 'score'] })
class Article {
  @StrId() slug!: string;
  @Field() authorId?: string;
  @Field() createdAt?: Date;
  @Field() status?: string;
  @Field() tenant?: string;
  @Field() region?: string;
  @Field() rank?: number;
  @Field() score?: bigint;
  @Field() views?: number;
  @Field() title?: string;
  uid?: string;
  version?: number;
}

const meta = () => getEntityMetadata(Article);
const UID = '01890a5d-ac96-774b-bcce-b302099a8057';
const CREATED = '2024-05-01T10:00:00.000Z';
const set = (attribute: string, value: AttributeValue): AttributeChange => ({ kind: 'set', attribute, value });
const remove = (attribute: string): AttributeChange => ({ kind: 'remove', attribute });
const text = (value: string) => value + END;
const createdKey = (iso: string) => text(orderedDouble(Date.parse(iso)));

function storedArticle(overrides: Item = {}): Item {
  return {
    PK: { S: 'iuArticle#a1' },
    SK: { S: 'iuArticle' },
    slug: { S: 'a1' },
    uid: { S: UID },
    version: { N: '3' },
    authorId: { S: 'ann' },
    createdAt: { S: CREATED },
    tenant: { S: 't1' },
    region: { S: 'eu' },
    rank: { N: '5' },
    score: { N: '7' },
    ...overrides,
  };
}

describe('index key changes of a partial update (pure)', () => {
  it('a patch of no key field touches no index and needs no read', () => {
    const changes = [set('title', { S: 'x' }), set('views', { N: '1' })];
    expect(indexKeysNeedStoredItem(meta(), changes)).toBe(false);
    expect(indexKeyChanges(meta(), changes)).toEqual({ changes: [], expected: {}, problems: [] });
  });

  it(`every partition field of an index without sort fields: the key from the patch, sort key '-', no read`, () => {
    const changes = [set('status', { S: 'open' })];
    expect(indexKeysNeedStoredItem(meta(), changes)).toBe(false);
    expect(indexKeyChanges(meta(), changes)).toEqual({
      changes: [set('_gsi2pk', { S: 'iuArticle#byStatus#' + text('open') }), set('_gsi2sk', { S: '-' })],
      expected: {},
      problems: [],
    });
  });

  it('every field of a sorted index: the key from the patch alone, no read, conditioned on nothing stored', () => {
    const changes = [set('authorId', { S: 'bob' }), set('createdAt', { S: '2025-01-01T00:00:00.000Z' })];
    expect(indexKeysNeedStoredItem(meta(), changes)).toBe(false);
    expect(indexKeyChanges(meta(), changes)).toEqual({
      changes: [set('_gsi1pk', { S: 'iuArticle#byAuthor#' + text('bob') }), set('_gsi1sk', { S: createdKey('2025-01-01T00:00:00.000Z') })],
      expected: {},
      problems: [],
    });
  });

  it('every field of a composite key, a sort field removed among them: MISSING in its place, no read', () => {
    const changes = [set('tenant', { S: 't2' }), set('region', { S: 'us' }), remove('rank'), set('score', { N: '3' })];
    expect(indexKeysNeedStoredItem(meta(), changes)).toBe(false);
    expect(indexKeyChanges(meta(), changes)).toEqual({
      changes: [set('_gsi3pk', { S: 'iuArticle#byPlace#' + text('t2') + text('us') }), set('_gsi3sk', { S: MISSING + text(orderedInteger(3n)) })],
      expected: {},
      problems: [],
    });
  });

  it.each([
    ['removed', remove('status')],
    ['set to null', set('status', { NULL: true })],
  ])('a partition field %s: the entity leaves the index, no read', (_, change) => {
    expect(indexKeysNeedStoredItem(meta(), [change])).toBe(false);
    expect(indexKeyChanges(meta(), [change]).changes).toEqual([remove('_gsi2pk'), remove('_gsi2sk')]);
  });

  it('one field of a composite partition removed: leaves the index without reading the other', () => {
    const changes = [remove('region')];
    expect(indexKeysNeedStoredItem(meta(), changes)).toBe(false);
    expect(indexKeyChanges(meta(), changes)).toEqual({ changes: [remove('_gsi3pk'), remove('_gsi3sk')], expected: {}, problems: [] });
  });

  it('a partition field without the sort field: computed from the stored item, conditioned on the sort field and uid', () => {
    const changes = [set('authorId', { S: 'bob' })];
    expect(indexKeysNeedStoredItem(meta(), changes)).toBe(true);
    expect(indexKeyChanges(meta(), changes, storedArticle())).toEqual({
      changes: [set('_gsi1pk', { S: 'iuArticle#byAuthor#' + text('bob') }), set('_gsi1sk', { S: createdKey(CREATED) })],
      expected: { createdAt: { S: CREATED }, uid: { S: UID } },
      problems: [],
    });
  });

  it('a sort field removed without the partition field: MISSING in its place, conditioned on the stored partition field', () => {
    const { changes, expected } = indexKeyChanges(meta(), [remove('createdAt')], storedArticle());
    expect(changes).toEqual([set('_gsi1pk', { S: 'iuArticle#byAuthor#' + text('ann') }), set('_gsi1sk', { S: MISSING })]);
    expect(expected).toEqual({ authorId: { S: 'ann' }, uid: { S: UID } });
  });

  it('a stored item missing a partition field: not in the index, which stays so while that field is absent', () => {
    const stored = storedArticle();
    delete stored.authorId;
    expect(indexKeyChanges(meta(), [set('createdAt', { S: CREATED })], stored)).toEqual({
      changes: [remove('_gsi1pk'), remove('_gsi1sk')],
      expected: { authorId: undefined },
      problems: [],
    });
  });

  it('composite keys overlay the patch on the stored values, field by field', () => {
    const { changes, expected } = indexKeyChanges(meta(), [set('region', { S: 'us' }), set('score', { N: '-12' })], storedArticle());
    expect(changes).toEqual([
      set('_gsi3pk', { S: 'iuArticle#byPlace#' + text('t1') + text('us') }),
      set('_gsi3sk', { S: text(orderedDouble(5)) + text(orderedInteger(-12n)) }),
    ]);
    expect(expected).toEqual({ tenant: { S: 't1' }, rank: { N: '5' }, uid: { S: UID } });
  });

  it('several indexes at once, each by its own rule', () => {
    const { changes } = indexKeyChanges(meta(), [set('status', { S: 'x' }), remove('tenant'), set('authorId', { S: 'z' })], storedArticle());
    expect(changes.map((c) => `${c.kind} ${c.attribute}`)).toEqual([
      'set _gsi1pk',
      'set _gsi1sk',
      'set _gsi2pk',
      'set _gsi2sk',
      'remove _gsi3pk',
      'remove _gsi3sk',
    ]);
  });

  it('refuses an increment of a key field (the caller sets the new value) and knows which fields are key fields', () => {
    expect(() => indexKeyChanges(meta(), [{ kind: 'increment', attribute: 'rank', by: { N: '1' } }], storedArticle())).toThrow(/increment/);
    expect(['authorId', 'createdAt', 'status', 'rank', 'score', 'views', 'title'].map((f) => isIndexKeyField(meta(), f))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('a key too long for DynamoDB is an EntityValidationError naming the index', () => {
    const error = (() => {
      try {
        indexKeysForUpdate(meta(), [set('status', { S: 'x'.repeat(2100) })]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EntityValidationError);
    expect(String((error as Error).message)).toMatch(/byStatus/);
  });

  it('holdsAttributes compares stored values, absence included', () => {
    const item = storedArticle();
    expect(holdsAttributes(item, { createdAt: { S: CREATED }, status: undefined })).toBe(true);
    expect(holdsAttributes(item, { createdAt: { S: '2020-01-01T00:00:00.000Z' } })).toBe(false);
    expect(holdsAttributes(item, { authorId: undefined })).toBe(false);
  });

  it('the item after an update, computed locally, holds the new keys and drops the removed ones', () => {
    const before = { ...storedArticle(), _gsi2pk: { S: 'old' }, _gsi2sk: { S: '-' }, _gsi1pk: { S: 'stale' }, _gsi1sk: { S: 'stale' } };
    const keys = [set('_gsi1pk', { S: 'new' }), set('_gsi1sk', { S: createdKey(CREATED) }), remove('_gsi2pk'), remove('_gsi2sk')];
    const after = itemAfterUpdate(before, [remove('status'), set('authorId', { S: 'z' })], keys, 'w1');
    expect([after._gsi1pk, after._gsi1sk]).toEqual([{ S: 'new' }, { S: createdKey(CREATED) }]);
    expect('_gsi2pk' in after || '_gsi2sk' in after).toBe(false);
    expect([after.authorId, after.version, after._writeId]).toEqual([{ S: 'z' }, { N: '4' }, { S: 'w1' }]);
  });
});

const HISTORY = ['_writeId', '_w1', '_w2', '_w3', '_w4', '_w5', '_w6', '_w7'];
const SHIFT = [7, 6, 5, 4, 3, 2, 1].map((i) => `#w${i} = if_not_exists(#w${i - 1}, :wnone)`).join(', ') + ', #w0 = :wid';
const NOT_RECORDED = 'NOT (' + HISTORY.map((_, i) => `#w${i} = :wid`).join(' OR ') + ')';
const HISTORY_NAMES = Object.fromEntries(HISTORY.map((name, i) => [`#w${i}`, name]));

describe('update() and increment() requests of indexed entities', () => {
  function setup(respond: (command: SentCommand, count: number) => unknown) {
    let count = 0;
    const { client, sent } = fakeClient((command) => respond(command, (count += 1)));
    return { articles: new EntityManager({ client, tableName: 'app' }).getRepository(Article), sent };
  }
  const answer = (item: Item) => (command: SentCommand) => (command.operation === 'GetItem' ? { Item: item } : { Attributes: item });
  const writeIdOf = (command: SentCommand | undefined) => (command?.input.ExpressionAttributeValues as Item)[':wid'];

  it(`a whole key of an unsorted index: one UpdateItem setting the partition key and the sort key '-'`, async () => {
    const { articles, sent } = setup(answer(storedArticle()));
    await articles.update('a1', { status: 'open' });
    expect(sent.map((c) => c.operation)).toEqual(['UpdateItem']);
    expect(sent[0]?.input).toEqual({
      TableName: 'app',
      Key: { PK: { S: 'iuArticle#a1' }, SK: { S: 'iuArticle' } },
      UpdateExpression: `SET #u0 = :u0, #u1 = :u1, #u2 = :u2, #u3 = if_not_exists(#u3, :u3) + :u4, ${SHIFT}`,
      ConditionExpression: `attribute_exists(#c0) AND ${NOT_RECORDED}`,
      ExpressionAttributeNames: { '#u0': 'status', '#u1': '_gsi2pk', '#u2': '_gsi2sk', '#u3': 'version', ...HISTORY_NAMES, '#c0': 'PK' },
      ExpressionAttributeValues: {
        ':u0': { S: 'open' },
        ':u1': { S: 'iuArticle#byStatus#' + text('open') },
        ':u2': { S: '-' },
        ':u3': { N: '0' },
        ':u4': { N: '1' },
        ':wid': writeIdOf(sent[0]),
        ':wnone': { S: '' },
      },
      ReturnValues: 'ALL_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('every key field of a sorted index: one UpdateItem, no read, conditioned on nothing but existence', async () => {
    const { articles, sent } = setup(answer(storedArticle()));
    await articles.update('a1', { authorId: 'bob', createdAt: new Date('2025-01-01T00:00:00.000Z') });
    expect(sent.map((c) => c.operation)).toEqual(['UpdateItem']);
    const update = sent[0]?.input ?? {};
    expect(update.UpdateExpression).toBe(`SET #u0 = :u0, #u1 = :u1, #u2 = :u2, #u3 = :u3, #u4 = if_not_exists(#u4, :u4) + :u5, ${SHIFT}`);
    expect(update.ConditionExpression).toBe(`attribute_exists(#c0) AND ${NOT_RECORDED}`);
    expect(update.ExpressionAttributeNames).toMatchObject({ '#u0': 'authorId', '#u1': 'createdAt', '#u2': '_gsi1pk', '#u3': '_gsi1sk', '#u4': 'version', '#c0': 'PK' });
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':u2': { S: 'iuArticle#byAuthor#' + text('bob') },
      ':u3': { S: createdKey('2025-01-01T00:00:00.000Z') },
    });
  });

  it('every key field with a stale expectedVersion: the one UpdateItem is refused, VersionConflictError, no read', async () => {
    const { articles, sent } = setup(() => {
      throw awsError('ConditionalCheckFailedException', { Item: storedArticle() });
    });
    const run = articles.update('a1', { authorId: 'bob', createdAt: new Date('2025-01-01T00:00:00.000Z') }, { expectedVersion: 2 });
    await expect(run).rejects.toMatchObject({ constructor: VersionConflictError, expectedVersion: 2, actualVersion: 3 });
    expect(sent.map((c) => c.operation)).toEqual(['UpdateItem']);
    expect(sent[0]?.input.ConditionExpression).toBe(`attribute_exists(#c0) AND #c1 = :c0 AND ${NOT_RECORDED}`);
    expect([sent[0]?.input.ExpressionAttributeNames?.['#c1' as never], (sent[0]?.input.ExpressionAttributeValues as Item)[':c0']]).toEqual(['version', { N: '2' }]);
  });

  it('removing a partition field: one UpdateItem removing both keys', async () => {
    const { articles, sent } = setup(answer(storedArticle()));
    await articles.update('a1', { status: null as never });
    expect(sent.map((c) => c.operation)).toEqual(['UpdateItem']);
    expect(sent[0]?.input.UpdateExpression).toBe(`SET #u0 = :u0, #u3 = if_not_exists(#u3, :u1) + :u2, ${SHIFT} REMOVE #u1, #u2`);
    expect(sent[0]?.input.ExpressionAttributeNames).toMatchObject({ '#u1': '_gsi2pk', '#u2': '_gsi2sk', '#u3': 'version' });
  });

  it('part of a key: one consistent GetItem, then an UpdateItem conditioned on the stored fields it used', async () => {
    const { articles, sent } = setup(answer(storedArticle()));
    await articles.update('a1', { authorId: 'bob' });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'UpdateItem']);
    expect(sent[0]?.input).toEqual({ TableName: 'app', Key: { PK: { S: 'iuArticle#a1' }, SK: { S: 'iuArticle' } }, ConsistentRead: true });
    const update = sent[1]?.input ?? {};
    expect(update.UpdateExpression).toBe(`SET #u0 = :u0, #u1 = :u1, #u2 = :u2, #u3 = if_not_exists(#u3, :u3) + :u4, ${SHIFT}`);
    expect(update.ConditionExpression).toBe(`attribute_exists(#c0) AND #c1 = :c0 AND #c2 = :c1 AND ${NOT_RECORDED}`);
    expect(update.ExpressionAttributeNames).toMatchObject({ '#u0': 'authorId', '#u1': '_gsi1pk', '#u2': '_gsi1sk', '#c1': 'createdAt', '#c2': 'uid' });
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':u1': { S: 'iuArticle#byAuthor#' + text('bob') },
      ':u2': { S: createdKey(CREATED) },
      ':c0': { S: CREATED },
      ':c1': { S: UID },
    });
  });

  it('a stored field used by the key changed meanwhile: read again, and the retry uses the new value', async () => {
    const moved = storedArticle({ createdAt: { S: '2030-01-01T00:00:00.000Z' }, version: { N: '4' } });
    const { articles, sent } = setup((command, n) => {
      if (command.operation === 'GetItem') return { Item: n === 1 ? storedArticle() : moved };
      if (n === 2) throw awsError('ConditionalCheckFailedException', { Item: moved });
      return { Attributes: moved };
    });
    await articles.update('a1', { authorId: 'bob' });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'UpdateItem', 'GetItem', 'UpdateItem']);
    const values = sent[3]?.input.ExpressionAttributeValues as Item;
    expect(values[':u2']).toEqual({ S: createdKey('2030-01-01T00:00:00.000Z') });
    expect(values[':c0']).toEqual({ S: '2030-01-01T00:00:00.000Z' });
  });

  it('with expectedVersion the read must be at that version: VersionConflictError and no write', async () => {
    const { articles, sent } = setup(answer(storedArticle()));
    await expect(articles.update('a1', { authorId: 'bob' }, { expectedVersion: 2 })).rejects.toMatchObject({
      constructor: VersionConflictError,
      expectedVersion: 2,
      actualVersion: 3,
    });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem']);
  });

  it('a failure for another reason is not retried: the version moved under expectedVersion, or the entity is gone', async () => {
    const moved = storedArticle({ createdAt: { S: '2030-01-01T00:00:00.000Z' }, version: { N: '4' } });
    const conflict = setup((command) => {
      if (command.operation === 'GetItem') return { Item: storedArticle() };
      throw awsError('ConditionalCheckFailedException', { Item: moved });
    });
    await expect(conflict.articles.update('a1', { authorId: 'bob' }, { expectedVersion: 3 })).rejects.toBeInstanceOf(VersionConflictError);
    expect(conflict.sent.map((c) => c.operation)).toEqual(['GetItem', 'UpdateItem']);
    const missing = setup(() => ({}));
    await expect(missing.articles.update('a1', { authorId: 'bob' })).rejects.toBeInstanceOf(EntityNotFoundError);
    expect(missing.sent.map((c) => c.operation)).toEqual(['GetItem']);
  });

  it('increment of a key field: read, compute the sum here (bigint exact), set it with the new key, conditioned on the value read', async () => {
    const { articles, sent } = setup(answer(storedArticle({ score: { N: String(10n ** 30n) } })));
    await articles.increment('a1', 'score', 1n);
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'UpdateItem']);
    const update = sent[1]?.input ?? {};
    expect(update.UpdateExpression).toBe(`SET #u0 = :u0, #u1 = :u1, #u2 = :u2, #u3 = if_not_exists(#u3, :u3) + :u4, ${SHIFT}`);
    expect(update.ExpressionAttributeNames).toMatchObject({ '#u0': 'score', '#u1': '_gsi3pk', '#u2': '_gsi3sk', '#c1': 'score' });
    expect(update.ExpressionAttributeValues).toMatchObject({
      ':u0': { N: String(10n ** 30n + 1n) },
      ':u2': { S: text(orderedDouble(5)) + text(orderedInteger(10n ** 30n + 1n)) },
      ':c0': { N: String(10n ** 30n) },
    });
    expect(update.ConditionExpression).toBe(`attribute_exists(#c0) AND #c1 = :c0 AND #c2 = :c1 AND #c3 = :c2 AND #c4 = :c3 AND #c5 = :c4 AND ${NOT_RECORDED}`);
    expect(update.ExpressionAttributeNames).toMatchObject({ '#c2': 'tenant', '#c3': 'region', '#c4': 'rank', '#c5': 'uid' });
  });

  it('increment of any other field stays one UpdateItem adding in the engine', async () => {
    const { articles, sent } = setup(answer(storedArticle()));
    await articles.increment('a1', 'views', 2);
    expect(sent.map((c) => c.operation)).toEqual(['UpdateItem']);
    expect(sent[0]?.input.UpdateExpression).toBe(`SET #u0 = if_not_exists(#u0, :u0) + :u1, #u1 = if_not_exists(#u1, :u2) + :u3, ${SHIFT}`);
  });

  it('a transaction update reads the item only when the key needs stored values and conditions its entry on them', async () => {
    const { client, sent } = fakeClient((command) => (command.operation === 'GetItem' ? { Item: storedArticle() } : {}));
    const em = new EntityManager({ client, tableName: 'app' });
    await em.transaction(async (tx) => {
      tx.update(Article, 'a1', { createdAt: new Date('2026-01-01T00:00:00.000Z') });
      tx.update(Article, 'a2', { status: 'done' });
      tx.update(Article, 'a3', { authorId: 'cy', createdAt: new Date('2027-01-01T00:00:00.000Z') });
    });
    expect(sent.map((c) => c.operation)).toEqual(['GetItem', 'TransactWriteItems']);
    expect(sent[0]?.input.Key).toEqual({ PK: { S: 'iuArticle#a1' }, SK: { S: 'iuArticle' } });
    const [first, second, third] = (sent[1]?.input.TransactItems as { Update: Record<string, unknown> }[]).map((entry) => entry.Update);
    expect(first?.ConditionExpression).toBe(`attribute_exists(#c0) AND #c1 = :c0 AND #c2 = :c1 AND ${NOT_RECORDED}`);
    expect(first?.ExpressionAttributeNames).toMatchObject({ '#u1': '_gsi1pk', '#u2': '_gsi1sk', '#c1': 'authorId', '#c2': 'uid' });
    expect(first?.ExpressionAttributeValues).toMatchObject({ ':u2': { S: createdKey('2026-01-01T00:00:00.000Z') }, ':c0': { S: 'ann' } });
    expect(second?.UpdateExpression).toMatch(/^SET #u0 = :u0, #u1 = :u1, #u2 = :u2, /);
    expect(second?.ExpressionAttributeNames).toMatchObject({ '#u1': '_gsi2pk', '#u2': '_gsi2sk' });
    expect(second?.ExpressionAttributeValues).toMatchObject({ ':u2': { S: '-' } });
    expect(third?.ConditionExpression).toBe(`attribute_exists(#c0) AND ${NOT_RECORDED}`);
    expect(third?.ExpressionAttributeValues).toMatchObject({ ':u2': { S: 'iuArticle#byAuthor#' + text('cy') }, ':u3': { S: createdKey('2027-01-01T00:00:00.000Z') } });
  });

  it('a transaction update at a version the stored item no longer has fails before anything is sent', async () => {
    const { client, sent } = fakeClient((command) => (command.operation === 'GetItem' ? { Item: storedArticle() } : {}));
    const em = new EntityManager({ client, tableName: 'app' });
    const run = em.transaction(async (tx) => tx.update(Article, 'a1', { authorId: 'bob' }, { expectedVersion: 1 }));
    await expect(run).rejects.toBeInstanceOf(VersionConflictError);
    expect(sent.map((c) => c.operation)).toEqual(['GetItem']);
  });
});

describe('holdsAttributes: what a conditioned update expects, compared as DynamoDB compares', () => {
  it('numbers by value whatever their spelling, absent as absent, NULL as a value', () => {
    expect(holdsAttributes({ n: { N: '1.0' } }, { n: { N: '1' } })).toBe(true);
    expect(holdsAttributes({ n: { N: '1E+2' } }, { n: { N: '100' } })).toBe(true);
    expect(holdsAttributes({ n: { N: '2' } }, { n: { N: '1' } })).toBe(false);
    expect(holdsAttributes({}, { s: undefined })).toBe(true);
    expect(holdsAttributes({ s: { NULL: true } }, { s: undefined })).toBe(false);
    expect(holdsAttributes({ s: { S: 'a' } }, { s: { S: 'a' }, t: undefined })).toBe(true);
  });
});
