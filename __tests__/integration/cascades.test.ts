import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  BaseEntity,
  BatchDeleteIncompleteError,
  CollectionTooLargeError,
  EntityAlreadyExistsError,
  EntityManager,
  Field,
  InvalidArgumentError,
  MetadataError,
  StrId,
  Table,
  Unique,
  UnsupportedByEngineError,
  VersionConflictError,
  parentStrIdOf,
} from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { faultyClient } from '../support/faults';
import { racingClient } from '../support/racing-client';
import type { RaceRule } from '../support/racing-client';
import { useEntityManager } from '../support/tables';

/** Type names start with `cs` so that they never meet another test file's classes. */
@Table('csArticle')
class CsArticle extends BaseEntity {
  @StrId() slug!: string;
  @Field() title: string = '';
}

@Table('csComment', { parent: () => CsArticle })
class CsComment extends BaseEntity {
  @StrId() id!: string;
  @Field() body: string = '';
  @Field() likes: number = 0;
}

/** Not in the type index: found through its parent only. */
@Table('csFavorite', { parent: () => CsArticle, typeIndex: 'none' })
class CsFavorite extends BaseEntity {
  @StrId() username!: string;
}

/** Unique across every article: its writes need transactions. */
@Table('csReview', { parent: () => CsArticle })
class CsReview extends BaseEntity {
  @StrId() id!: string;
  @Field() @Unique() ticket!: string;
}

/** A parent with a unique field, and its child. */
@Table('csAuthor')
class CsAuthor extends BaseEntity {
  @StrId() name!: string;
  @Field() @Unique() email!: string;
}

@Table('csBook', { parent: () => CsAuthor })
class CsBook extends BaseEntity {
  @StrId() id!: string;
}

type Item = Record<string, AttributeValue>;

const transactions = (c: { transactions: boolean }) => c.transactions;
const noTransactions = (c: { transactions: boolean }) => !c.transactions;
const NEEDS = 'needs TransactWriteItems';
const NEEDS_NONE = 'an engine without transactions';

/** The sort keys of a partition, read with the raw SDK (strongly consistent). */
async function sortKeys(manager: EntityManager, pk: string): Promise<string[]> {
  const keys: string[] = [];
  let startKey: Item | undefined;
  do {
    const input = { TableName: manager.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': { S: pk } }, ConsistentRead: true, ExclusiveStartKey: startKey };
    const page = await manager.client.send(new QueryCommand(input));
    keys.push(...(page.Items ?? []).map((item) => item.SK?.S as string));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return keys.sort();
}

async function rawItem(manager: EntityManager, pk: string, sk: string): Promise<Item | undefined> {
  const key = { PK: { S: pk }, SK: { S: sk } };
  return (await manager.client.send(new GetItemCommand({ TableName: manager.tableName, Key: key, ConsistentRead: true }))).Item;
}

/** Writes an item as another tool (or a class not imported here) would, bypassing the library. */
async function rawPut(manager: EntityManager, item: Item): Promise<void> {
  await manager.client.send(new PutItemCommand({ TableName: manager.tableName, Item: item }));
}

const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';

/** How many requests of each operation a client sent. */
function counts(sent: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const operation of sent) result[operation] = (result[operation] ?? 0) + 1;
  return result;
}

describeEachEngine('cascades and renames of a parent with children', (engine) => {
  const em = useEntityManager(engine);
  beforeAll(() => CsArticle.useEntityManager(em()));
  const articles = () => em().getRepository(CsArticle);
  const commentsOf = (slug: string) => em().getRepository(CsComment).of(slug);
  const favoritesOf = (slug: string) => em().getRepository(CsFavorite).of(slug);
  const reviewsOf = (slug: string) => em().getRepository(CsReview).of(slug);
  const keysOf = (slug: string) => sortKeys(em(), `csArticle#${slug}`);

  /** A manager on the same table whose client records every operation (and runs `rules` before them). */
  function recording(...rules: RaceRule[]): { manager: EntityManager; sent: string[] } {
    const { client, sent } = racingClient(engine().client, ...rules);
    return { manager: new EntityManager({ client, tableName: em().tableName }), sent };
  }

  /** An article with `comments` comments and `favorites` favorites (batch writes: no transactions needed). */
  async function seed(slug: string, comments: number, favorites: number): Promise<CsArticle> {
    const article = await articles().create({ slug, title: slug });
    const pad = (i: number) => String(i).padStart(3, '0');
    await commentsOf(slug).saveMany(Array.from({ length: comments }, (_, i) => ({ id: `c${pad(i)}`, body: `body ${i}` })));
    await favoritesOf(slug).saveMany(Array.from({ length: favorites }, (_, i) => ({ username: `u${pad(i)}` })));
    return article;
  }

  describe('delete with { cascade: true }', () => {
    it('0 children: the parent goes; deleteByStr of a missing parent resolves false; other parents are untouched', async () => {
      const lonely = await seed('zero', 0, 0);
      await seed('zero-other', 2, 1);
      await articles().delete(lonely, { cascade: true });
      expect(await keysOf('zero')).toEqual([]);
      await expect(articles().deleteByStr('zero', { cascade: true })).resolves.toBe(false);
      expect(await keysOf('zero-other')).toEqual(['csArticle', 'csComment#c000', 'csComment#c001', 'csFavorite#u000']);
    });

    it('3 children of two types (one typeIndex none): parent and children go, other parents stay; counted requests', async () => {
      await seed('three', 2, 1);
      await seed('three-other', 2, 1);
      const { manager, sent } = recording();
      await expect(manager.getRepository(CsArticle).deleteByStr('three', { cascade: true })).resolves.toBe(true);
      expect(await keysOf('three')).toEqual([]);
      expect(await keysOf('three-other')).toEqual(['csArticle', 'csComment#c000', 'csComment#c001', 'csFavorite#u000']);
      const listed = await em().getRepository(CsComment).query().toArray();
      expect(listed.filter((comment) => parentStrIdOf(comment) === 'three')).toEqual([]);
      expect(listed.filter((comment) => parentStrIdOf(comment) === 'three-other')).toHaveLength(2);
      // One read, one transaction (or, without transactions, a batch and the parent's delete), then the read for late children.
      expect(sent).toEqual(
        engine().capabilities.transactions
          ? ['Query', 'TransactWriteItems', 'Query']
          : ['Query', 'TransactWriteItems', 'BatchWriteItem', 'DeleteItem', 'Query'], // the engine's answer to transactions is remembered
      );
    });

    it('120 children (too many for one transaction): in steps, parent last; 25 deletes per BatchWriteItem; counted requests', async () => {
      const article = await seed('big', 100, 20);
      await seed('big-other', 3, 2);
      const { manager, sent } = recording();
      await manager.getRepository(CsArticle).delete(article, { cascade: true });
      expect(await keysOf('big')).toEqual([]);
      expect((await keysOf('big-other')).length).toBe(6);
      expect(sent.filter((operation) => operation === 'BatchWriteItem')).toHaveLength(5);
      expect(sent).not.toContain('TransactWriteItems');
      expect(sent.filter((operation) => operation === 'DeleteItem')).toHaveLength(1);
      // The parent is deleted after every child: its DeleteItem follows the last BatchWriteItem.
      expect(sent.lastIndexOf('DeleteItem')).toBeGreaterThan(sent.lastIndexOf('BatchWriteItem'));
      expect(counts(sent)).toEqual({ Query: 10, GetItem: 1, BatchWriteItem: 5, DeleteItem: 1 });
    });

    it('a stale parent (changed since loaded) is a VersionConflictError and nothing is deleted, small or large', async () => {
      for (const [slug, comments] of [['stale-small', 3], ['stale-large', 110]] as const) {
        const stale = await seed(slug, comments, 1);
        await articles().update(slug, { title: 'changed' });
        const before = await keysOf(slug);
        const error = await articles().delete(stale, { cascade: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(VersionConflictError);
        expect(error).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        expect(await keysOf(slug)).toEqual(before);
        expect(before).toHaveLength(comments + 2);
      }
    });

    it('an interrupted large cascade leaves the parent in place and says so; a second call finishes', async () => {
      await seed('cut', 110, 0);
      const { client, faults } = faultyClient(engine(), { maxAttempts: 1 });
      try {
        const manager = new EntityManager({ client, tableName: em().tableName, batchRetry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
        faults.inject({ operation: 'BatchWriteItem', fault: { kind: 'http500' }, skip: 2 });
        const error = await manager.getRepository(CsArticle).deleteByStr('cut', { cascade: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BatchDeleteIncompleteError);
        expect((error as Error).message).toMatch(/stopped after deleting 50 of its children\. CsArticle "cut" still exists \(it is deleted last\)/);
        const left = await keysOf('cut');
        expect(left).toContain('csArticle');
        expect(left).toHaveLength(1 + 60);
        faults.reset();
        await expect(manager.getRepository(CsArticle).deleteByStr('cut', { cascade: true })).resolves.toBe(true);
        expect(await keysOf('cut')).toEqual([]);
      } finally {
        client.destroy();
      }
    });

    it('deleteByStr with cascade deletes the children of a parent already gone (deleted without cascade), and resolves false', async () => {
      await seed('orphaned', 3, 1);
      await expect(articles().deleteByStr('orphaned')).resolves.toBe(true);
      expect(await keysOf('orphaned')).toHaveLength(4); // without cascade the children stay
      await expect(articles().deleteByStr('orphaned', { cascade: true })).resolves.toBe(false);
      expect(await keysOf('orphaned')).toEqual([]);
    });

    it('a child created under the parent while the cascade deletes it is deleted too (the partition is read again)', async () => {
      await seed('late', 2, 0);
      const finalWrite = engine().capabilities.transactions ? 'TransactWriteItems' : 'DeleteItem';
      const { client, faults } = faultyClient(engine(), { maxAttempts: 3 });
      try {
        const manager = new EntityManager({ client, tableName: em().tableName });
        // The parent's delete lands, then a child is created under its key before the answer comes back.
        faults.inject({ operation: finalWrite, fault: { kind: 'dropAfterApply', meanwhile: () => commentsOf('late').create({ id: 'late-child' }) }, times: 1 });
        await expect(manager.getRepository(CsArticle).deleteByStr('late', { cascade: true })).resolves.toBe(true);
        expect(faults.injected).toEqual([{ operation: finalWrite, kind: 'dropAfterApply' }]);
        expect(await keysOf('late')).toEqual([]);
      } finally {
        client.destroy();
      }
    });

    it('an item type no registered class declares is refused before anything is deleted, small or large', async () => {
      for (const [slug, comments] of [['ghost-small', 2], ['ghost-large', 105]] as const) {
        await seed(slug, comments, 0);
        await rawPut(em(), { PK: { S: `csArticle#${slug}` }, SK: { S: 'csGhost#1' }, uid: { S: UID }, version: { N: '1' } });
        await rawPut(em(), { PK: { S: `csArticle#${slug}` }, SK: { S: 'zzLast#1' }, uid: { S: UID }, version: { N: '1' } });
        const before = await keysOf(slug);
        const error = await articles().deleteByStr(slug, { cascade: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(MetadataError);
        expect((error as Error).message).toMatch(/holds items of type "csGhost", "zzLast".*Nothing was written\. Import the classes/);
        expect(await keysOf(slug)).toEqual(before);
      }
    });

    it('a child type refuses cascade before any request', async () => {
      const { manager, sent } = recording();
      const error = await manager.getRepository(CsComment).of('x').deleteByStr('c', { cascade: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(/CsComment is a child type \(of CsArticle\)/);
      expect(sent).toEqual([]);
    });

    it('Active Record: instance delete({ cascade }) and static deleteByStr(strId, { cascade })', async () => {
      const article = await seed('ar-1', 2, 1);
      await seed('ar-2', 1, 0);
      await article.delete({ cascade: true });
      await expect(CsArticle.deleteByStr('ar-2', { cascade: true })).resolves.toBe(true);
      expect([...(await keysOf('ar-1')), ...(await keysOf('ar-2'))]).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'a child changed between the read and the transaction cancels it; the cascade reads again and retries', async () => {
      await seed('moving', 3, 0);
      const rule = { operation: 'TransactWriteItems', before: () => commentsOf('moving').increment('c001', 'likes') };
      const { manager, sent } = recording(rule);
      await expect(manager.getRepository(CsArticle).deleteByStr('moving', { cascade: true })).resolves.toBe(true);
      expect(await keysOf('moving')).toEqual([]);
      expect(sent).toEqual(['Query', 'TransactWriteItems', 'Query', 'TransactWriteItems', 'Query']);
    });

    testWhen(transactions, NEEDS, 'children with @Unique fields: their guards are released (the values are free again), small and large', async () => {
      for (const [slug, reviews] of [['rev-small', 3], ['rev-large', 55]] as const) {
        await seed(slug, 2, 0);
        await Promise.all(Array.from({ length: reviews }, (_, i) => reviewsOf(slug).create({ id: `r${i}`, ticket: `${slug}-T${i}` })));
        const { manager, sent } = recording();
        await expect(manager.getRepository(CsArticle).deleteByStr(slug, { cascade: true })).resolves.toBe(true);
        expect(await keysOf(slug)).toEqual([]);
        for (const i of [0, reviews - 1]) {
          expect(await rawItem(em(), `csReview.ticket#${slug}-T${i}`, 'csReview.ticket')).toBeUndefined();
          await expect(reviewsOf('claimer').create({ id: `${slug}-${i}`, ticket: `${slug}-T${i}` })).resolves.toMatchObject({ ticket: `${slug}-T${i}` });
        }
        // Small: one transaction of 1 + 2 + 2 * 3 items; large: 55 reviews with their guards (110 items) in 2 transactions.
        expect(counts(sent).TransactWriteItems).toBe(reviews === 3 ? 1 : 2);
      }
    });

    testWhen(transactions, NEEDS, 'a parent with @Unique fields: its guard is released with it', async () => {
      const authors = em().getRepository(CsAuthor);
      await authors.create({ name: 'ann', email: 'ann@example.com' });
      await em().getRepository(CsBook).of('ann').create({ id: 'b1' });
      await expect(authors.deleteByStr('ann', { cascade: true })).resolves.toBe(true);
      expect(await sortKeys(em(), 'csAuthor#ann')).toEqual([]);
      await expect(authors.create({ name: 'ann-2', email: 'ann@example.com' })).resolves.toMatchObject({ email: 'ann@example.com' });
    });

    testWhen(noTransactions, NEEDS_NONE, 'a child with @Unique fields without transactions: UnsupportedByEngineError before anything is deleted', async () => {
      for (const [slug, comments] of [['nt-small', 2], ['nt-large', 105]] as const) {
        await seed(slug, comments, 0);
        await rawPut(em(), { PK: { S: `csArticle#${slug}` }, SK: { S: 'csReview#r1' }, uid: { S: UID }, version: { N: '1' }, _type: { S: 'csReview' }, ticket: { S: 'T' } });
        const before = await keysOf(slug);
        const error = await articles().deleteByStr(slug, { cascade: true }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UnsupportedByEngineError);
        expect(await keysOf(slug)).toEqual(before);
      }
    });
  });

  describe('rename of a parent with children', () => {
    testWhen(transactions, NEEDS, 'moves every child in the same transaction: same uid and fields, version + 1; unique guards follow', async () => {
      const article = await seed('old-slug', 2, 1);
      const review = await reviewsOf('old-slug').create({ id: 'r1', ticket: 'RN-1' });
      await seed('bystander', 1, 0);
      const before = await commentsOf('old-slug').getByStr('c000');
      const { manager, sent } = recording();
      await manager.getRepository(CsArticle).rename(article, 'new-slug');
      expect([article.slug, article.version]).toEqual(['new-slug', 2]);
      expect(await keysOf('old-slug')).toEqual([]);
      expect(await keysOf('new-slug')).toEqual(['csArticle', 'csComment#c000', 'csComment#c001', 'csFavorite#u000', 'csReview#r1']);
      const moved = await commentsOf('new-slug').getByStr('c000');
      expect([moved.uid, moved.body, moved.version, parentStrIdOf(moved)]).toEqual([before.uid, before.body, before.version + 1, 'new-slug']);
      const found = await em().getRepository(CsReview).getByUnique('ticket', 'RN-1');
      expect([found.uid, found.id, parentStrIdOf(found)]).toEqual([review.uid, 'r1', 'new-slug']);
      expect(await rawItem(em(), 'csReview.ticket#RN-1', 'csReview.ticket')).toMatchObject({ ownerParentStrId: { S: 'new-slug' }, ownerUid: { S: review.uid } });
      expect(await keysOf('bystander')).toEqual(['csArticle', 'csComment#c000']);
      expect(sent).toEqual(['Query', 'TransactWriteItems', 'Query']);
      // A copy loaded before the move is stale: it conflicts instead of writing the old key again.
      before.body = 'stale';
      await expect(em().getRepository(CsComment).save(before)).rejects.toBeInstanceOf(VersionConflictError);
      expect(await keysOf('old-slug')).toEqual([]);
    });

    testWhen(transactions, NEEDS, 'a child changed between the read and the transaction: the rename reads again and retries', async () => {
      const article = await seed('mv-old', 2, 0);
      const rule = { operation: 'TransactWriteItems', before: () => commentsOf('mv-old').increment('c001', 'likes') };
      const { manager, sent } = recording(rule);
      await manager.getRepository(CsArticle).rename(article, 'mv-new');
      expect(await keysOf('mv-old')).toEqual([]);
      await expect(commentsOf('mv-new').getByStr('c001')).resolves.toMatchObject({ likes: 1, version: 3 });
      expect(sent).toEqual(['Query', 'TransactWriteItems', 'Query', 'TransactWriteItems', 'Query']);
    });

    testWhen(transactions, NEEDS, 'a child created under the old key while the rename runs is moved after it', async () => {
      const article = await seed('late-old', 1, 0);
      const rule = { operation: 'TransactWriteItems', before: () => commentsOf('late-old').create({ id: 'late' }) };
      const { manager, sent } = recording(rule);
      await manager.getRepository(CsArticle).rename(article, 'late-new');
      expect(await keysOf('late-old')).toEqual([]);
      expect(await keysOf('late-new')).toEqual(['csArticle', 'csComment#c000', 'csComment#late']);
      expect(sent).toEqual(['Query', 'TransactWriteItems', 'Query', 'TransactWriteItems', 'Query']);
    });

    testWhen(transactions, NEEDS, 'to a str id whose former parent left a child with the same id: EntityAlreadyExistsError, nothing written', async () => {
      const article = await seed('to-taken', 2, 0);
      await seed('taken', 1, 0);
      await articles().deleteByStr('taken'); // without cascade: its comment c000 stays
      const error = await articles().rename(article, 'taken').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EntityAlreadyExistsError);
      expect(error).toMatchObject({ entity: 'CsComment', strId: 'c000' });
      expect(await keysOf('to-taken')).toEqual(['csArticle', 'csComment#c000', 'csComment#c001']);
      expect(await keysOf('taken')).toEqual(['csComment#c000']);
    });

    it('more than 100 items (parent, children, guards): CollectionTooLargeError before anything is written', async () => {
      const article = await seed('huge', 60, 0);
      const before = await keysOf('huge');
      const error = await articles().rename(article, 'huge-2').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CollectionTooLargeError);
      expect((error as CollectionTooLargeError).size).toBeGreaterThan(100);
      expect(await keysOf('huge')).toEqual(before);
      expect(await keysOf('huge-2')).toEqual([]);
      expect([article.slug, article.version]).toEqual(['huge', 1]);
    });

    it('an item type no registered class declares is refused before anything is written', async () => {
      const article = await seed('ghost-rename', 1, 0);
      await rawPut(em(), { PK: { S: 'csArticle#ghost-rename' }, SK: { S: 'csGhost#1' }, uid: { S: UID }, version: { N: '1' } });
      const error = await articles().rename(article, 'ghost-renamed').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MetadataError);
      expect((error as Error).message).toMatch(/"csGhost".*so that they are moved with it/);
      expect(await keysOf('ghost-rename')).toEqual(['csArticle', 'csComment#c000', 'csGhost#1']);
      expect(await keysOf('ghost-renamed')).toEqual([]);
    });

    testWhen(noTransactions, NEEDS_NONE, 'without transactions: UnsupportedByEngineError, the children stay under the old key', async () => {
      const article = await seed('nt-rename', 2, 0);
      await expect(articles().rename(article, 'nt-renamed')).rejects.toBeInstanceOf(UnsupportedByEngineError);
      expect(await keysOf('nt-rename')).toEqual(['csArticle', 'csComment#c000', 'csComment#c001']);
      expect(await keysOf('nt-renamed')).toEqual([]);
    });
  });
});
