import { isEmail } from 'class-validator';
import { DynamoDB } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import * as dynamoose from 'dynamoose';
import { ARTICLE_COUNT, AUTHOR, changeOf, SUBJECT, USER_TYPE } from '../fixture';
import type { ArticleData, UserData } from '../fixture';
import { packageVersion } from './types';
import type { Contender } from './types';

function dynamooseModel() {
  const schema = new dynamoose.Schema(
    {
      username: { type: String, hashKey: true },
      email: { type: String, required: true, validate: (value) => isEmail(value as string) },
      activatedOn: { type: Date, required: true },
      age: { type: Number, required: true, validate: (value) => Number.isInteger(value) && (value as number) >= 0 },
      tags: { type: Array, schema: [String] },
      address: { type: Object, schema: { street: String, city: String, zip: String } },
      admin: { type: Boolean, default: false },
      version: { type: Number, default: 1 },
      // Dynamoose lists through a GSI on an attribute of the schema.
      entityType: { type: String, default: USER_TYPE, index: { name: 'byType', type: 'global' } },
    },
    { saveUnknown: false, timestamps: false },
  );
  // No table management: the canned handler has no table to describe or create.
  return dynamoose.model('BenchUser', schema, { create: false, waitForActive: false, update: false });
}

/** The article: a GSI on authorId with createdAt as its range key. */
function dynamooseArticles() {
  const schema = new dynamoose.Schema(
    {
      articleId: { type: String, hashKey: true },
      authorId: { type: String, required: true, index: { name: 'byAuthor', type: 'global', rangeKey: 'createdAt' } },
      createdAt: { type: Date, required: true },
      title: { type: String, required: true },
      words: { type: Number, required: true },
    },
    { saveUnknown: false, timestamps: false },
  );
  return dynamoose.model('BenchArticle', schema, { create: false, waitForActive: false, update: false });
}

export function dynamooseContender(config: DynamoDBClientConfig): Contender {
  // Dynamoose takes one global aggregated DynamoDB client.
  dynamoose.aws.ddb.set(new DynamoDB(config));
  const users = dynamooseModel();
  const articles = dynamooseArticles();
  const byType = () => users.query('entityType').eq(USER_TYPE).using('byType');
  let version = 1;
  let iteration = 0;
  return {
    name: 'Dynamoose',
    version: packageVersion('dynamoose'),
    notes: {
      get: 'Model.get(key, { consistent: true }): GetItem',
      create: 'Model.create(data): PutItem attribute_not_exists(username)',
      update: 'Model.update(key, { $SET, $ADD: { version: 1 } }, { condition: version = v }): UpdateItem (ALL_NEW)',
      query: "Model.query('entityType').eq().using('byType').limit(25).exec()",
      indexQuery: "Model.query('authorId').eq().using('byAuthor').limit(25).exec()",
      getOrCreate: 'Model.get (found: 1 request); when missing, Model.create: 2 requests',
    },
    pageKey: ['username', 'entityType'],
    create: (data: UserData) => users.create(data),
    createArticle: (data: ArticleData) => articles.create(data),
    operations: async () => ({
      get: () => users.get({ username: SUBJECT.username }, { consistent: true }),
      create: () => users.create(SUBJECT),
      update: () =>
        users.update(
          { username: SUBJECT.username },
          { $SET: changeOf((iteration += 1)), $ADD: { version: 1 } },
          { condition: new dynamoose.Condition('version').eq(version++) },
        ),
      query: () => byType().limit(25).exec(),
      indexQuery: () => articles.query('authorId').eq(AUTHOR).using('byAuthor').limit(ARTICLE_COUNT).exec(),
      getOrCreate: async () => {
        const found = await users.get({ username: SUBJECT.username });
        return found ? [found, false] : [await users.create(SUBJECT), true];
      },
    }),
    listAll: async () => [...(await byType().all().exec())],
  };
}
