import { isEmail } from 'class-validator';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Entity, Service } from 'electrodb';
import { ARTICLE_COUNT, ARTICLE_TYPE, AUTHOR, changeOf, COMMENT_TYPE, POST, POST_TYPE, SUBJECT, USER_TYPE } from '../fixture';
import type { ArticleData, CommentData, PostData, UserData } from '../fixture';
import { packageVersion } from './types';
import type { Contender } from './types';

export const ELECTRO_TABLE = 'bench-electrodb';

/** ElectroDB's idiomatic model: composite pk/sk, a GSI listing every user, the same constraints as ours. */
export function electroUsers(client: DynamoDBClient, table = ELECTRO_TABLE) {
  return new Entity(
    {
      model: { entity: USER_TYPE, version: '1', service: 'bench' },
      attributes: {
        username: { type: 'string', required: true },
        email: { type: 'string', required: true, validate: (value: string) => isEmail(value) },
        // ElectroDB has no Date type: ISO-8601 strings in, strings out.
        activatedOn: { type: 'string', required: true },
        age: { type: 'number', required: true, validate: (value: number) => Number.isInteger(value) && value >= 0 },
        tags: { type: 'list', items: { type: 'string' } },
        address: {
          type: 'map',
          properties: { street: { type: 'string' }, city: { type: 'string' }, zip: { type: 'string' } },
        },
        admin: { type: 'boolean', default: false },
        version: { type: 'number', default: 1 },
      },
      indexes: {
        byUsername: { pk: { field: 'pk', composite: ['username'] }, sk: { field: 'sk', composite: [] } },
        all: { index: 'gsi1', pk: { field: 'gsi1pk', composite: [] }, sk: { field: 'gsi1sk', composite: ['username'] } },
      },
    },
    { client: DynamoDBDocumentClient.from(client), table },
  );
}

type ElectroUsers = ReturnType<typeof electroUsers>;

/** The article, with ElectroDB's own secondary index: pk composite authorId, sk composite createdAt, on gsi1. */
function electroArticles(client: DynamoDBClient, table = ELECTRO_TABLE) {
  return new Entity(
    {
      model: { entity: ARTICLE_TYPE, version: '1', service: 'bench' },
      attributes: {
        articleId: { type: 'string', required: true },
        authorId: { type: 'string', required: true },
        createdAt: { type: 'string', required: true },
        title: { type: 'string', required: true },
        words: { type: 'number', required: true },
      },
      indexes: {
        byId: { pk: { field: 'pk', composite: ['articleId'] }, sk: { field: 'sk', composite: [] } },
        byAuthor: { index: 'gsi1', pk: { field: 'gsi1pk', composite: ['authorId'] }, sk: { field: 'gsi1sk', composite: ['createdAt'] } },
      },
    },
    { client: DynamoDBDocumentClient.from(client), table },
  );
}

/**
 * The post and its comments as ElectroDB models an item collection: two entities of one service whose
 * primary indexes share the collection `thread` (same pk composite, postId), read by one collection query.
 */
function electroThread(client: DynamoDBClient, table = ELECTRO_TABLE) {
  const config = { client: DynamoDBDocumentClient.from(client), table };
  const post = new Entity(
    {
      model: { entity: POST_TYPE, version: '1', service: 'bench' },
      attributes: {
        postId: { type: 'string', required: true },
        title: { type: 'string', required: true },
        createdAt: { type: 'string', required: true },
      },
      indexes: { byPost: { collection: 'thread', pk: { field: 'pk', composite: ['postId'] }, sk: { field: 'sk', composite: [] } } },
    },
    config,
  );
  const comment = new Entity(
    {
      model: { entity: COMMENT_TYPE, version: '1', service: 'bench' },
      attributes: {
        postId: { type: 'string', required: true },
        commentId: { type: 'string', required: true },
        author: { type: 'string', required: true },
        body: { type: 'string', required: true },
        createdAt: { type: 'string', required: true },
        likes: { type: 'number', required: true },
      },
      indexes: { byPost: { collection: 'thread', pk: { field: 'pk', composite: ['postId'] }, sk: { field: 'sk', composite: ['commentId'] } } },
    },
    config,
  );
  return new Service({ post, comment }, config);
}

const electroArticleInput = (data: ArticleData) => ({ ...data, createdAt: data.createdAt.toISOString() });

export const electroInput = (data: UserData) => ({ ...data, activatedOn: data.activatedOn.toISOString() });

/** get, then a conditional create when missing (and a second get if a racing writer won). */
export async function electroGetOrCreate(users: ElectroUsers, data: UserData) {
  const found = await users.get({ username: data.username }).go({ consistent: true });
  if (found.data) return [found.data, false] as const;
  try {
    return [(await users.create(electroInput(data)).go()).data, true] as const;
  } catch {
    const again = await users.get({ username: data.username }).go({ consistent: true });
    if (!again.data) throw new Error(`user ${data.username} neither created nor found`);
    return [again.data, false] as const;
  }
}

export function electroContender(client: DynamoDBClient): Contender {
  const users = electroUsers(client);
  const articles = electroArticles(client);
  const thread = electroThread(client);
  let version = 1;
  let iteration = 0;
  return {
    name: 'ElectroDB',
    version: packageVersion('electrodb'),
    notes: {
      get: 'get({ username }).go({ consistent: true }): GetItem',
      create: 'create(input).go(): PutItem attribute_not_exists(pk) AND attribute_not_exists(sk)',
      update: 'patch().set({ email, age }).add({ version: 1 }).where(version = v).go(): UpdateItem',
      query: 'query.all({}).go({ limit: 25 }): Query on gsi1',
      indexQuery: 'query.byAuthor({ authorId }).go({ limit: 25 }): Query on gsi1',
      getOrCreate: 'get().go() (found: 1 request); when missing, create().go(): 2 requests',
      getWith: "service.collections.thread({ postId }).go({ consistent: true, pages: 'all' }): one Query, { post: [...], comment: [...] }",
    },
    pageKey: ['pk', 'sk', 'gsi1pk', 'gsi1sk'],
    create: (data) => users.create(electroInput(data)).go(),
    createArticle: (data) => articles.create(electroArticleInput(data)).go(),
    collection: {
      createPost: (data: PostData) => thread.entities.post.create({ ...data, createdAt: data.createdAt.toISOString() }).go(),
      createComment: (data: CommentData) => thread.entities.comment.create({ ...data, postId: POST.postId, createdAt: data.createdAt.toISOString() }).go(),
    },
    operations: async () => ({
      get: () => users.get({ username: SUBJECT.username }).go({ consistent: true }),
      create: () => users.create(electroInput(SUBJECT)).go(),
      update: () => {
        const expected = version++;
        return users
          .patch({ username: SUBJECT.username })
          .set(changeOf((iteration += 1)))
          .add({ version: 1 })
          .where((attributes, { eq }) => eq(attributes.version, expected))
          .go();
      },
      query: () => users.query.all({}).go({ limit: 25 }),
      indexQuery: () => articles.query.byAuthor({ authorId: AUTHOR }).go({ limit: ARTICLE_COUNT }),
      getOrCreate: () => electroGetOrCreate(users, SUBJECT),
      getWith: () => thread.collections.thread({ postId: POST.postId }).go({ consistent: true, pages: 'all' }),
    }),
    listAll: async () => (await users.query.all({}).go({ pages: 'all' })).data,
  };
}
