import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BaseEntity,
  EntityValidationError,
  Field,
  InvalidArgumentError,
  MetadataError,
  StrId,
  Table,
  parentStrIdOf,
} from '../../src';
import { describeEachEngine } from '../support/engines';
import { useEntityManager, useFaultyEntityManager } from '../support/tables';
import { rejectionOf } from '../support/recording';

/** Type names start with `gw`, so they never meet another test file's classes. */
@Table('gwArticle')
class GwArticle extends BaseEntity {
  @StrId() slug!: string;
  @Field() title: string = '';
}

@Table('gwComment', { parent: () => GwArticle })
class GwComment extends BaseEntity {
  @StrId() id!: string;
  @Field() author!: string;
  @Field() body: string = '';
}

@Table('gwFavorite', { parent: () => GwArticle, typeIndex: 'none' })
class GwFavorite extends BaseEntity {
  @StrId() username!: string;
  @Field() createdAt: Date = new Date(0);
}

/** A child type of the article that the calls below do not list: read with the partition, never returned. */
@Table('gwNote', { parent: () => GwArticle })
class GwNote extends BaseEntity {
  @StrId() id!: string;
  @Field() text: string = '';
}

@Table('gwOther')
class GwOther extends BaseEntity {
  @StrId() id!: string;
}

@Table('gwOtherChild', { parent: () => GwOther })
class GwOtherChild extends BaseEntity {
  @StrId() id!: string;
}

class NotAnEntity {
  id = '';
}


const ids = (entities: ReadonlyArray<{ id: string }>): string[] => entities.map((entity) => entity.id);

describeEachEngine('getWith: a parent and its children in one Query', (engine) => {
  const em = useEntityManager(engine);
  const { faults, faultyEm } = useFaultyEntityManager(engine, em);
  beforeAll(() => {
    GwArticle.useEntityManager(em());
    GwComment.useEntityManager(faultyEm());
  });
  const articles = () => em().getRepository(GwArticle);
  const counted = () => faultyEm().getRepository(GwArticle);
  const commentsOf = (slug: string) => em().getRepository(GwComment).of(slug);
  const favoritesOf = (slug: string) => em().getRepository(GwFavorite).of(slug);

  it('a parent without children: the entity and empty arrays, in one strongly consistent Query', async () => {
    await articles().create({ slug: 'bare', title: 'Bare' });
    const result = await counted().getWith('bare', { comments: GwComment, favorites: GwFavorite });
    expect(faults.requests).toEqual({ Query: 1 });
    expect(Object.keys(result)).toEqual(['entity', 'comments', 'favorites']);
    expect(result.entity).toBeInstanceOf(GwArticle);
    expect([result.entity?.slug, result.entity?.title, result.entity?.version]).toEqual(['bare', 'Bare', 1]);
    expect([result.comments, result.favorites]).toEqual([[], []]);
  });

  it('one child of each type: decoded instances of their class, remembered under the parent (a loaded child saves back there)', async () => {
    const article = await articles().create({ slug: 'one', title: 'One' });
    const comment = await commentsOf('one').create({ id: 'c1', author: 'ada', body: 'hi' });
    await favoritesOf('one').create({ username: 'eve', createdAt: new Date(1234) });
    const result = await counted().getWith('one', { comments: GwComment, favorites: GwFavorite });
    expect(faults.requests).toEqual({ Query: 1 });
    expect(result.entity?.uid).toBe(article.uid);
    const [loaded] = result.comments;
    expect(result.comments).toHaveLength(1);
    expect(loaded).toBeInstanceOf(GwComment);
    expect(loaded && [loaded.id, loaded.author, loaded.body, loaded.uid, loaded.version, parentStrIdOf(loaded)]).toEqual(['c1', 'ada', 'hi', comment.uid, 1, 'one']);
    expect(result.favorites.map((f) => [f instanceof GwFavorite, f.username, f.createdAt.getTime(), parentStrIdOf(f)])).toEqual([[true, 'eve', 1234, 'one']]);
    (loaded as GwComment).body = 'edited';
    await em().getRepository(GwComment).save(loaded as GwComment);
    await expect(commentsOf('one').getByStr('c1')).resolves.toMatchObject({ body: 'edited', version: 2 });
  });

  it('1,500 children of about 1 KB (a partition past 1 MB): every one, in str id order, over several Query pages', async () => {
    await articles().create({ slug: 'big', title: 'Big' });
    const made = Array.from({ length: 1500 }, (_, i) => ({ id: `c${i}`, author: `a${i % 7}`, body: `${i}:`.padEnd(1000, 'x') }));
    await commentsOf('big').saveMany(made);
    await favoritesOf('big').create({ username: 'eve' });
    const result = await counted().getWith('big', { comments: GwComment, favorites: GwFavorite });
    expect(faults.count('Query')).toBeGreaterThan(1);
    expect(Object.keys(faults.requests)).toEqual(['Query']);
    // Sort keys are compared as UTF-8 bytes; these ids are ASCII, so a plain sort is that order (c0, c1, c10, c100...).
    const inIdOrder = made.map((c) => c.id).sort();
    expect(ids(result.comments)).toEqual(inIdOrder);
    expect(result.comments.every((c) => c instanceof GwComment && c.body.length === 1000 && c.body.startsWith(`${c.id.slice(1)}:`))).toBe(true);
    expect(result.favorites.map((f) => f.username)).toEqual(['eve']);
    expect(result.entity?.title).toBe('Big');
  });

  it("isolation: another parent's children and the parent's child types not listed are not returned", async () => {
    await articles().create({ slug: 'iso-a' });
    await articles().create({ slug: 'iso-b' });
    await commentsOf('iso-a').create({ id: 'mine', author: 'ada' });
    await commentsOf('iso-b').create({ id: 'theirs', author: 'bob' });
    await commentsOf('iso-a#gwComment').create({ id: 'x', author: 'tricky parent id' });
    await em().getRepository(GwNote).of('iso-a').create({ id: 'n1', text: 'a note' });
    await favoritesOf('iso-a').create({ username: 'eve' });
    const onlyComments = await counted().getWith('iso-a', { comments: GwComment });
    expect(Object.keys(onlyComments)).toEqual(['entity', 'comments']);
    expect(ids(onlyComments.comments)).toEqual(['mine']);
    expect(onlyComments.entity?.slug).toBe('iso-a');
    const notesOnly = await counted().getWith('iso-b', { notes: GwNote });
    expect([notesOnly.entity?.slug, notesOnly.notes]).toEqual(['iso-b', []]);
    expect(faults.requests).toEqual({ Query: 2 });
  });

  it('items of unknown types written into the partition are skipped, never decoded', async () => {
    await articles().create({ slug: 'raw', title: 'Raw' });
    await commentsOf('raw').create({ id: 'c1', author: 'ada' });
    await em().getRepository(GwNote).of('raw').create({ id: 'n1' });
    const put = (sk: string) =>
      em().client.send(new PutItemCommand({ TableName: em().tableName, Item: { PK: { S: 'gwArticle#raw' }, SK: { S: sk }, author: { N: '1' }, id: { N: '2' } } }));
    // An unknown type, a sort key that only begins like a listed type, one without a separator, one like a child of nothing.
    for (const sk of ['zzzUnknown#1', 'gwCommentary#c2', 'gwCommentX', 'gwComment', '#c3', 'aaa#c4']) await put(sk);
    const result = await counted().getWith('raw', { comments: GwComment, favorites: GwFavorite });
    expect(faults.requests).toEqual({ Query: 1 });
    expect(result.comments.map((c) => [c instanceof GwComment, c.id, c.author])).toEqual([[true, 'c1', 'ada']]);
    expect([result.entity?.title, result.favorites]).toEqual(['Raw', []]);
  });

  it('an absent parent gives entity: undefined, with the children found', async () => {
    await commentsOf('orphaned').create({ id: 'c1', author: 'ada' });
    await expect(counted().getWith('orphaned', { comments: GwComment })).resolves.toEqual({ entity: undefined, comments: [expect.any(GwComment)] });
    await expect(counted().getWith('nothing-here', { comments: GwComment, favorites: GwFavorite })).resolves.toEqual({ entity: undefined, comments: [], favorites: [] });
    expect(faults.requests).toEqual({ Query: 2 });
  });

  it('Active Record: Article.getWith(slug, { comments: Comment })', async () => {
    await GwArticle.create({ slug: 'ar', title: 'AR' });
    await commentsOf('ar').create({ id: 'b', author: 'bob' });
    await commentsOf('ar').create({ id: 'a', author: 'ada' });
    const { entity, comments } = await GwArticle.getWith('ar', { comments: GwComment });
    expect(entity).toBeInstanceOf(GwArticle);
    expect(entity?.title).toBe('AR');
    expect(comments.map((c) => [c.id, c.author])).toEqual([['a', 'ada'], ['b', 'bob']]);
    faults.reset();
    await expect(rejectionOf(() => GwComment.getWith('a', { notes: GwNote }))).resolves.toBeInstanceOf(InvalidArgumentError);
    expect(faults.requests).toEqual({});
  });

  it('refused before any request, with the class, the name given and the way out in the message', async () => {
    const byName = faultyEm().getRepository(GwArticle);
    const refusals: Array<[string, () => Promise<unknown>, new (...args: never[]) => Error, RegExp]> = [
      ['an unscoped child repository', () => faultyEm().getRepository(GwComment).getWith('c', { notes: GwNote }), InvalidArgumentError, /GwComment is itself a child type \(of GwArticle\).*getRepository\(GwArticle\)\.getWith/],
      ['a scoped repository', () => faultyEm().getRepository(GwComment).of('a').getWith('c', { notes: GwNote }), InvalidArgumentError, /child type/],
      ['a top-level class', () => byName.getWith('a', { others: GwOther }), InvalidArgumentError, /others is GwOther, a top-level type.*parent: \(\) => GwArticle/],
      ['a child of another parent', () => byName.getWith('a', { kids: GwOtherChild }), InvalidArgumentError, /kids is GwOtherChild, a child type of GwOther/],
      ['the name entity', () => byName.getWith('a', { entity: GwComment } as never), InvalidArgumentError, /"entity" cannot name a child class/],
      ['no class', () => byName.getWith('a', {}), InvalidArgumentError, /at least one child class.*findByStr/],
      ['no object', () => byName.getWith('a', null as never), InvalidArgumentError, /e\.g\. \{ comments: Comment \}; got null/],
      ['a value that is not a class', () => byName.getWith('a', { comments: 'GwComment' } as never), InvalidArgumentError, /comments must be a child entity class of GwArticle, got string/],
      ['a class given twice', () => byName.getWith('a', { comments: GwComment, again: GwComment }), InvalidArgumentError, /comments and again both name GwComment/],
      ['an undecorated class', () => byName.getWith('a', { plain: NotAnEntity }), MetadataError, /GwArticle\.getWith\(\): plain: NotAnEntity is not an entity: decorate it with @Table/],
      ['an empty str id', () => byName.getWith('', { comments: GwComment }), EntityValidationError, /slug/],
      ['a str id past the key limit', () => byName.getWith('x'.repeat(2048), { comments: GwComment }), EntityValidationError, /slug/],
    ];
    for (const [what, call, errorClass, message] of refusals) {
      const error = await rejectionOf(call);
      expect([what, error instanceof errorClass]).toEqual([what, true]);
      expect([what, String((error as Error).message)]).toEqual([what, expect.stringMatching(message)]);
    }
    expect(faults.requests).toEqual({});
  });
});
