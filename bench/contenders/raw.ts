import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ARTICLE_COUNT, ARTICLE_TYPE, AUTHOR, changeOf, COMMENT_TYPE, POST, POST_TYPE, SUBJECT, USER_TYPE } from '../fixture';
import type { ArticleData, CommentData, PostData, UserData } from '../fixture';
import { packageVersion } from './types';
import type { Contender } from './types';

type Item = Record<string, AttributeValue>;

/** Same table layout as dynamo-single-table, so both send requests of the same size. */
export const RAW_TABLE = 'bench';
const TYPE_INDEX = 'type-uid-index';

const keyOf = (username: string): Item => ({ PK: { S: `${USER_TYPE}#${username}` }, SK: { S: USER_TYPE } });

function toItem(data: UserData, uid: string, version: number): Item {
  const { PK, SK } = keyOf(data.username);
  return { PK, SK, ...marshall({ _type: USER_TYPE, uid, version, ...data, activatedOn: data.activatedOn.toISOString() }) };
}

/** The hand-written reading side: unmarshall, and the one Date field back to a Date. */
function fromItem(item: Item): Record<string, unknown> {
  const user = unmarshall(item);
  user.activatedOn = new Date(user.activatedOn as string);
  return user;
}

/** An article with hand-written keys of one GSI (`gsi1`): author, then creation time and id. */
function articleItem(data: ArticleData, uid: string): Item {
  const createdAt = data.createdAt.toISOString();
  return {
    PK: { S: `${ARTICLE_TYPE}#${data.articleId}` },
    SK: { S: ARTICLE_TYPE },
    ...marshall({
      _type: ARTICLE_TYPE,
      uid,
      version: 1,
      _gsi1pk: `${ARTICLE_TYPE}#byAuthor#${data.authorId}`,
      _gsi1sk: `${createdAt}#${data.articleId}`,
      ...data,
      createdAt,
    }),
  };
}

function articleFromItem(item: Item): Record<string, unknown> {
  const article = unmarshall(item);
  article.createdAt = new Date(article.createdAt as string);
  return article;
}

/** The post's partition key: its comments are stored under it too, with `SK = comment#<commentId>`. */
const postPartition = (postId: string): AttributeValue => ({ S: `${POST_TYPE}#${postId}` });
const COMMENT_PREFIX = `${COMMENT_TYPE}#`;

function postItem(data: PostData, uid: string): Item {
  return { PK: postPartition(data.postId), SK: { S: POST_TYPE }, ...marshall({ _type: POST_TYPE, uid, version: 1, ...data, createdAt: data.createdAt.toISOString() }) };
}

function commentItem(postId: string, data: CommentData, uid: string): Item {
  const fields = marshall({ _type: COMMENT_TYPE, uid, version: 1, ...data, createdAt: data.createdAt.toISOString() });
  return { PK: postPartition(postId), SK: { S: COMMENT_PREFIX + data.commentId }, ...fields };
}

/** unmarshall, and the one Date field back to a Date (posts and comments alike). */
function datedFromItem(item: Item): Record<string, unknown> {
  const entity = unmarshall(item);
  entity.createdAt = new Date(entity.createdAt as string);
  return entity;
}

/** The baseline: hand-written request parameters, util-dynamodb marshall/unmarshall, no validation. */
export class RawSdk {
  constructor(private readonly client: DynamoDBClient, private readonly table = RAW_TABLE) {}

  async get(username: string): Promise<Record<string, unknown> | undefined> {
    const output = await this.client.send(new GetItemCommand({ TableName: this.table, Key: keyOf(username), ConsistentRead: true }));
    return output.Item && fromItem(output.Item);
  }

  async create(data: UserData): Promise<UserData> {
    const Item = toItem(data, randomUUID(), 1);
    await this.client.send(new PutItemCommand({ TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(PK)' }));
    return data;
  }

  /** Conditional put that returns the existing item on the error (ALL_OLD): one request either way. */
  async getOrCreate(data: UserData): Promise<[Record<string, unknown>, boolean]> {
    const Item = toItem(data, randomUUID(), 1);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.table,
          Item,
          ConditionExpression: 'attribute_not_exists(PK)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return [data as unknown as Record<string, unknown>, true];
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && error.Item) return [fromItem(error.Item), false];
      throw error;
    }
  }

  async update(username: string, change: { email: string; age: number }, version: number): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: keyOf(username),
        UpdateExpression: 'SET #email = :email, #age = :age, #version = :next',
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#email': 'email', '#age': 'age', '#version': 'version' },
        ExpressionAttributeValues: marshall({ ':email': change.email, ':age': change.age, ':next': version + 1, ':version': version }),
      }),
    );
  }

  async createArticle(data: ArticleData): Promise<ArticleData> {
    const Item = articleItem(data, randomUUID());
    await this.client.send(new PutItemCommand({ TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(PK)' }));
    return data;
  }

  /** One author's articles in creation order, from the GSI. */
  async articlesBy(authorId: string, limit: number): Promise<Record<string, unknown>[]> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': '_gsi1pk' },
        ExpressionAttributeValues: { ':pk': { S: `${ARTICLE_TYPE}#byAuthor#${authorId}` } },
        Limit: limit,
      }),
    );
    return (output.Items ?? []).map(articleFromItem);
  }

  async createPost(data: PostData): Promise<PostData> {
    await this.client.send(new PutItemCommand({ TableName: this.table, Item: postItem(data, randomUUID()), ConditionExpression: 'attribute_not_exists(PK)' }));
    return data;
  }

  async createComment(postId: string, data: CommentData): Promise<CommentData> {
    const Item = commentItem(postId, data, randomUUID());
    await this.client.send(new PutItemCommand({ TableName: this.table, Item, ConditionExpression: 'attribute_not_exists(PK)' }));
    return data;
  }

  /** The post and its comments: one consistent Query of the partition, every page; each item sorted out by its sort key. */
  async postWithComments(postId: string): Promise<{ post: Record<string, unknown> | undefined; comments: Record<string, unknown>[] }> {
    let post: Record<string, unknown> | undefined;
    const comments: Record<string, unknown>[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': 'PK' },
          ExpressionAttributeValues: { ':pk': postPartition(postId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of output.Items ?? []) {
        const sortKey = item.SK?.S ?? '';
        if (sortKey === POST_TYPE) post = datedFromItem(item);
        else if (sortKey.startsWith(COMMENT_PREFIX)) comments.push(datedFromItem(item));
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return { post, comments };
  }

  async query(limit: number | undefined, startKey?: Item): Promise<{ users: Record<string, unknown>[]; lastKey?: Item }> {
    const output = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: TYPE_INDEX,
        KeyConditionExpression: '#type = :type',
        ExpressionAttributeNames: { '#type': '_type' },
        ExpressionAttributeValues: { ':type': { S: USER_TYPE } },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { users: (output.Items ?? []).map(fromItem), lastKey: output.LastEvaluatedKey };
  }
}

export function rawContender(client: DynamoDBClient): Contender {
  const raw = new RawSdk(client);
  let version = 1;
  let iteration = 0;
  return {
    name: 'raw SDK',
    version: packageVersion('@aws-sdk/client-dynamodb'),
    notes: {
      get: 'GetItem (consistent) + unmarshall',
      create: 'PutItem attribute_not_exists(PK), marshall',
      update: 'UpdateItem SET 2 fields + version, condition on version, no ReturnValues (returns nothing)',
      query: 'Query on the type index, Limit 25, unmarshall each',
      indexQuery: 'Query on gsi1 (_gsi1pk = author), Limit 25, unmarshall each',
      getOrCreate: 'PutItem attribute_not_exists + ReturnValuesOnConditionCheckFailure ALL_OLD: 1 request',
      getWith: 'Query PK = post#id (ConsistentRead, every page), unmarshall each, sorted out by SK',
    },
    pageKey: ['PK', 'SK', '_type', 'uid'],
    create: (data) => raw.create(data),
    createArticle: (data) => raw.createArticle(data),
    collection: {
      createPost: (data) => raw.createPost(data),
      createComment: (data) => raw.createComment(POST.postId, data),
    },
    operations: async () => ({
      get: () => raw.get(SUBJECT.username),
      create: () => raw.create(SUBJECT),
      update: () => raw.update(SUBJECT.username, changeOf((iteration += 1)), version++),
      query: () => raw.query(25),
      indexQuery: () => raw.articlesBy(AUTHOR, ARTICLE_COUNT),
      getOrCreate: () => raw.getOrCreate(SUBJECT),
      getWith: () => raw.postWithComments(POST.postId),
    }),
    listAll: async () => {
      const all: Record<string, unknown>[] = [];
      let startKey: Item | undefined;
      do {
        const page = await raw.query(undefined, startKey);
        for (const user of page.users) all.push(user);
        startKey = page.lastKey;
      } while (startKey);
      return all;
    },
  };
}
