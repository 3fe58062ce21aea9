import {
  BaseEntity,
  ConditionFailedError,
  EntityNotFoundError,
  Field,
  Index,
  InvalidArgumentError,
  StrId,
  Table,
  TransactionCanceledError,
  VersionConflictError,
} from '../../src';
import type { Repository } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { allItems, useEntityManager, useFaultyEntityManager } from '../support/tables';
import { Account } from '../fixtures/entities';

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';

@Table('wcArticle')
@Index('byAuthorScore', { partition: ['authorId'], sort: ['score'] })
class Article extends BaseEntity {
  @StrId() slug!: string;
  @Field() authorId!: string;
  @Field() title: string = '';
  @Field() status: 'draft' | 'published' = 'draft';
  @Field() favoritesCount: number = 0;
  @Field() score: number = 0;
  @Field({ type: () => String }) tags: string[] = [];
}

@Table('wcFavorite')
class Favorite extends BaseEntity {
  @StrId() id!: string;
  @Field() userId!: string;
  @Field() slug!: string;
}

/** `condition` on writes: one request decides, the failure names the fields, nothing is written. */
describeEachEngine('write conditions', (engine) => {
  const em = useEntityManager(engine);
  const { faults, faultyEm } = useFaultyEntityManager(engine, em);
  beforeAll(() => {
    Account.useEntityManager(em());
    Article.useEntityManager(em());
  });
  const articles = (): Repository<Article> => em().getRepository(Article);
  const counted = (): Repository<Article> => faultyEm().getRepository(Article);
  const write = (slug: string, authorId: string, extra: Partial<Article> = {}) => articles().create({ slug, authorId, title: 'T', ...extra });

  it('only the author may edit: one UpdateItem for ada, ConditionFailedError naming authorId for bob, nothing written', async () => {
    await write('wc-ada', 'ada');
    await write('wc-bob', 'bob');
    const edited = await counted().update('wc-ada', { title: 'Ada edits' }, { condition: { authorId: { eq: 'ada' } } });
    expect([edited.title, edited.version]).toEqual(['Ada edits', 2]);
    expect(faults.count('UpdateItem')).toBe(1);
    const error = await counted().update('wc-bob', { title: 'Ada edits' }, { condition: { authorId: { eq: 'ada' } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConditionFailedError);
    expect(error).toMatchObject({ code: 'CONDITION_FAILED', entity: 'Article', strId: 'wc-bob', fields: ['authorId'] });
    expect((error as ConditionFailedError).cause).toBeDefined();
    const stored = await articles().getByStr('wc-bob');
    expect([stored.title, stored.version]).toEqual(['T', 1]);
  });

  it('every operator of a filter works as a condition; only the failing fields are named', async () => {
    await write('wc-ops', 'ada', { status: 'published', score: 5, tags: ['ts', 'db'] });
    const holds = { authorId: { in: ['ada', 'eve'], beginsWith: 'a', ne: 'bob' }, score: { between: [1, 9], gt: 4 }, tags: { contains: 'db' }, title: { exists: true } } as const;
    await expect(articles().update('wc-ops', { title: 'ok' }, { condition: holds })).resolves.toMatchObject({ title: 'ok' });
    const error = await articles()
      .update('wc-ops', { title: 'no' }, { condition: { authorId: { eq: 'ada' }, score: { lt: 5 }, status: { eq: 'draft' }, tags: { contains: 'js' } } })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ fields: ['score', 'status', 'tags'] });
    expect((await articles().getByStr('wc-ops')).title).toBe('ok');
  });

  it('increment with a condition: applied while it holds, ConditionFailedError once it does not', async () => {
    await write('wc-inc', 'ada', { status: 'published' });
    await articles().increment('wc-inc', 'favoritesCount', 1, { condition: { status: { eq: 'published' } } });
    await articles().update('wc-inc', { status: 'draft' });
    await expect(articles().increment('wc-inc', 'favoritesCount', 1, { condition: { status: { eq: 'published' } } })).rejects.toMatchObject({
      code: 'CONDITION_FAILED',
      fields: ['status'],
    });
    // An index key field is read first and set to the sum; the condition still decides.
    await expect(articles().increment('wc-inc', 'score', 3, { condition: { status: { eq: 'published' } } })).rejects.toBeInstanceOf(ConditionFailedError);
    await articles().increment('wc-inc', 'score', 3, { condition: { status: { eq: 'draft' } } });
    const stored = await articles().getByStr('wc-inc');
    expect([stored.favoritesCount, stored.score, stored.version]).toEqual([1, 3, 4]);
  });

  it('save and delete with a condition', async () => {
    const mine = await write('wc-save', 'ada');
    mine.title = 'saved';
    await articles().save(mine, { condition: { authorId: { eq: 'ada' } } });
    expect(mine.version).toBe(2);
    mine.title = 'not saved';
    await expect(articles().save(mine, { condition: { authorId: { eq: 'bob' } } })).rejects.toMatchObject({ code: 'CONDITION_FAILED', fields: ['authorId'] });
    expect((await articles().getByStr('wc-save')).title).toBe('saved');
    await expect(articles().delete(mine, { condition: { status: { eq: 'published' } } })).rejects.toMatchObject({ code: 'CONDITION_FAILED', fields: ['status'] });
    await expect(articles().findByStr('wc-save')).resolves.toBeDefined();
    await articles().delete(mine, { condition: { status: { eq: 'draft' } } });
    await expect(articles().findByStr('wc-save')).resolves.toBeUndefined();
    // Active Record forms take the same option.
    const record = await Article.create({ slug: 'wc-ar', authorId: 'ada' });
    record.title = 'by record';
    await expect(record.save({ condition: { authorId: { eq: 'bob' } } })).rejects.toBeInstanceOf(ConditionFailedError);
    await record.save({ condition: { authorId: { eq: 'ada' } } });
    await expect(Article.update('wc-ar', { title: 'x' }, { condition: { title: { eq: 'T' } } })).rejects.toMatchObject({ fields: ['title'] });
    await expect(Article.increment('wc-ar', 'favoritesCount', 1, { condition: { title: { eq: 'by record' } } })).resolves.toMatchObject({ favoritesCount: 1 });
    await record.reload();
    await expect(record.delete({ condition: { favoritesCount: { eq: 0 } } })).rejects.toBeInstanceOf(ConditionFailedError);
    await record.delete({ condition: { favoritesCount: { eq: 1 } } });
    await expect(Article.findByStr('wc-ar')).resolves.toBeUndefined();
  });

  it('a missing entity is EntityNotFoundError for update, and delete stays idempotent', async () => {
    await expect(articles().update('wc-none', { title: 'x' }, { condition: { authorId: { eq: 'ada' } } })).rejects.toBeInstanceOf(EntityNotFoundError);
    const gone = await write('wc-gone', 'ada');
    await articles().deleteByStr('wc-gone');
    await expect(articles().delete(gone, { condition: { authorId: { eq: 'bob' } } })).resolves.toBeUndefined();
  });

  it('a condition and expectedVersion: a wrong version is VersionConflictError; the right one with a false condition is ConditionFailedError', async () => {
    await write('wc-both', 'ada');
    const condition = { authorId: { eq: 'bob' } };
    await expect(articles().update('wc-both', { title: 'x' }, { expectedVersion: 7, condition })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(articles().update('wc-both', { title: 'x' }, { expectedVersion: 1, condition })).rejects.toBeInstanceOf(ConditionFailedError);
    const stale = await articles().getByStr('wc-both');
    await articles().update('wc-both', { title: 'moved on' });
    stale.title = 'stale';
    await expect(articles().save(stale, { condition })).rejects.toBeInstanceOf(VersionConflictError);
    await expect(articles().delete(stale, { condition })).rejects.toBeInstanceOf(VersionConflictError);
    expect((await articles().getByStr('wc-both')).title).toBe('moved on');
  });

  it('a lost answer followed by a retry still reports success, though the retry would fail the condition', async () => {
    await write('wc-lost', 'ada', { status: 'draft' });
    // The condition holds before the write and not after it: the retry fails, the write history says it landed.
    faults.inject({ operation: 'UpdateItem', fault: { kind: 'dropAfterApply' }, times: 1 });
    const published = await counted().update('wc-lost', { status: 'published' }, { condition: { status: { eq: 'draft' } } });
    expect([published.status, published.version]).toEqual(['published', 2]);
    expect(faults.count('UpdateItem')).toBe(2);
    const mine = await articles().getByStr('wc-lost');
    mine.status = 'draft';
    faults.inject({ operation: 'PutItem', fault: { kind: 'dropAfterApply' }, times: 1 });
    await expect(faultyEm().getRepository(Article).save(mine, { condition: { status: { eq: 'published' } } })).resolves.toBe(mine);
    expect((await articles().getByStr('wc-lost')).version).toBe(3);
  });

  it('an update that reads the entity first checks the condition on that read: a failing write is not sent', async () => {
    await write('wc-read', 'ada', { score: 4 });
    faults.reset();
    // byAuthorScore needs the stored score for a new authorId, and the new score for an increment: both read first.
    const condition = { status: { eq: 'published' } } as const;
    await expect(counted().update('wc-read', { authorId: 'cat' }, { condition })).rejects.toMatchObject({ code: 'CONDITION_FAILED', fields: ['status'] });
    await expect(counted().increment('wc-read', 'score', 1, { condition: { score: { gt: 4 } } })).rejects.toMatchObject({ fields: ['score'] });
    await expect(counted().update('wc-read', { authorId: 'cat' }, { expectedVersion: 9, condition })).rejects.toBeInstanceOf(VersionConflictError);
    expect(faults.requests).toEqual({ GetItem: 3 });
    const moved = await counted().update('wc-read', { authorId: 'cat' }, { condition: { status: { eq: 'draft' } } });
    expect([moved.authorId, moved.version]).toEqual(['cat', 2]);
    expect(faults.requests).toEqual({ GetItem: 4, UpdateItem: 1 });
    const [listed] = await articles().query({ index: 'byAuthorScore', where: { authorId: 'cat' } }).toArray();
    expect(listed?.slug).toBe('wc-read');
  });

  it('bad conditions are refused with zero requests', async () => {
    const mine = await write('wc-bad', 'ada');
    faults.reset();
    const repo = counted();
    const bad: unknown[] = [{ writer: { eq: 'ada' } }, { score: { eq: 'five' } }, { authorId: { like: 'a' } }, { score: { beginsWith: '1' } }, { authorId: 'ada' }];
    // An unknown field or operator is InvalidArgumentError; a value the field cannot hold, EntityValidationError.
    const refused = expect.objectContaining({ code: expect.stringMatching(/^(INVALID_ARGUMENT|VALIDATION_FAILED)$/) });
    for (const condition of bad) {
      await expect(repo.update('wc-bad', { title: 'x' }, { condition } as never)).rejects.toEqual(refused);
      await expect(repo.increment('wc-bad', 'score', 1, { condition } as never)).rejects.toEqual(refused);
      await expect(repo.save(mine, { condition } as never)).rejects.toEqual(refused);
      await expect(repo.delete(mine, { condition } as never)).rejects.toEqual(refused);
      await expect(faultyEm().transaction((tx) => tx.update(Article, 'wc-bad', { title: 'x' }, { condition } as never))).rejects.toEqual(refused);
      await expect(faultyEm().transaction((tx) => tx.increment(Article, 'wc-bad', 'score', 1, { condition } as never))).rejects.toEqual(refused);
    }
    await expect(repo.update('wc-bad', { title: 'x' }, { condition: { writer: { eq: 'ada' } } } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(repo.update('wc-bad', { title: 'x' }, { condition: { authorId: { like: 'a' } } } as never)).rejects.toThrow(/unknown operator "like"/);
    expect(faults.requests).toEqual({});
  });

  testWhen(transactions, NEEDS, 'add a favorite and bump favoritesCount: one TransactWriteItems', async () => {
    await write('wc-fav', 'ada', { status: 'published' });
    await faultyEm().transaction((tx) => {
      tx.create(Favorite, { id: 'eve:wc-fav', userId: 'eve', slug: 'wc-fav' });
      tx.increment(Article, 'wc-fav', 'favoritesCount', 1, { condition: { status: { eq: 'published' } } });
    });
    expect(faults.requests).toEqual({ TransactWriteItems: 1 });
    expect((await articles().getByStr('wc-fav')).favoritesCount).toBe(1);
    await expect(em().getRepository(Favorite).findByStr('eve:wc-fav')).resolves.toBeDefined();
    // A second favorite by eve: the create fails, so the count does not move either.
    const again = em().transaction((tx) => {
      tx.create(Favorite, { id: 'eve:wc-fav', userId: 'eve', slug: 'wc-fav' });
      tx.increment(Article, 'wc-fav', 'favoritesCount');
    });
    await expect(again).rejects.toBeInstanceOf(TransactionCanceledError);
    // An index key field through tx.increment: read now, set to the sum.
    await em().transaction((tx) => tx.increment(Article, 'wc-fav', 'score', 2, { expectedVersion: 2 }));
    const stored = await articles().getByStr('wc-fav');
    expect([stored.favoritesCount, stored.score, stored.version]).toEqual([1, 2, 3]);
    const [top] = await articles().query({ index: 'byAuthorScore', where: { authorId: 'ada', score: { eq: 2 } } }).toArray();
    expect(top?.slug).toBe('wc-fav');
  });

  testWhen(transactions, NEEDS, 'transaction forms: a failing condition is ConditionFailedError among the item failures, nothing written', async () => {
    const mine = await write('wc-tx', 'ada');
    await write('wc-tx-other', 'bob');
    const before = await allItems(em());
    const error = await em()
      .transaction((tx) => {
        tx.create(Favorite, { id: 'eve:wc-tx', userId: 'eve', slug: 'wc-tx' });
        tx.update(Article, 'wc-tx-other', { title: 'x' }, { condition: { authorId: { eq: 'ada' } } });
        tx.increment(Article, 'wc-tx', 'favoritesCount', 1, { condition: { status: { eq: 'published' } } });
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionCanceledError);
    const failures = (error as TransactionCanceledError).failures;
    expect(failures.map((f) => [f.strId, f.error?.code, (f.error as ConditionFailedError | undefined)?.fields])).toEqual([
      ['wc-tx-other', 'CONDITION_FAILED', ['authorId']],
      ['wc-tx', 'CONDITION_FAILED', ['status']],
    ]);
    expect(await allItems(em())).toEqual(before);
    mine.title = 'saved in tx';
    await em().transaction((tx) => tx.save(mine, { condition: { authorId: { eq: 'ada' } } }));
    expect(mine.version).toBe(2);
    const saveFailure = await em().transaction((tx) => tx.delete(mine, { condition: { authorId: { eq: 'bob' } } })).catch((e: unknown) => e);
    expect((saveFailure as TransactionCanceledError).failures[0]?.error).toBeInstanceOf(ConditionFailedError);
    await em().transaction((tx) => tx.delete(mine, { condition: { authorId: { eq: 'ada' } } }));
    await expect(articles().findByStr('wc-tx')).resolves.toBeUndefined();
  });

  testWhen(transactions, NEEDS, 'transaction forms that read when queued fail on a condition the read breaks, sending nothing', async () => {
    await write('wc-tx-read', 'ada', { score: 4 });
    faults.reset();
    const doomed = faultyEm().transaction((tx) => {
      tx.create(Favorite, { id: 'eve:wc-tx-read', userId: 'eve', slug: 'wc-tx-read' });
      tx.update(Article, 'wc-tx-read', { authorId: 'cat' }, { condition: { authorId: { eq: 'bob' } } });
    });
    await expect(doomed).rejects.toMatchObject({ code: 'CONDITION_FAILED', strId: 'wc-tx-read', fields: ['authorId'] });
    const increment = faultyEm().transaction((tx) => tx.increment(Article, 'wc-tx-read', 'score', 1, { condition: { score: { lt: 4 } } }));
    await expect(increment).rejects.toBeInstanceOf(ConditionFailedError);
    expect(faults.requests).toEqual({ GetItem: 2 });
    await faultyEm().transaction((tx) => tx.increment(Article, 'wc-tx-read', 'score', 1, { condition: { score: { eq: 4 } } }));
    expect(faults.requests).toEqual({ GetItem: 3, TransactWriteItems: 1 });
    await expect(em().getRepository(Favorite).findByStr('eve:wc-tx-read')).resolves.toBeUndefined();
    expect((await articles().getByStr('wc-tx-read')).score).toBe(5);
  });

  testWhen(transactions, NEEDS, 'entities with @Unique fields: the condition goes on the entity, not on its guards', async () => {
    const account = await Account.create({ handle: 'wc-uniq', email: 'wc-uniq@example.com', balance: 5 });
    const refused = Account.update('wc-uniq', { email: 'wc-new@example.com' }, { condition: { balance: { eq: 0 } } });
    await expect(refused).rejects.toMatchObject({ code: 'CONDITION_FAILED', fields: ['balance'] });
    await expect(Account.findByUnique('email', 'wc-new@example.com')).resolves.toBeUndefined();
    await Account.update('wc-uniq', { email: 'wc-new@example.com' }, { condition: { balance: { eq: 5 } } });
    await expect(Account.findByUnique('email', 'wc-new@example.com')).resolves.toMatchObject({ handle: 'wc-uniq' });
    await account.reload();
    account.balance = 6;
    await expect(account.save({ condition: { balance: { gt: 5 } } })).rejects.toBeInstanceOf(ConditionFailedError);
    await account.save({ condition: { balance: { eq: 5 } } });
    await expect(account.delete({ condition: { balance: { eq: 5 } } })).rejects.toMatchObject({ fields: ['balance'] });
    await account.delete({ condition: { balance: { eq: 6 } } });
    await expect(Account.findByUnique('email', 'wc-new@example.com')).resolves.toBeUndefined();
  });
});
