/**
 * Many-to-many relations as edge items: each edge is a child item in one side's partition (read
 * there with one strongly consistent Query) and in an @Index keyed by the other side (read across
 * partitions with one index Query). Counters move with their edges in one TransactWriteItems.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BaseEntity,
  ConditionFailedError,
  EntityAlreadyExistsError,
  EntityManager,
  EntityNotFoundError,
  Field,
  Index,
  InvalidArgumentError,
  ParentRequiredError,
  StrId,
  Table,
  TransactionCanceledError,
  Unique,
  parentStrIdOf,
} from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { faultyClient } from '../support/faults';
import type { FaultInjector } from '../support/faults';
import { allItems, useEntityManager } from '../support/tables';
import { recordCommands } from '../support/recording';
import type { SentCommand as Sent } from '../support/recording';

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';

@Table('relArticle')
class RelArticle extends BaseEntity {
  @StrId() slug!: string;
  @Field() title: string = '';
  @Field() favoritesCount: number = 0;
}

/** "eve favorited this article": in the article's partition, and in byUser under eve. */
@Table('relFavorite', { parent: () => RelArticle, typeIndex: 'none' })
@Index('byUser', { partition: ['username'], sort: ['createdAt'] })
class RelFavorite extends BaseEntity {
  @StrId() username!: string;
  @Field() createdAt: Date = new Date();
}

@Table('relUser')
class RelUser extends BaseEntity {
  @StrId() username!: string;
  @Field() followersCount: number = 0;
  @Field() followingCount: number = 0;
}

/** "<parent> follows <followed>": in the follower's partition, and in byFollowed under the followed user. */
@Table('relFollow', { parent: () => RelUser, typeIndex: 'none' })
@Index('byFollowed', { partition: ['followed'], sort: ['since'] })
class RelFollow extends BaseEntity {
  @StrId() followed!: string;
  @Field() since: Date = new Date();
}

@Table('relGroup')
class RelGroup extends BaseEntity {
  @StrId() name!: string;
}

@Table('relMembership', { parent: () => RelGroup, typeIndex: 'none' })
@Index('byUser', { partition: ['username'], sort: ['joinedAt'] })
class RelMembership extends BaseEntity {
  @StrId() username!: string;
  @Field() joinedAt: Date = new Date();
  @Field() role: string = 'member';
}

/** A child whose code is unique across all groups: deleting it must release the code's guard. */
@Table('relInvite', { parent: () => RelGroup })
class RelInvite extends BaseEntity {
  @StrId() id!: string;
  @Field() @Unique() code!: string;
}



/** The error a promise rejects with, or undefined when it resolves. */
const rejectionOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (error: unknown) => error);

/**
 * DynamoDB cancels a transaction that races another one on the same item (TransactionConflict); the
 * library retries that 4 times, and a hot counter under heavy contention may need more.
 */
async function retryingConflicts(work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const conflict = error instanceof TransactionCanceledError && error.failures.every((f) => f.reason === 'TransactionConflict');
      if (!conflict || attempt === 10) throw error;
    }
  }
}

describeEachEngine('many-to-many relations as edge items', (engine) => {
  const em = useEntityManager(engine);
  let faults: FaultInjector;
  let faultyEm: EntityManager;
  let client: DynamoDBClient | undefined;
  let sent: Sent[];
  beforeAll(() => {
    ({ client, faults } = faultyClient(engine(), { maxAttempts: 3 }));
    sent = recordCommands(client);
    faultyEm = new EntityManager({ client, tableName: em().tableName });
  });
  afterAll(() => client?.destroy());
  afterEach(() => {
    faults.reset();
    sent.length = 0;
  });

  const favorites = (manager = em()) => manager.getRepository(RelFavorite);
  const favorite = (slug: string, username: string, manager = em()) =>
    manager.transaction((tx) => {
      tx.create(favorites(manager).of(slug), { username });
      tx.increment(RelArticle, slug, 'favoritesCount', 1);
    });
  const unfavorite = (slug: string, username: string, manager = em()) =>
    manager.transaction((tx) => {
      tx.deleteByStr(favorites(manager).of(slug), username);
      tx.increment(RelArticle, slug, 'favoritesCount', -1);
    });
  /** The article's counter and its edges, read consistently: they must always agree. */
  async function countAndEdges(slug: string): Promise<[number, string[]]> {
    const article = await em().getRepository(RelArticle).getByStr(slug);
    const edges = await favorites().of(slug).query().toArray();
    return [article.favoritesCount, edges.map((f) => f.username)];
  }

  it('favorites: who favorited an article is one consistent Query of its partition; what a user favorited is one index Query', async () => {
    await em().getRepository(RelArticle).create({ slug: 'dragons' });
    await em().getRepository(RelArticle).create({ slug: 'knots' });
    await favorites().of('dragons').create({ username: 'eve', createdAt: new Date(3000) });
    await favorites().of('dragons').create({ username: 'bob', createdAt: new Date(1000) });
    await favorites().of('knots').create({ username: 'eve', createdAt: new Date(2000) });
    sent.length = 0;
    faults.reset();

    const whoFavorited = await favorites(faultyEm).of('dragons').query().toArray();
    expect(whoFavorited.map((f) => f.username)).toEqual(['bob', 'eve']); // str id order
    expect(faults.requests).toEqual({ Query: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.input).toMatchObject({ ConsistentRead: true });
    expect(sent[0]?.input.IndexName).toBeUndefined();

    faults.reset();
    sent.length = 0;
    const byEve = await favorites(faultyEm).query({ index: 'byUser', where: { username: 'eve' } }).toArray();
    expect(byEve.map((f) => [parentStrIdOf(f), f.createdAt.getTime()])).toEqual([['knots', 2000], ['dragons', 3000]]);
    expect(faults.requests).toEqual({ Query: 1 });
    expect(sent[0]?.input.IndexName).toEqual(expect.any(String));
    expect(sent[0]?.input.ConsistentRead).not.toBe(true); // DynamoDB cannot read a GSI consistently
    const newest = await favorites().query({ index: 'byUser', where: { username: 'eve' }, order: 'desc', limit: 1 }).toArray();
    expect(newest.map((f) => parentStrIdOf(f))).toEqual(['dragons']);
    await expect(favorites().count({ index: 'byUser', where: { username: 'bob' } })).resolves.toBe(1);
    expect(() => favorites().of('dragons').query({ index: 'byUser', where: { username: 'eve' } })).toThrow(InvalidArgumentError);
  });

  testWhen(transactions, NEEDS, 'favorite and unfavorite are one TransactWriteItems each: the edge and the counter move together', async () => {
    await em().getRepository(RelArticle).create({ slug: 'tx' });
    await favorite('tx', 'eve', faultyEm);
    expect(faults.requests).toEqual({ TransactWriteItems: 1 });
    expect(await countAndEdges('tx')).toEqual([1, ['eve']]);

    const before = await allItems(em());
    const twice = await rejectionOf(favorite('tx', 'eve'));
    expect(twice).toBeInstanceOf(TransactionCanceledError);
    expect((twice as TransactionCanceledError).failures.map((f) => [f.operation, f.error?.constructor])).toEqual([['create', EntityAlreadyExistsError]]);
    expect(await allItems(em())).toEqual(before);

    faults.reset();
    sent.length = 0;
    await unfavorite('tx', 'eve', faultyEm);
    expect(faults.requests).toEqual({ TransactWriteItems: 1 });
    const [remove] = sent[0]?.input.TransactItems as Array<Record<string, any>>;
    expect(remove?.Delete).toMatchObject({ ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': 'PK' } });
    expect(await countAndEdges('tx')).toEqual([0, []]);

    // Unfavoriting what is not favorited cancels the whole transaction: the counter stays.
    const after = await allItems(em());
    const absent = await rejectionOf(unfavorite('tx', 'eve'));
    expect(absent).toBeInstanceOf(TransactionCanceledError);
    const failures = (absent as TransactionCanceledError).failures;
    expect(failures.map((f) => [f.index, f.operation, f.strId, f.reason])).toEqual([[0, 'deleteByStr', 'eve', 'ConditionalCheckFailed']]);
    expect(failures[0]?.error).toBeInstanceOf(EntityNotFoundError);
    expect(failures[0]?.error).toMatchObject({ code: 'ENTITY_NOT_FOUND', entity: 'RelFavorite' });
    expect(await allItems(em())).toEqual(after);
  });

  testWhen(transactions, NEEDS, 'tx.deleteByStr alone: a missing entity is EntityNotFoundError, a retry after a lost answer is done', async () => {
    await favorites().of('alone').create({ username: 'eve' });
    await em().transaction((tx) => tx.deleteByStr(favorites().of('alone'), 'eve'));
    await expect(favorites().of('alone').findByStr('eve')).resolves.toBeUndefined();
    // Nothing to delete and no earlier attempt that could have deleted it: not taken for done.
    const missing = await rejectionOf(em().transaction((tx) => tx.deleteByStr(favorites().of('alone'), 'eve')));
    expect(missing).toBeInstanceOf(TransactionCanceledError);
    expect((missing as TransactionCanceledError).failures.map((f) => f.error?.code)).toEqual(['ENTITY_NOT_FOUND']);
    // The first attempt deleted it and its answer was lost: the SDK's retry finds it gone, which is success.
    await favorites().of('alone').create({ username: 'bob' });
    faults.inject({ operation: 'TransactWriteItems', fault: { kind: 'dropAfterApply' }, times: 1 });
    await faultyEm.transaction((tx) => tx.deleteByStr(favorites(faultyEm).of('alone'), 'bob'));
    expect(faults.requests).toEqual({ TransactWriteItems: 2 });
    await expect(favorites().of('alone').findByStr('bob')).resolves.toBeUndefined();
    // Without a parent, the child's str id names nothing: refused before any request.
    faults.reset();
    await expect(faultyEm.transaction((tx) => tx.deleteByStr(RelFavorite, 'bob'))).rejects.toBeInstanceOf(ParentRequiredError);
    expect(faults.requests).toEqual({});
  });

  testWhen(transactions, NEEDS, 'tx.deleteByStr with a condition, and of an entity with @Unique fields (its guards go in the same transaction)', async () => {
    const invites = () => em().getRepository(RelInvite);
    await invites().of('g-inv').create({ id: 'i1', code: 'JOIN-1' });
    const before = await allItems(em());
    const refused = await rejectionOf(
      em().transaction((tx) => tx.deleteByStr(em().getRepository(RelMembership).of('g-inv'), 'nobody', { condition: { role: { eq: 'owner' } } })),
    );
    expect((refused as TransactionCanceledError).failures[0]?.error).toBeInstanceOf(EntityNotFoundError);
    await em().getRepository(RelMembership).of('g-inv').create({ username: 'ada' });
    const conditioned = await rejectionOf(
      em().transaction((tx) => tx.deleteByStr(em().getRepository(RelMembership).of('g-inv'), 'ada', { condition: { role: { eq: 'owner' } } })),
    );
    const failure = (conditioned as TransactionCanceledError).failures[0];
    expect(failure?.error).toBeInstanceOf(ConditionFailedError);
    expect((failure?.error as ConditionFailedError).fields).toEqual(['role']);
    await em().transaction((tx) => tx.deleteByStr(em().getRepository(RelMembership).of('g-inv'), 'ada', { condition: { role: { eq: 'member' } } }));
    expect(await allItems(em())).toEqual(before);

    faults.reset();
    await faultyEm.transaction((tx) => tx.deleteByStr(faultyEm.getRepository(RelInvite).of('g-inv'), 'i1'));
    expect(faults.requests).toEqual({ GetItem: 1, TransactWriteItems: 1 });
    await expect(invites().findByUnique('code', 'JOIN-1')).resolves.toBeUndefined();
    expect((await allItems(em())).filter((item) => JSON.stringify(item).includes('JOIN-1'))).toEqual([]);
    // The code is free again, for an invite of another group.
    await expect(invites().of('g-other').create({ id: 'i2', code: 'JOIN-1' })).resolves.toMatchObject({ code: 'JOIN-1' });
    // Missing when queued: EntityNotFoundError before any write.
    faults.reset();
    const gone = await rejectionOf(faultyEm.transaction((tx) => tx.deleteByStr(faultyEm.getRepository(RelInvite).of('g-inv'), 'i1')));
    expect(gone).toBeInstanceOf(EntityNotFoundError);
    expect(faults.requests).toEqual({ GetItem: 1 });
  });

  testWhen(transactions, NEEDS, '20 users favorite one article concurrently: favoritesCount is 20, as many as the edges', async () => {
    await em().getRepository(RelArticle).create({ slug: 'hot' });
    const users = Array.from({ length: 20 }, (_, i) => `user${String(i).padStart(2, '0')}`);
    const results = await Promise.allSettled(users.map((username) => retryingConflicts(() => favorite('hot', username))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await countAndEdges('hot')).toEqual([20, users]);
  }, 60_000);

  testWhen(transactions, NEEDS, 'one user favoriting 10 times concurrently: exactly one succeeds, the others are EntityAlreadyExists cancellations', async () => {
    await em().getRepository(RelArticle).create({ slug: 'same' });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => retryingConflicts(() => favorite('same', 'eve'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as TransactionCanceledError] : []));
    expect(errors.map((e) => e.failures.map((f) => [f.operation, f.error?.code]))).toEqual(Array(9).fill([['create', 'ENTITY_ALREADY_EXISTS']]));
    expect(await countAndEdges('same')).toEqual([1, ['eve']]);
  }, 60_000);

  testWhen(transactions, NEEDS, 'concurrent favorites and unfavorites of several users keep favoritesCount equal to the number of edges', async () => {
    await em().getRepository(RelArticle).create({ slug: 'mixed' });
    const users = ['ann', 'ben', 'cid', 'dee', 'eli'];
    // Per user: add, remove, remove, add, add, remove, add, remove (a repeat must fail). The starts are
    // scrambled over a few milliseconds, so one user's adds and removes overlap in flight.
    const ops = Array.from({ length: 40 }, (_, i) => ({ username: users[i % users.length] as string, add: [0, 3, 4, 6].includes(Math.floor(i / 5)) }));
    const results = await Promise.allSettled(
      ops.map(async ({ username, add }, i) => {
        await new Promise((resolve) => setTimeout(resolve, (i * 7) % 13));
        await retryingConflicts(() => (add ? favorite('mixed', username) : unfavorite('mixed', username)));
      }),
    );
    let net = 0;
    results.forEach((result, i) => {
      const add = ops[i]?.add;
      if (result.status === 'fulfilled') {
        net += add ? 1 : -1;
        return;
      }
      // The only acceptable failures: adding an edge that exists, removing one that does not.
      const failures = (result.reason as TransactionCanceledError).failures;
      expect(failures.map((f) => [f.operation, f.error?.code])).toEqual([add ? ['create', 'ENTITY_ALREADY_EXISTS'] : ['deleteByStr', 'ENTITY_NOT_FOUND']]);
    });
    const [count, edges] = await countAndEdges('mixed');
    expect(count).toBe(edges.length);
    expect(count).toBe(net);
    expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  }, 60_000);

  describe('follows: the edge is in the follower partition and in byFollowed', () => {
    const follows = () => em().getRepository(RelFollow);
    const follow = (follower: string, followed: string) =>
      em().transaction((tx) => {
        tx.create(follows().of(follower), { followed });
        tx.increment(RelUser, follower, 'followingCount', 1);
        tx.increment(RelUser, followed, 'followersCount', 1);
      });
    const unfollow = (follower: string, followed: string) =>
      em().transaction((tx) => {
        tx.deleteByStr(follows().of(follower), followed);
        tx.increment(RelUser, follower, 'followingCount', -1);
        tx.increment(RelUser, followed, 'followersCount', -1);
      });

    it('who X follows is one Query of its partition; the followers of X are one Query of byFollowed', async () => {
      await follows().of('ada').create({ followed: 'linus', since: new Date(1) });
      await follows().of('ada').create({ followed: 'grace', since: new Date(2) });
      await follows().of('bob').create({ followed: 'grace', since: new Date(3) });
      faults.reset();
      const adaFollows = await faultyEm.getRepository(RelFollow).of('ada').query().toArray();
      const followersOfGrace = await faultyEm.getRepository(RelFollow).query({ index: 'byFollowed', where: { followed: 'grace' } }).toArray();
      expect(faults.requests).toEqual({ Query: 2 });
      expect(adaFollows.map((f) => f.followed)).toEqual(['grace', 'linus']);
      expect(followersOfGrace.map((f) => parentStrIdOf(f))).toEqual(['ada', 'bob']);
      await expect(follows().query({ index: 'byFollowed', where: { followed: 'ada' } }).toArray()).resolves.toEqual([]);
    });

    testWhen(transactions, NEEDS, 'follow and unfollow move both users counters with the edge, all or nothing', async () => {
      await em().getRepository(RelUser).create({ username: 'kim' });
      await em().getRepository(RelUser).create({ username: 'lee' });
      await follow('kim', 'lee');
      await follow('lee', 'kim');
      const users = () => em().getRepository(RelUser).getMany(['kim', 'lee']);
      expect((await users()).map((u) => [u?.followersCount, u?.followingCount])).toEqual([[1, 1], [1, 1]]);
      await unfollow('kim', 'lee');
      expect((await users()).map((u) => [u?.followersCount, u?.followingCount])).toEqual([[1, 0], [0, 1]]);
      const again = await rejectionOf(unfollow('kim', 'lee'));
      expect((again as TransactionCanceledError).failures.map((f) => f.error?.code)).toEqual(['ENTITY_NOT_FOUND']);
      expect((await users()).map((u) => [u?.followersCount, u?.followingCount])).toEqual([[1, 0], [0, 1]]);
      // Following a user that does not exist: the increment of its counter finds nothing, so no edge either.
      const ghost = await rejectionOf(follow('kim', 'ghost'));
      expect((ghost as TransactionCanceledError).failures.map((f) => [f.operation, f.strId, f.error?.code])).toEqual([['update', 'ghost', 'ENTITY_NOT_FOUND']]);
      await expect(follows().of('kim').findByStr('ghost')).resolves.toBeUndefined();
    });
  });

  it('group membership: the members of a group and the groups of a user are one Query each', async () => {
    const memberships = () => em().getRepository(RelMembership);
    for (const [group, username] of [['chess', 'ada'], ['chess', 'bob'], ['go', 'ada'], ['poker', 'cid']] as const) {
      await memberships().of(group).create({ username, joinedAt: new Date(Date.UTC(2026, 0, group.length)) });
    }
    faults.reset();
    const members = await faultyEm.getRepository(RelMembership).of('chess').query().toArray();
    const groupsOfAda = await faultyEm.getRepository(RelMembership).query({ index: 'byUser', where: { username: 'ada' } }).toArray();
    expect(faults.requests).toEqual({ Query: 2 });
    expect(members.map((m) => m.username)).toEqual(['ada', 'bob']);
    expect(groupsOfAda.map((m) => parentStrIdOf(m))).toEqual(['go', 'chess']); // by joinedAt
    // Leaving is a delete of the edge; both directions stop listing it.
    await expect(memberships().of('chess').deleteByStr('ada')).resolves.toBe(true);
    expect((await memberships().of('chess').query().toArray()).map((m) => m.username)).toEqual(['bob']);
    const after = await memberships().query({ index: 'byUser', where: { username: 'ada' } }).toArray();
    expect(after.map((m) => parentStrIdOf(m))).toEqual(['go']);
  });
});
