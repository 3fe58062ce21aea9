import 'reflect-metadata';
import { IsEmail, IsInt, Min } from 'class-validator';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BaseEntity, EntityManager, Field, Index, StrId, Table } from '../../src';
import type { CostHooks, Repository } from '../../src';
import { ARTICLE_COUNT, ARTICLE_TYPE, AUTHOR, changeOf, COMMENT_TYPE, PLAYER_TYPE, POST, POST_TYPE, SUBJECT, USER_TYPE } from '../fixture';
import type { ArticleData, CommentData, PostData, UserData } from '../fixture';
import { libraryVersion } from '../paths';
import type { Contender } from './types';

export class Address {
  @Field() street!: string;
  @Field() city!: string;
  @Field() zip!: string;
}

/**
 * The benchmark entity, validated by class-validator as users run it. Its constraints are the ones
 * every peer checks with its own validation hooks (email is an email, age an integer >= 0), so all
 * libraries validate the same things; field types are checked by each library's own marshalling.
 */
@Table(USER_TYPE)
export class User extends BaseEntity {
  @StrId() username!: string;
  @Field() @IsEmail() email!: string;
  @Field() activatedOn: Date = new Date();
  @Field() @IsInt() @Min(0) age!: number;
  @Field({ type: () => String }) tags: string[] = [];
  @Field() address!: Address;
  @Field() admin = false;
}

/** The entity of the index query: one `@Index`, by author then creation time (GSI gsi1). */
@Table(ARTICLE_TYPE)
@Index('byAuthor', { partition: ['authorId'], sort: ['createdAt'] })
export class Article extends BaseEntity {
  @StrId() articleId!: string;
  @Field() authorId!: string;
  @Field() createdAt!: Date;
  @Field() title!: string;
  @Field() words!: number;
}

/**
 * Only in the request counts: a keys-only index with a numeric sort field (GSI gsik1), whose
 * queries read entities by key and whose `points` increments must read the stored value first.
 */
@Table(PLAYER_TYPE)
@Index('byLeague', { partition: ['league'], sort: ['points'], projection: 'keys' })
export class Player extends BaseEntity {
  @StrId() name!: string;
  @Field() league!: string;
  @Field() points!: number;
  @Field() games!: number;
}

/** The parent of getWith. */
@Table(POST_TYPE)
export class Post extends BaseEntity {
  @StrId() postId!: string;
  @Field() title!: string;
  @Field() createdAt!: Date;
}

/** A child type: each comment is an item in its post's partition (`SK = comment#<commentId>`). */
@Table(COMMENT_TYPE, { parent: () => Post })
export class Comment extends BaseEntity {
  @StrId() commentId!: string;
  @Field() author!: string;
  @Field() body!: string;
  @Field() createdAt!: Date;
  @Field() likes!: number;
}

export const OURS_TABLE = 'bench';
/** The same contender with cost hooks on (`costs` on the EntityManager). */
export const OURS_WITH_COSTS = 'dynamo-single-table +costs';

/** `repository.update(strId, patch)` (one UpdateItem) once it exists; until then, save() of a loaded entity. */
type PartialUpdate = (strId: string, patch: { email: string; age: number }) => Promise<unknown>;

export function partialUpdateOf(users: Repository<User>): PartialUpdate | undefined {
  const update = (users as unknown as { update?: PartialUpdate }).update;
  return typeof update === 'function' ? update.bind(users) : undefined;
}

/** Cost hooks that do the least a real one does (sum the units), to measure what reporting itself costs. */
function summingCostHooks(): CostHooks {
  const totals = { requests: 0, calls: 0, units: 0 };
  return {
    request: (cost) => {
      totals.requests += 1;
      totals.units += cost.readUnits + cost.writeUnits;
    },
    call: () => {
      totals.calls += 1;
    },
  };
}

export function oursContender(client: DynamoDBClient, options: { costs?: boolean } = {}): Contender {
  const manager = new EntityManager({ client, tableName: OURS_TABLE, costs: options.costs ? summingCostHooks() : undefined });
  const users = manager.getRepository(User);
  const articles = manager.getRepository(Article);
  const posts = manager.getRepository(Post);
  const comments = manager.getRepository(Comment);
  const partialUpdate = partialUpdateOf(users);
  let iteration = 0;
  return {
    name: options.costs ? OURS_WITH_COSTS : 'dynamo-single-table',
    version: `dynamo-single-table ${libraryVersion()} (src)`,
    notes: {
      get: 'repository.getByStr: GetItem (consistent), hydrate a User instance',
      create: 'repository.create(plain): build, class-validator, PutItem attribute_not_exists(#pk)',
      update: partialUpdate
        ? 'repository.update(strId, patch): validates the patched fields, one UpdateItem (write-id guard, ReturnValues ALL_NEW: returns the updated User)'
        : 'no partial update yet: change 2 fields of a loaded User, save(): validate + full PutItem guarded by version+uid',
      query: 'repository.query({ limit: 25 }).toArray(): Query on the type index (Limit 26), 25 User instances',
      indexQuery: "repository.query({ index: 'byAuthor', where: { authorId }, limit: 25 }).toArray(): Query on gsi1, 25 Article instances",
      getOrCreate: 'repository.getOrCreate: build, validate, conditional PutItem; existing item from the error (ALL_OLD): 1 request',
      getWith: 'posts.getWith(postId, { comments: Comment }): one consistent Query of the partition; a Post and 25 Comment instances',
    },
    pageKey: ['PK', 'SK', '_type', 'uid'],
    create: (data: UserData) => users.create(data),
    createArticle: (data: ArticleData) => articles.create(data),
    collection: {
      createPost: (data: PostData) => posts.create(data),
      createComment: (data: CommentData) => comments.of(POST.postId).create(data),
    },
    operations: async () => {
      const loaded = await users.getByStr(SUBJECT.username);
      const save = (): Promise<unknown> => {
        const change = changeOf((iteration += 1));
        loaded.email = change.email;
        loaded.age = change.age;
        return users.save(loaded);
      };
      return {
        get: () => users.getByStr(SUBJECT.username),
        create: () => users.create(SUBJECT),
        update: partialUpdate ? () => partialUpdate(SUBJECT.username, changeOf((iteration += 1))) : save,
        query: () => users.query({ limit: 25 }).toArray(),
        indexQuery: () => articles.query({ index: 'byAuthor', where: { authorId: AUTHOR }, limit: ARTICLE_COUNT }).toArray(),
        getOrCreate: () => users.getOrCreate(SUBJECT),
        getWith: () => posts.getWith(POST.postId, { comments: Comment }),
      };
    },
    listAll: () => users.query().toArray(),
  };
}
