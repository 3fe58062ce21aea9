import { isEmail } from 'class-validator';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  $add,
  boolean,
  Entity,
  GetItemCommand,
  item,
  list,
  map,
  number,
  PutItemCommand,
  QueryCommand,
  string,
  Table,
  UpdateItemCommand,
} from 'dynamodb-toolbox';
import { ARTICLE_COUNT, ARTICLE_TYPE, AUTHOR, changeOf, COMMENT_TYPE, POST, POST_TYPE, SUBJECT, USER_TYPE } from '../fixture';
import type { ArticleData, CommentData, PostData, UserData } from '../fixture';
import { packageVersion } from './types';
import type { Contender } from './types';

function toolboxModel(client: DynamoDBClient) {
  const table = new Table({
    name: 'bench-toolbox',
    partitionKey: { name: 'PK', type: 'string' },
    sortKey: { name: 'SK', type: 'string' },
    // Every user, listed through the entity attribute (`_et`) that Toolbox writes on each item.
    indexes: {
      byType: { type: 'global', partitionKey: { name: '_et', type: 'string' } },
      // The article's index: author, then creation time (ISO-8601 strings sort by time).
      byAuthor: { type: 'global', partitionKey: { name: 'authorId', type: 'string' }, sortKey: { name: 'createdAt', type: 'string' } },
    },
    documentClient: DynamoDBDocumentClient.from(client),
  });
  const users = new Entity({
    name: USER_TYPE,
    table,
    schema: item({
      username: string().key(),
      email: string().validate((value: string) => isEmail(value)),
      // No Date type in Toolbox v2: ISO-8601 strings.
      activatedOn: string(),
      age: number().validate((value: number) => Number.isInteger(value) && value >= 0),
      tags: list(string()),
      address: map({ street: string(), city: string(), zip: string() }),
      admin: boolean().default(false),
      version: number().default(1),
    }),
    computeKey: ({ username }: { username: string }) => ({ PK: `${USER_TYPE}#${username}`, SK: USER_TYPE }),
    // Same 8 attributes as the other contenders: no _ct/_md timestamps.
    timestamps: false,
  });
  const articles = new Entity({
    name: ARTICLE_TYPE,
    table,
    schema: item({ articleId: string().key(), authorId: string(), createdAt: string(), title: string(), words: number() }),
    computeKey: ({ articleId }: { articleId: string }) => ({ PK: `${ARTICLE_TYPE}#${articleId}`, SK: ARTICLE_TYPE }),
    timestamps: false,
  });
  // The post and its comments share the post's partition: one table Query with both entities reads them.
  const posts = new Entity({
    name: POST_TYPE,
    table,
    schema: item({ postId: string().key(), title: string(), createdAt: string() }),
    computeKey: ({ postId }: { postId: string }) => ({ PK: `${POST_TYPE}#${postId}`, SK: POST_TYPE }),
    timestamps: false,
  });
  const comments = new Entity({
    name: COMMENT_TYPE,
    table,
    schema: item({ postId: string().key(), commentId: string().key(), author: string(), body: string(), createdAt: string(), likes: number() }),
    computeKey: ({ postId, commentId }: { postId: string; commentId: string }) => ({ PK: `${POST_TYPE}#${postId}`, SK: `${COMMENT_TYPE}#${commentId}` }),
    timestamps: false,
  });
  return { table, users, articles, posts, comments };
}

const toolboxInput = (data: UserData) => ({ ...data, activatedOn: data.activatedOn.toISOString() });

export function toolboxContender(client: DynamoDBClient): Contender {
  const { table, users, articles, posts, comments } = toolboxModel(client);
  const postWithComments = (postId: string) =>
    table
      .build(QueryCommand)
      .entities(posts, comments)
      .query({ partition: `${POST_TYPE}#${postId}` })
      .options({ consistent: true, maxPages: Infinity, showEntityAttr: true })
      .send();
  const putArticle = (data: ArticleData) => articles.build(PutItemCommand).item({ ...data, createdAt: data.createdAt.toISOString() }).send();
  const articlesBy = (authorId: string) =>
    table.build(QueryCommand).entities(articles).query({ index: 'byAuthor', partition: authorId }).options({ limit: ARTICLE_COUNT }).send();
  const get = (username: string) => users.build(GetItemCommand).key({ username }).options({ consistent: true }).send();
  const put = (data: UserData) =>
    users.build(PutItemCommand).item(toolboxInput(data)).options({ condition: { attr: 'username', exists: false } }).send();
  const query = (options: { limit?: number; maxPages?: number }) =>
    table.build(QueryCommand).entities(users).query({ index: 'byType', partition: USER_TYPE }).options(options).send();
  let version = 1;
  let iteration = 0;
  return {
    name: 'DynamoDB-Toolbox',
    version: packageVersion('dynamodb-toolbox'),
    notes: {
      get: 'GetItemCommand .key().options({ consistent: true }): GetItem',
      create: 'PutItemCommand, condition { attr: username, exists: false }',
      update: 'UpdateItemCommand .item({ email, age, version: $add(1) }), condition version = v',
      query: 'table QueryCommand .entities(users), index byType (_et), limit 25',
      indexQuery: 'table QueryCommand .entities(articles), index byAuthor (authorId, createdAt), limit 25',
      getOrCreate: 'GetItemCommand (found: 1 request); when missing, conditional PutItemCommand: 2 requests',
      getWith: 'table QueryCommand .entities(posts, comments), partition post#id, consistent, every page: items tagged with their entity',
    },
    pageKey: ['PK', 'SK', '_et'],
    create: put,
    createArticle: putArticle,
    collection: {
      createPost: (data: PostData) => posts.build(PutItemCommand).item({ ...data, createdAt: data.createdAt.toISOString() }).send(),
      createComment: (data: CommentData) =>
        comments.build(PutItemCommand).item({ ...data, postId: POST.postId, createdAt: data.createdAt.toISOString() }).send(),
    },
    operations: async () => ({
      get: () => get(SUBJECT.username),
      create: () => put(SUBJECT),
      update: () => {
        const change = changeOf((iteration += 1));
        return users
          .build(UpdateItemCommand)
          .item({ username: SUBJECT.username, ...change, version: $add(1) })
          .options({ condition: { attr: 'version', eq: version++ } })
          .send();
      },
      query: () => query({ limit: 25 }),
      indexQuery: () => articlesBy(AUTHOR),
      getOrCreate: async () => {
        const found = await get(SUBJECT.username);
        if (found.Item) return [found.Item, false];
        await put(SUBJECT);
        return [SUBJECT, true];
      },
      getWith: () => postWithComments(POST.postId),
    }),
    listAll: async () => (await query({ maxPages: Infinity })).Items ?? [],
  };
}
