import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BaseEntity, EntityManager, Field, InvalidArgumentError, StrId, Table, parentStrIdOf } from '../../src';
import type { WithChildren } from '../../src';
import { partitionQueryInput } from '../../src/operations/collection-commands';

const collectionQueryInput = (tableName: string, partitionKey: string, startKey?: Record<string, { S: string }>) =>
  partitionQueryInput(tableName, partitionKey, { startKey });
import { fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';

@Table('gwuArticle')
class Article extends BaseEntity {
  @StrId() slug!: string;
  @Field() title: string = '';
}

@Table('gwuComment', { parent: () => Article })
class Comment extends BaseEntity {
  @StrId() id!: string;
  @Field() author!: string;
}

@Table('gwuFavorite', { parent: () => Article, typeIndex: 'none' })
class Favorite extends BaseEntity {
  @StrId() username!: string;
  @Field() createdAt: Date = new Date(0);
}

type Item = Record<string, AttributeValue>;
const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';
const PK = 'gwuArticle#a1';

const stored = (sk: string, fields: Item): Item => ({ PK: { S: PK }, SK: { S: sk }, uid: { S: UID }, version: { N: '2' }, ...fields });

/** Exact type equality: `true` only when A and B are the same type. */
type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

function setup(pages: Item[][]) {
  let served = 0;
  const { client, sent } = fakeClient((_command: SentCommand) => {
    const Items = pages[served] ?? [];
    served += 1;
    return served < pages.length ? { Items, LastEvaluatedKey: { PK: { S: PK }, SK: Items[Items.length - 1]?.SK as AttributeValue } } : { Items };
  });
  const em = new EntityManager({ client, tableName: 'app' });
  return { articles: em.getRepository(Article), sent };
}

describe('getWith', () => {
  it('the Query input: the whole partition, strongly consistent, on the table, no Limit; the next page from LastEvaluatedKey', () => {
    expect(collectionQueryInput('app', PK)).toEqual({
      TableName: 'app',
      KeyConditionExpression: '#k0 = :k0',
      ExpressionAttributeNames: { '#k0': 'PK' },
      ExpressionAttributeValues: { ':k0': { S: PK } },
      ConsistentRead: true,
    });
    const startKey = { PK: { S: PK }, SK: { S: 'gwuComment#c9' } };
    expect(collectionQueryInput('app', PK, startKey)).toEqual({ ...collectionQueryInput('app', PK), ExclusiveStartKey: startKey });
  });

  it('sends one Query per page until no LastEvaluatedKey, and sorts the items out by sort key alone', async () => {
    const { articles, sent } = setup([
      [stored('gwuArticle', { slug: { S: 'a1' }, title: { S: 'T' } }), stored('gwuComment#c1', { id: { S: 'c1' }, author: { S: 'ada' } })],
      [
        stored('gwuComment#c2', { id: { S: 'c2' }, author: { S: 'bob' } }),
        stored('gwuCommentX', { author: { S: 'not a comment: no separator' } }),
        stored('gwuFavorite#eve', { username: { S: 'eve' }, createdAt: { S: '1970-01-01T00:00:01.000Z' } }),
        stored('zzz#1', { author: { S: 'unknown type' } }),
      ],
    ]);
    const result = await articles.getWith('a1', { comments: Comment, favorites: Favorite });
    expect(sent.map((command) => command.operation)).toEqual(['Query', 'Query']);
    expect(sent[0]?.input).toEqual(collectionQueryInput('app', PK));
    expect(sent[1]?.input).toEqual(collectionQueryInput('app', PK, { PK: { S: PK }, SK: { S: 'gwuComment#c1' } }));
    expect(Object.keys(result)).toEqual(['entity', 'comments', 'favorites']);
    expect(result.entity).toBeInstanceOf(Article);
    expect([result.entity?.slug, result.entity?.title, result.entity?.version]).toEqual(['a1', 'T', 2]);
    expect(result.comments.map((c) => [c instanceof Comment, c.id, c.author, parentStrIdOf(c)])).toEqual([
      [true, 'c1', 'ada', 'a1'],
      [true, 'c2', 'bob', 'a1'],
    ]);
    expect(result.favorites.map((f) => [f instanceof Favorite, f.username, f.createdAt.getTime()])).toEqual([[true, 'eve', 1000]]);
  });

  it('a missing parent is entity: undefined; a type not listed is skipped', async () => {
    const { articles } = setup([[stored('gwuComment#c1', { id: { S: 'c1' }, author: { S: 'ada' } }), stored('gwuFavorite#eve', {})]]);
    const result = await articles.getWith('a1', { comments: Comment });
    expect(result).toEqual({ entity: undefined, comments: [expect.any(Comment)] });
  });

  it('refuses before any request: the result name entity, no child class, a class of another type', async () => {
    const { articles, sent } = setup([]);
    await expect(articles.getWith('a1', { entity: Comment } as never)).rejects.toThrow(/"entity" cannot name a child class/);
    await expect(articles.getWith('a1', {})).rejects.toThrow(/give at least one child class/);
    await expect(articles.getWith('a1', { articles: Article })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sent).toEqual([]);
  });

  it('types the result from the classes given', async () => {
    const { articles } = setup([[]]);
    const result = await articles.getWith('a1', { comments: Comment, favorites: Favorite });
    const exact: [Equals<typeof result.entity, Article | undefined>, Equals<typeof result.comments, Comment[]>, Equals<typeof result.favorites, Favorite[]>] = [
      true,
      true,
      true,
    ];
    const viaActiveRecord: Equals<Awaited<ReturnType<typeof Article.getWith<Article, { comments: typeof Comment }>>>, WithChildren<Article, { comments: typeof Comment }>> = true;
    expect([...exact, viaActiveRecord]).toEqual([true, true, true, true]);
    // @ts-expect-error a name that was not given is not in the result
    expect(result.notes).toBeUndefined();
    // @ts-expect-error comments are Comments, not Favorites
    const wrong: Favorite[] = result.comments;
    expect(wrong).toEqual([]);
    // @ts-expect-error entity is the parent's name in the result: no child class may take it
    await expect(articles.getWith('a1', { entity: Comment })).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
