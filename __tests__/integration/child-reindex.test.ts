import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { BaseEntity, Field, Index, StrId, Table } from '../../src';
import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';

@Table('crArticle')
class CrArticle extends BaseEntity {
  @StrId() slug!: string;
}

/** In the type index: reindex reads it with a Query. */
@Table('crComment', { parent: () => CrArticle })
@Index('byAuthor', { partition: ['author'] })
class CrComment extends BaseEntity {
  @StrId() id!: string;
  @Field() author!: string;
}

/** Outside the type index: reindex can only find its items with a Scan of the table. */
@Table('crLike', { parent: () => CrArticle, typeIndex: 'none' })
@Index('byUser', { partition: ['username'] })
class CrLike extends BaseEntity {
  @StrId() username!: string;
}

type Item = Record<string, AttributeValue>;

/** Children stored before their `@Index` existed: reindex writes their keys, resuming from its cursor. */
describeEachEngine('reindex of child types', (engine) => {
  const em = useEntityManager(engine);
  const key = (type: string, slug: string, id: string) => ({ PK: { S: `crArticle#${slug}` }, SK: { S: `${type}#${id}` } });
  const stored = async (type: string, slug: string, id: string) =>
    (await em().client.send(new GetItemCommand({ TableName: em().tableName, Key: key(type, slug, id), ConsistentRead: true }))).Item as Item;
  const stripIndexKeys = (type: string, slug: string, id: string) =>
    em().client.send(
      new UpdateItemCommand({
        TableName: em().tableName,
        Key: key(type, slug, id),
        UpdateExpression: 'REMOVE #pk, #sk',
        ExpressionAttributeNames: { '#pk': '_gsi1pk', '#sk': '_gsi1sk' },
      }),
    );

  beforeAll(async () => {
    const comments = em().getRepository(CrComment);
    const likes = em().getRepository(CrLike);
    for (const slug of ['a', 'b#x', 'c']) {
      await em().getRepository(CrArticle).create({ slug });
      for (let i = 0; i < 3; i += 1) {
        await comments.of(slug).create({ id: `c${i}`, author: `ada${i}` });
        await stripIndexKeys('crComment', slug, `c${i}`);
        await likes.of(slug).create({ username: `u${i}` });
        await stripIndexKeys('crLike', slug, `u${i}`);
      }
    }
    // An item of no known type in a partition, and a top-level item: the Scan passes them by.
    await em().client.send(new PutItemCommand({ TableName: em().tableName, Item: { PK: { S: 'crArticle#a' }, SK: { S: 'crLikeless#1' } } }));
  });

  it('writes the index keys of a child type in the type index, in pages resumed by cursor', async () => {
    expect((await stored('crComment', 'b#x', 'c1'))._gsi1pk).toBeUndefined();
    const first = await em().reindex(CrComment, { pageSize: 4, maxPages: 1 });
    expect(first).toMatchObject({ scanned: 4, updated: 4 });
    expect(first.cursor).toEqual(expect.any(String));
    const rest = await em().reindex(CrComment, { pageSize: 4, cursor: first.cursor });
    expect(rest).toMatchObject({ scanned: 5, updated: 5, cursor: undefined });
    const found = await em().getRepository(CrComment).query({ index: 'byAuthor', where: { author: 'ada1' } }).toArray();
    expect(found.map((c) => c.id).sort()).toEqual(['c1', 'c1', 'c1']);
    expect((await em().reindex(CrComment)).updated).toBe(0);
  });

  it('finds every item of a type outside the type index by a Scan, and resumes from any key', async () => {
    let cursor: string | undefined;
    let scanned = 0;
    let updated = 0;
    let runs = 0;
    do {
      const result = await em().reindex(CrLike, { pageSize: 2, maxPages: 1, cursor });
      ({ cursor } = result);
      scanned += result.scanned;
      updated += result.updated;
      runs += 1;
    } while (cursor);
    // Pages of 2 items of the whole table: the cursor may stop on an item of another type.
    expect(runs).toBeGreaterThan(9);
    expect([scanned, updated]).toEqual([9, 9]);
    const likes = await em().getRepository(CrLike).query({ index: 'byUser', where: { username: 'u2' } }).toArray();
    expect(likes.map((like) => like.username)).toEqual(['u2', 'u2', 'u2']);
    expect((await stored('crLike', 'c', 'u0'))._gsi1pk).toEqual({ S: expect.stringContaining('crLike#byUser#') });
    expect((await em().reindex(CrLike)).updated).toBe(0);
  });
});
