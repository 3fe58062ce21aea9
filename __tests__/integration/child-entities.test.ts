import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  ConditionFailedError,
  EntityNotFoundError,
  EntityValidationError,
  InvalidArgumentError,
  ParentRequiredError,
  TransactionCanceledError,
  UniqueConstraintError,
  parentStrIdOf,
} from '../../src';
import type { EntityManager, QueryOptions, Repository } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { allItems, useEntityManager, useFaultyEntityManager } from '../support/tables';
import { CeArticle, CeComment, CeCommentary, CeFavorite, CeReview } from '../fixtures/articles';
import { rejectionOf } from '../support/recording';

const transactions = (c: { transactions: boolean }) => c.transactions;
const NEEDS = 'needs TransactWriteItems';

type Item = Record<string, AttributeValue>;


const ids = (entities: ReadonlyArray<{ id: string }>): string[] => entities.map((entity) => entity.id);

async function rawItem(manager: EntityManager, pk: string, sk: string): Promise<Item | undefined> {
  const key = { PK: { S: pk }, SK: { S: sk } };
  return (await manager.client.send(new GetItemCommand({ TableName: manager.tableName, Key: key, ConsistentRead: true }))).Item;
}

async function partition(manager: EntityManager, slug: string): Promise<Item[]> {
  return (await allItems(manager)).filter((item) => (item.PK as { S?: string }).S === `ceArticle#${slug}`) as Item[];
}

/** Every page of a listing, as lists of ids; at most 10 pages. */
async function pagesOf(repo: Repository<CeComment>, options: QueryOptions<CeComment>, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.query({ ...options, limit, cursor }).page();
    pages.push(ids(page.items));
    cursor = page.cursor;
  } while (cursor !== undefined && pages.length < 10);
  return pages;
}

describeEachEngine('child entity types', (engine) => {
  const em = useEntityManager(engine);
  const wide = useEntityManager(engine, 'wide');
  const { faults, faultyEm } = useFaultyEntityManager(engine, em);
  beforeAll(() => {
    CeArticle.useEntityManager(em());
    CeComment.useEntityManager(em());
  });
  const articles = () => em().getRepository(CeArticle);
  const comments = () => em().getRepository(CeComment);
  const commentsOf = (slug: string) => comments().of(slug);
  const favoritesOf = (slug: string) => em().getRepository(CeFavorite).of(slug);

  describe('a scoped repository', () => {
    it('create stores the child in its parent partition: PK ceArticle#<slug>, SK ceComment#<id>, _type set unless typeIndex none', async () => {
      await articles().create({ slug: 'lay', title: 'Layout' });
      const repo = commentsOf('lay');
      expect([repo.parentStrId, comments().parentStrId]).toEqual(['lay', undefined]);
      const comment = await repo.create({ id: 'c1', author: 'ada', body: 'hi' });
      expect(comment).toBeInstanceOf(CeComment);
      expect([comment.version, parentStrIdOf(comment)]).toEqual([1, 'lay']);
      expect(comment.uid).toMatch(/^[0-9a-f-]{36}$/);
      const stored = await rawItem(em(), 'ceArticle#lay', 'ceComment#c1');
      expect(stored).toMatchObject({ _type: { S: 'ceComment' }, uid: { S: comment.uid }, author: { S: 'ada' }, body: { S: 'hi' }, version: { N: '1' } });
      await favoritesOf('lay').create({ username: 'eve' });
      const favorite = await rawItem(em(), 'ceArticle#lay', 'ceFavorite#eve');
      expect(favorite).toBeDefined();
      expect(favorite?._type).toBeUndefined();
      const keys = (await partition(em(), 'lay')).map((item) => (item.SK as { S: string }).S).sort();
      expect(keys).toEqual(['ceArticle', 'ceComment#c1', 'ceFavorite#eve']);
      expect((await allItems(em())).filter((item) => /^ce(Comment|Favorite)/.test(String((item.PK as { S?: string }).S)))).toEqual([]);
      expect((await articles().getByStr('lay')).title).toBe('Layout');
    });

    it('getOrCreate creates once per parent, then returns the stored child untouched', async () => {
      const [first, created] = await commentsOf('goc').getOrCreate({ id: 'c', author: 'ada' });
      const [again, createdAgain] = await commentsOf('goc').getOrCreate({ id: 'c', author: 'bob' });
      const [other, createdOther] = await commentsOf('goc-2').getOrCreate({ id: 'c', author: 'bob' });
      expect([created, createdAgain, createdOther]).toEqual([true, false, true]);
      expect([again.uid, again.author, parentStrIdOf(again)]).toEqual([first.uid, 'ada', 'goc']);
      expect([other.author, parentStrIdOf(other)]).toEqual(['bob', 'goc-2']);
      expect(other.uid).not.toBe(first.uid);
    });

    it('ten concurrent getOrCreate of one child id in one parent: exactly one creates, all get its uid', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => commentsOf('race').getOrCreate({ id: 'same', author: `w${i}` })));
      const creators = results.filter(([, created]) => created);
      expect(creators).toHaveLength(1);
      const [creator] = creators[0] as [CeComment, boolean];
      expect(new Set(results.map(([entity]) => entity.uid))).toEqual(new Set([creator.uid]));
      expect((await commentsOf('race').getByStr('same')).author).toBe(creator.author);
      expect(await partition(em(), 'race')).toHaveLength(1);
    });

    it('getByStr and findByStr read the child of that parent only', async () => {
      await commentsOf('read-a').create({ id: 'c1', author: 'ada' });
      await expect(commentsOf('read-a').getByStr('c1')).resolves.toMatchObject({ id: 'c1', author: 'ada' });
      await expect(commentsOf('read-b').findByStr('c1')).resolves.toBeUndefined();
      await expect(commentsOf('read-b').getByStr('c1')).rejects.toBeInstanceOf(EntityNotFoundError);
    });

    it('save creates a new child, then replaces it when loaded, bumping the version', async () => {
      const fresh = Object.assign(new CeComment(), { id: 's1', author: 'ada' });
      await expect(commentsOf('save').save(fresh)).resolves.toBe(fresh);
      expect([fresh.version, parentStrIdOf(fresh)]).toEqual([1, 'save']);
      const loaded = await commentsOf('save').getByStr('s1');
      loaded.body = 'edited';
      await commentsOf('save').save(loaded);
      expect(loaded.version).toBe(2);
      const stored = await rawItem(em(), 'ceArticle#save', 'ceComment#s1');
      expect(stored).toMatchObject({ body: { S: 'edited' }, version: { N: '2' }, uid: { S: fresh.uid } });
    });

    it('delete and deleteByStr remove only that child; the parent stays', async () => {
      await articles().create({ slug: 'del' });
      const doomed = await commentsOf('del').create({ id: 'd1', author: 'ada' });
      await commentsOf('del').create({ id: 'd2', author: 'ada' });
      await commentsOf('del').delete(doomed);
      await expect(commentsOf('del').findByStr('d1')).resolves.toBeUndefined();
      await expect(commentsOf('del').deleteByStr('d2')).resolves.toBe(true);
      await expect(commentsOf('del').deleteByStr('d2')).resolves.toBe(false);
      expect((await partition(em(), 'del')).map((item) => item.SK)).toEqual([{ S: 'ceArticle' }]);
    });

    it('update, increment and reload act on the child of that parent', async () => {
      const mine = await commentsOf('upd').create({ id: 'u1', author: 'ada' });
      await expect(commentsOf('upd').update('u1', { body: 'new' })).resolves.toMatchObject({ body: 'new', version: 2 });
      await expect(commentsOf('upd').increment('u1', 'likes', 3)).resolves.toMatchObject({ likes: 3, version: 3 });
      const refused = commentsOf('upd').update('u1', { body: 'no' }, { condition: { author: { eq: 'bob' } } });
      await expect(refused).rejects.toBeInstanceOf(ConditionFailedError);
      await expect(commentsOf('upd-other').update('u1', { body: 'x' })).rejects.toBeInstanceOf(EntityNotFoundError);
      await expect(commentsOf('upd-other').findByStr('u1')).resolves.toBeUndefined();
      await commentsOf('upd').reload(mine);
      expect([mine.body, mine.likes, mine.version]).toEqual(['new', 3, 3]);
    });

  });

  describe('a scoped query and count', () => {
    beforeAll(() => seedQueryPartition());

    it('query lists the children in str id order (asc, desc, pages), never the parent, other parents or other child types', async () => {
      const all = ['a', 'a#b', 'ab', 'b', 'ba', 'c', '😀'];
      const listed = await commentsOf('q').query().toArray();
      expect(ids(listed)).toEqual(all);
      expect(listed.every((c) => c instanceof CeComment && parentStrIdOf(c) === 'q')).toBe(true);
      expect(ids(await commentsOf('q').query({ order: 'desc' }).toArray())).toEqual([...all].reverse());
      expect(await pagesOf(commentsOf('q'), {}, 3)).toEqual([['a', 'a#b', 'ab'], ['b', 'ba', 'c'], ['😀']]);
      expect(await pagesOf(commentsOf('q'), { order: 'desc' }, 4)).toEqual([['😀', 'c', 'ba', 'b'], ['ab', 'a#b', 'a']]);
      expect(await pagesOf(commentsOf('q'), { where: { id: { gt: 'b' } } }, 2)).toEqual([['ba', 'c'], ['😀']]);
      expect((await favoritesOf('q').query().toArray()).map((f) => f.username)).toEqual(['eve', 'zz']);
    });

    it('query where on the str id: eq, beginsWith, between, gt, gte, lt, lte, gte+lt; filter and select', async () => {
      const where = async (range: NonNullable<QueryOptions<CeComment>['where']>['id'], order?: 'desc') =>
        ids(await commentsOf('q').query({ where: { id: range }, order }).toArray());
      expect(await where({ eq: 'ba' })).toEqual(['ba']);
      expect(await where({ beginsWith: 'a' })).toEqual(['a', 'a#b', 'ab']);
      expect(await where({ beginsWith: 'a' }, 'desc')).toEqual(['ab', 'a#b', 'a']);
      expect(await where({ between: ['ab', 'ba'] })).toEqual(['ab', 'b', 'ba']);
      expect(await where({ gt: 'b' })).toEqual(['ba', 'c', '😀']);
      expect(await where({ gte: 'b' })).toEqual(['b', 'ba', 'c', '😀']);
      expect(await where({ lt: 'ab' })).toEqual(['a', 'a#b']);
      expect(await where({ lte: 'ab' })).toEqual(['a', 'a#b', 'ab']);
      expect(await where({ gte: 'a#', lt: 'b' })).toEqual(['a#b', 'ab']);
      expect(await where({ gt: '😀' })).toEqual([]);
      const byAda = { author: { eq: 'ada' } } as const;
      expect(ids(await commentsOf('q').query({ filter: byAda }).toArray())).toEqual(['a', 'ab', 'ba', '😀']);
      expect(ids(await commentsOf('q').query({ where: { id: { beginsWith: 'a' } }, filter: byAda }).toArray())).toEqual(['a', 'ab']);
      const selected = (await commentsOf('q').query({ select: ['author'], where: { id: { lt: 'b' } } }).toArray()) as unknown as CeComment[];
      expect(selected.map((c) => [c.id, c.author, c.body ?? ''])).toEqual([['a', 'ada', ''], ['a#b', 'bob', ''], ['ab', 'ada', '']]);
    });

    it('count: every child of the parent, or those a where/filter selects', async () => {
      await expect(commentsOf('q').count()).resolves.toBe(7);
      await expect(commentsOf('q').count({ where: { id: { beginsWith: 'a' } } })).resolves.toBe(3);
      await expect(commentsOf('q').count({ where: { id: { gt: 'b' } }, filter: { author: { eq: 'ada' } } })).resolves.toBe(2);
      await expect(commentsOf('q-2').count()).resolves.toBe(1);
      await expect(commentsOf('q-none').count()).resolves.toBe(0);
      await expect(favoritesOf('q').count()).resolves.toBe(2);
    });
  });

  describe('a scoped repository, batches, uids and uniques', () => {

    it('getMany, saveMany and deleteMany work on the children of one parent', async () => {
      await commentsOf('bm').saveMany([{ id: 'm1', author: 'ada' }, { id: 'm2', author: 'bob' }]);
      await commentsOf('bm-2').saveMany([{ id: 'm1', author: 'other' }]);
      const got = await commentsOf('bm').getMany(['m2', 'm1', 'none', 'm1']);
      expect(got.map((c) => c?.author)).toEqual(['bob', 'ada', undefined, 'ada']);
      expect(got.map((c) => c && parentStrIdOf(c))).toEqual(['bm', 'bm', undefined, 'bm']);
      await commentsOf('bm').deleteMany(['m1', got[0] as CeComment]);
      await expect(commentsOf('bm').getMany(['m1', 'm2'])).resolves.toEqual([undefined, undefined]);
      await expect(commentsOf('bm-2').getByStr('m1')).resolves.toMatchObject({ author: 'other' });
      expect(await partition(em(), 'bm')).toEqual([]);
    });

    it('findByUid finds the child in its own scope and unscoped; another parent scope gets undefined', async () => {
      const mine = await commentsOf('uid-a').create({ id: 'c', author: 'ada' });
      await expect(commentsOf('uid-a').findByUid(mine.uid)).resolves.toMatchObject({ id: 'c', uid: mine.uid });
      const unscoped = await comments().getByUid(mine.uid);
      expect([unscoped.id, parentStrIdOf(unscoped)]).toEqual(['c', 'uid-a']);
      await expect(commentsOf('uid-b').findByUid(mine.uid)).resolves.toBeUndefined();
      await expect(commentsOf('uid-b').getByUid(mine.uid)).rejects.toBeInstanceOf(EntityNotFoundError);
    });

    testWhen(transactions, NEEDS, 'a @Unique child field is unique across parents; findByUnique finds its owner', async () => {
      const reviewsOf = (slug: string) => em().getRepository(CeReview).of(slug);
      await reviewsOf('un-a').create({ id: 'r', ticket: 'T-1' });
      const error = await rejectionOf(() => reviewsOf('un-b').create({ id: 'r', ticket: 'T-1' }));
      expect(error).toBeInstanceOf(UniqueConstraintError);
      expect(error).toMatchObject({ field: 'ticket', value: 'T-1' });
      await expect(reviewsOf('un-b').findByStr('r')).resolves.toBeUndefined();
      const owner = await em().getRepository(CeReview).getByUnique('ticket', 'T-1');
      expect([owner.id, parentStrIdOf(owner)]).toEqual(['r', 'un-a']);
      await expect(reviewsOf('un-a').findByUnique('ticket', 'T-1')).resolves.toMatchObject({ id: 'r' });
      await expect(reviewsOf('un-b').findByUnique('ticket', 'T-1')).resolves.toBeUndefined();
      await reviewsOf('un-b').create({ id: 'r', ticket: 'T-2' });
      await reviewsOf('un-a').deleteByStr('r');
      await expect(reviewsOf('un-b').update('r', { ticket: 'T-1' })).resolves.toMatchObject({ ticket: 'T-1' });
      expect(parentStrIdOf(await em().getRepository(CeReview).getByUnique('ticket', 'T-1'))).toBe('un-b');
    });
  });

  /** Parent `q`: seven comments, a commentary and two favorites; `q-2`: one comment with a shared id. */
  async function seedQueryPartition(): Promise<void> {
    await articles().create({ slug: 'q', title: 'Q' });
    const authors: Record<string, string> = { a: 'ada', 'a#b': 'bob', ab: 'ada', b: 'bob', ba: 'ada', c: 'cat', '😀': 'ada' };
    for (const [id, author] of Object.entries(authors)) await commentsOf('q').create({ id, author, body: `body-${id}` });
    await commentsOf('q-2').create({ id: 'a', author: 'zed' });
    await em().getRepository(CeCommentary).of('q').create({ id: 'x', text: 'not a comment' });
    await favoritesOf('q').create({ username: 'eve' });
    await favoritesOf('q').create({ username: 'zz' });
  }

  describe('isolation', () => {
    it('the same child id under two parents is two entities: updating or deleting one leaves the other', async () => {
      const a = await commentsOf('iso-a').create({ id: 'same', author: 'ada' });
      const b = await commentsOf('iso-b').create({ id: 'same', author: 'bob' });
      expect(a.uid).not.toBe(b.uid);
      await commentsOf('iso-a').update('same', { body: 'changed' });
      await commentsOf('iso-a').increment('same', 'likes');
      await expect(commentsOf('iso-b').getByStr('same')).resolves.toMatchObject({ author: 'bob', body: '', likes: 0, version: 1 });
      await commentsOf('iso-a').deleteByStr('same');
      await expect(commentsOf('iso-b').getByStr('same')).resolves.toMatchObject({ uid: b.uid });
      expect(await partition(em(), 'iso-a')).toEqual([]);
    });

    it('ids holding # or type names reach only their own item', async () => {
      await articles().create({ slug: 'h', title: 'H' });
      const made: Array<[string, string]> = [['h', 'x'], ['h', 'ceComment#x'], ['h', 'ceComment'], ['h', 'ceArticle'], ['h', '#'], ['h#ceComment', 'x'], ['h#ceComment#x', 'y']];
      for (const [slug, id] of made) await commentsOf(slug).create({ id, author: `${slug}/${id}` });
      await em().getRepository(CeCommentary).of('h').create({ id: 'x', text: 'commentary' });
      for (const [slug, id] of made) await expect(commentsOf(slug).getByStr(id)).resolves.toMatchObject({ author: `${slug}/${id}` });
      await expect(commentsOf('h').findByStr('ary#x')).resolves.toBeUndefined();
      await expect(commentsOf('h#ceComment').findByStr('ceComment#x')).resolves.toBeUndefined();
      await expect(commentsOf('h').findByStr('h#ceComment')).resolves.toBeUndefined();
      expect(ids(await commentsOf('h').query().toArray())).toEqual(['#', 'ceArticle', 'ceComment', 'ceComment#x', 'x']);
      expect(ids(await commentsOf('h#ceComment').query().toArray())).toEqual(['x']);
      await expect(articles().getByStr('h')).resolves.toMatchObject({ title: 'H', version: 1 });
      // Children do not make their parent exist.
      await expect(articles().findByStr('h#ceComment')).resolves.toBeUndefined();
      expect(await rawItem(em(), 'ceArticle#h#ceComment', 'ceComment#x')).toMatchObject({ author: { S: 'h#ceComment/x' } });
    });

    it('a child str id may use 1024 - bytes("ceComment#") bytes; a longer or empty one is refused with no request', async () => {
      const longest = 'x'.repeat(1024 - 'ceComment#'.length);
      await expect(commentsOf('long').create({ id: longest, author: 'ada' })).resolves.toMatchObject({ id: longest });
      await expect(commentsOf('long').findByStr(longest)).resolves.toMatchObject({ author: 'ada' });
      faults.reset();
      const repo = faultyEm().getRepository(CeComment).of('long');
      for (const id of [`${longest}x`, '']) {
        await expect(repo.create({ id, author: 'ada' })).rejects.toBeInstanceOf(EntityValidationError);
        await expect(rejectionOf(() => repo.findByStr(id))).resolves.toBeInstanceOf(EntityValidationError);
      }
      expect(faults.requests).toEqual({});
    });
  });

  describe('refused before any request', () => {
    it('unscoped by-id methods throw ParentRequiredError naming of(), and write nothing', async () => {
      const before = await allItems(em());
      faults.reset();
      const repo = faultyEm().getRepository(CeComment);
      const input = { id: 'np', author: 'ada' };
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['create', () => repo.create(input)],
        ['getOrCreate', () => repo.getOrCreate(input)],
        ['getByStr', () => repo.getByStr('np')],
        ['findByStr', () => repo.findByStr('np')],
        ['update', () => repo.update('np', { body: 'x' })],
        ['increment', () => repo.increment('np', 'likes', 1)],
        ['deleteByStr', () => repo.deleteByStr('np')],
        ['getMany', () => repo.getMany(['np'])],
        ['saveMany', () => repo.saveMany([input])],
        ['deleteMany', () => repo.deleteMany(['np'])],
        ['save of a new instance', () => repo.save(Object.assign(new CeComment(), input))],
      ];
      for (const [name, call] of calls) {
        const error = await rejectionOf(call);
        expect([name, error instanceof ParentRequiredError, error instanceof InvalidArgumentError]).toEqual([name, true, true]);
        expect(error).toMatchObject({ code: 'PARENT_REQUIRED', message: expect.stringMatching(/of\(/) });
      }
      expect(faults.requests).toEqual({});
      expect(await allItems(em())).toEqual(before);
    });

    it('a child loaded under one parent cannot be saved or deleted through another parent scope', async () => {
      await commentsOf('x-a').create({ id: 'c', author: 'ada' });
      const loaded = await commentsOf('x-a').getByStr('c');
      loaded.body = 'moved?';
      faults.reset();
      const other = faultyEm().getRepository(CeComment).of('x-b');
      for (const call of [() => other.save(loaded), () => other.delete(loaded)]) {
        const error = await rejectionOf(call);
        expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/"x-a"/) });
        expect(error).toBeInstanceOf(InvalidArgumentError);
      }
      expect(faults.requests).toEqual({});
      await expect(commentsOf('x-b').findByStr('c')).resolves.toBeUndefined();
      await expect(commentsOf('x-a').getByStr('c')).resolves.toMatchObject({ body: '', version: 1 });
    });

    it('a scoped query refuses index, createdAfter/createdBefore and where on other fields; of() refuses what is not a parent', async () => {
      faults.reset();
      const favorites = faultyEm().getRepository(CeFavorite).of('q');
      const scoped = faultyEm().getRepository(CeComment).of('q');
      expect(() => favorites.query({ index: 'byUser', where: { username: 'eve' } })).toThrow(InvalidArgumentError);
      expect(() => scoped.query({ createdAfter: new Date(0) })).toThrow(InvalidArgumentError);
      expect(() => scoped.query({ createdBefore: new Date() })).toThrow(InvalidArgumentError);
      expect(() => scoped.query({ where: { author: 'ada' } })).toThrow(InvalidArgumentError);
      await expect(rejectionOf(() => favorites.count({ index: 'byUser', where: { username: 'eve' } }))).resolves.toBeInstanceOf(InvalidArgumentError);
      await expect(rejectionOf(() => scoped.count({ createdAfter: new Date(0) }))).resolves.toBeInstanceOf(InvalidArgumentError);
      const notParents: unknown[] = ['', 42, null, undefined, {}, new CeArticle(), Object.assign(new CeComment(), { id: 'c' })];
      for (const parent of notParents) expect(() => comments().of(parent as string)).toThrow(InvalidArgumentError);
      expect(faults.requests).toEqual({});
    });
  });

  describe('unscoped, across parents', () => {
    it('the type listing, count and scan span every parent; a loaded child saves, reloads and deletes unscoped', async () => {
      const wideComments = () => wide().getRepository(CeComment);
      await wideComments().of('w1').create({ id: 'c1', author: 'ada' });
      await wideComments().of('w1').create({ id: 'c2', author: 'bob' });
      await wideComments().of('w2').create({ id: 'c1', author: 'ada' });
      await wide().getRepository(CeArticle).create({ slug: 'w1' });
      const listed = await wideComments().query().toArray();
      expect(listed.map((c) => `${parentStrIdOf(c)}/${c.id}`).sort()).toEqual(['w1/c1', 'w1/c2', 'w2/c1']);
      await expect(wideComments().count()).resolves.toBe(3);
      await expect(wideComments().count({ filter: { author: { eq: 'ada' } } })).resolves.toBe(2);
      const loaded = listed.find((c) => parentStrIdOf(c) === 'w2') as CeComment;
      loaded.body = 'via unscoped';
      await wideComments().save(loaded);
      expect(loaded.version).toBe(2);
      await expect(wideComments().of('w2').getByStr('c1')).resolves.toMatchObject({ body: 'via unscoped', version: 2 });
      await expect(wideComments().of('w1').getByStr('c1')).resolves.toMatchObject({ body: '', version: 1 });
      await wideComments().of('w2').update('c1', { likes: 4 });
      await wideComments().reload(loaded);
      expect([loaded.likes, loaded.version]).toEqual([4, 3]);
      await wideComments().delete(loaded);
      await expect(wideComments().of('w2').findByStr('c1')).resolves.toBeUndefined();
      expect((await wideComments().scan({ allowScan: true }).toArray()).map((c) => `${parentStrIdOf(c)}/${c.id}`).sort()).toEqual(['w1/c1', 'w1/c2']);
      expect(() => wide().getRepository(CeFavorite).query()).toThrow(InvalidArgumentError);
    });

    it('saveMany and deleteMany of loaded children span parents: each goes back to the parent it was loaded under', async () => {
      const comments = () => wide().getRepository(CeComment);
      await comments().of('m1').saveMany([{ id: 'x', author: 'ada' }, { id: 'y', author: 'ada' }]);
      await comments().of('m2').saveMany([{ id: 'x', author: 'ada' }]);
      const loaded = (await comments().query({ filter: { author: { eq: 'ada' } } }).toArray()).filter((c) => ['m1', 'm2'].includes(parentStrIdOf(c) as string));
      expect(loaded).toHaveLength(3);
      for (const comment of loaded) comment.body = `edited in ${parentStrIdOf(comment)}`;
      await comments().saveMany(loaded);
      await expect(comments().of('m1').getByStr('x')).resolves.toMatchObject({ body: 'edited in m1', version: 2 });
      await expect(comments().of('m2').getByStr('x')).resolves.toMatchObject({ body: 'edited in m2', version: 2 });
      // The same id under two parents is two keys: neither is taken for a duplicate of the other.
      const [m1x, m2x] = [loaded.find((c) => c.id === 'x' && parentStrIdOf(c) === 'm1'), loaded.find((c) => c.id === 'x' && parentStrIdOf(c) === 'm2')];
      await comments().deleteMany([m1x as CeComment, m2x as CeComment]);
      await expect(comments().of('m1').findByStr('x')).resolves.toBeUndefined();
      await expect(comments().of('m2').findByStr('x')).resolves.toBeUndefined();
      await expect(comments().of('m1').findByStr('y')).resolves.toMatchObject({ body: 'edited in m1' });
      // A scoped batch refuses a child of another parent before anything is written.
      const y = (await comments().of('m1').getByStr('y')) as CeComment;
      await expect(comments().of('m2').saveMany([y])).rejects.toThrow(InvalidArgumentError);
      await expect(comments().of('m2').deleteMany([y])).rejects.toThrow(/belongs to CeArticle "m1"/);
      await expect(comments().of('m1').findByStr('y')).resolves.toMatchObject({ version: 2 });
      await comments().of('m1').deleteByStr('y');
    });

    it('an index query spans parents: byUser finds a user favorites on every article', async () => {
      const favorites = () => wide().getRepository(CeFavorite);
      await favorites().of('w1').create({ username: 'eve', createdAt: new Date(1000) });
      await favorites().of('w2').create({ username: 'eve', createdAt: new Date(2000) });
      await favorites().of('w2').create({ username: 'bob', createdAt: new Date(1500) });
      const eves = await favorites().query({ index: 'byUser', where: { username: 'eve' } }).toArray();
      expect(eves.map((f) => [f.username, parentStrIdOf(f), f.createdAt.getTime()])).toEqual([['eve', 'w1', 1000], ['eve', 'w2', 2000]]);
      const late = await favorites().query({ index: 'byUser', where: { username: 'eve', createdAt: { gt: new Date(1500) } } }).toArray();
      expect(late.map((f) => parentStrIdOf(f))).toEqual(['w2']);
      await expect(favorites().count({ index: 'byUser', where: { username: 'eve' } })).resolves.toBe(2);
    });
  });

  it('Active Record: Class.of(parent) scopes; a loaded child saves and deletes itself; static by-id methods need of()', async () => {
    const article = await CeArticle.create({ slug: 'ar' });
    expect(CeComment.of(article).parentStrId).toBe('ar');
    const comment = await CeComment.of('ar').create({ id: 'c', author: 'ada' });
    comment.body = 'changed';
    await comment.save();
    expect(comment.version).toBe(2);
    expect(await rawItem(em(), 'ceArticle#ar', 'ceComment#c')).toMatchObject({ body: { S: 'changed' }, version: { N: '2' } });
    const loaded = await CeComment.of(article).getByStr('c');
    loaded.likes = 5;
    await loaded.save();
    await expect(CeComment.of('ar').getByStr('c')).resolves.toMatchObject({ likes: 5, body: 'changed', version: 3 });
    await loaded.delete();
    await expect(CeComment.of('ar').findByStr('c')).resolves.toBeUndefined();
    await expect(CeComment.getByStr('c')).rejects.toBeInstanceOf(ParentRequiredError);
    await expect(CeComment.create({ id: 'c', author: 'ada' })).rejects.toMatchObject({ code: 'PARENT_REQUIRED' });
    expect((await partition(em(), 'ar')).map((item) => item.SK)).toEqual([{ S: 'ceArticle' }]);
  });

  testWhen(transactions, NEEDS, 'a transaction creates a child through a scoped repository and bumps the parent counter; a failure cancels both', async () => {
    await articles().create({ slug: 'tx', title: 'T' });
    faults.reset();
    await faultyEm().transaction((tx) => {
      tx.create(faultyEm().getRepository(CeFavorite).of('tx'), { username: 'eve' });
      tx.increment(CeArticle, 'tx', 'favoritesCount', 1);
    });
    expect(faults.requests).toEqual({ TransactWriteItems: 1 });
    expect(await rawItem(em(), 'ceArticle#tx', 'ceFavorite#eve')).toBeDefined();
    const [favorite, article] = await em().transactGet([[favoritesOf('tx'), 'eve'], [CeArticle, 'tx']] as const);
    expect([favorite?.username, favorite && parentStrIdOf(favorite), article?.favoritesCount]).toEqual(['eve', 'tx', 1]);
    const before = await allItems(em());
    const again = em().transaction((tx) => {
      tx.create(favoritesOf('tx'), { username: 'eve' });
      tx.increment(CeArticle, 'tx', 'favoritesCount', 1);
    });
    await expect(again).rejects.toBeInstanceOf(TransactionCanceledError);
    const conditioned = em().transaction((tx) => {
      tx.create(favoritesOf('tx'), { username: 'bob' });
      tx.increment(CeArticle, 'tx', 'favoritesCount', 1, { condition: { title: { eq: 'nope' } } });
    });
    await expect(conditioned).rejects.toBeInstanceOf(TransactionCanceledError);
    const unscoped = em().transaction((tx) => {
      tx.create(CeFavorite, { username: 'cat' });
    });
    await expect(unscoped).rejects.toBeInstanceOf(ParentRequiredError);
    expect(await allItems(em())).toEqual(before);
    await expect(articles().getByStr('tx')).resolves.toMatchObject({ favoritesCount: 1, version: 2 });
  });
});
