import 'reflect-metadata';
import { fakeClient } from '../support/fake-client';
import type { SentCommand } from '../support/fake-client';
import { BaseEntity, EntityManager, Field, Index, StrId, Table } from '../../src';
import { decodeCursor } from '../../src/keys';
import { getEntityMetadata } from '../../src/metadata';

/**
 * Index queries that read each page's entities by key (a keys-only index, a field-list index without
 * select): an entity whose fields changed between the Query and the BatchGetItem so that it no longer
 * matches is skipped, like one deleted in between.
 */

@Table('keyedpost')
@Index('byAuthor', { partition: ['authorId'], sort: ['words'], projection: 'keys' })
@Index('byTag', { partition: ['tag'], projection: ['title', 'words'] })
class KeyedPost extends BaseEntity {
  @StrId() slug!: string;
  @Field() authorId?: string;
  @Field() tag?: string;
  @Field() title?: string;
  @Field() words?: number;
}

const UID = '01a212e1-f9cb-7000-8e3e-c64da6114a1c';

/** A stored item as BatchGetItem returns it: the fields as they are now. */
function stored(slug: string, fields: Record<string, unknown>) {
  return { PK: { S: `keyedpost#${slug}` }, SK: { S: 'keyedpost' }, _type: { S: 'keyedpost' }, uid: { S: UID }, version: { N: '2' }, slug: { S: slug }, ...fields };
}

/** An index item as the Query returns it: the keys (what the cursor is made of). */
function indexItem(slug: string, partition: string, sort: string, [pk, sk]: [string, string]) {
  return { PK: { S: `keyedpost#${slug}` }, SK: { S: 'keyedpost' }, [pk]: { S: partition }, [sk]: { S: sort } };
}

function setup(queryItems: unknown[], storedItems: unknown[], lastKey?: unknown) {
  const { client, sent } = fakeClient((command: SentCommand) =>
    command.operation === 'Query' ? { Items: queryItems, LastEvaluatedKey: lastKey } : { Responses: { app: storedItems } },
  );
  const em = new EntityManager({ client, tableName: 'app' });
  return { posts: em.getRepository(KeyedPost), sent };
}

const meta = () => getEntityMetadata(KeyedPost);
const attributesOf = (name: string): [string, string] => {
  const index = meta().indexes.find((i) => i.name === name);
  return [index?.partitionAttribute as string, index?.sortAttribute as string];
};

describe('a keys-only index read by key: entities whose key fields changed in between are skipped', () => {
  const ADA = 'keyedpost#byAuthor#ada #';
  const key = (slug: string) => indexItem(slug, ADA, `sort-${slug}`, attributesOf('byAuthor'));

  it('keeps an unchanged entity and skips one moved to another partition, one out of the sort range and one out of the index', async () => {
    const { posts, sent } = setup(
      [key('kept'), key('moved'), key('grown'), key('unset'), key('gone')],
      [
        stored('kept', { authorId: { S: 'ada' }, words: { N: '50' } }),
        stored('moved', { authorId: { S: 'bob' }, words: { N: '50' } }),
        stored('grown', { authorId: { S: 'ada' }, words: { N: '5000' } }),
        stored('unset', { words: { N: '50' } }),
      ],
    );
    const found = await posts.query({ index: 'byAuthor', where: { authorId: 'ada', words: { lt: 1000 } } }).toArray();
    expect(found.map((p) => [p.slug, p.authorId, p.words])).toEqual([['kept', 'ada', 50]]);
    expect(sent.map((c) => c.operation)).toEqual(['Query', 'BatchGetItem']);
  });

  it('an entity still in the partition and range, with other fields changed, is kept', async () => {
    const { posts } = setup([key('a'), key('b')], [stored('b', { authorId: { S: 'ada' }, title: { S: 'new' } }), stored('a', { authorId: { S: 'ada' }, words: { N: '999' } })]);
    const found = await posts.query({ index: 'byAuthor', where: { authorId: 'ada', words: { lt: 1000 } } }).toArray();
    // `b` has no words: its sort key is MISSING, which `lt` excludes; without a range it is kept.
    expect(found.map((p) => p.slug)).toEqual(['a']);
    const whole = await posts.query({ index: 'byAuthor', where: { authorId: 'ada' } }).toArray();
    expect(whole.map((p) => p.slug)).toEqual(['a', 'b']);
  });

  it('the cursor follows the index items: after the last entity returned, a skipped one before it is not read again', async () => {
    const { posts } = setup([key('moved'), key('kept'), key('next')], [stored('moved', { authorId: { S: 'bob' } }), stored('kept', { authorId: { S: 'ada' } }), stored('next', { authorId: { S: 'ada' } })]);
    const page = await posts.query({ index: 'byAuthor', where: { authorId: 'ada' }, limit: 1 }).page();
    expect(page.items.map((p) => p.slug)).toEqual(['kept']);
    expect(decodeCursor(page.cursor as string, meta(), 'indexQuery')).toMatchObject({ strId: 'kept', partition: ADA, sort: 'sort-kept' });
  });

  it('a page whose entities all moved away: the query goes on to the next page', async () => {
    let queries = 0;
    const { client, sent } = fakeClient((command) => {
      if (command.operation === 'BatchGetItem') return { Responses: { app: [stored(queries === 1 ? 'moved' : 'kept', { authorId: { S: queries === 1 ? 'bob' : 'ada' } })] } };
      queries += 1;
      return queries === 1 ? { Items: [key('moved')], LastEvaluatedKey: { PK: { S: 'keyedpost#moved' } } } : { Items: [key('kept')] };
    });
    const posts = new EntityManager({ client, tableName: 'app' }).getRepository(KeyedPost);
    await expect(posts.query({ index: 'byAuthor', where: { authorId: 'ada' } }).first()).resolves.toMatchObject({ slug: 'kept' });
    expect(sent.map((c) => c.operation)).toEqual(['Query', 'BatchGetItem', 'Query', 'BatchGetItem']);
  });
});

describe('a field-list index read by key: entities that no longer pass the filter or the key condition are skipped', () => {
  const RUST = 'keyedpost#byTag#rust #';
  const key = (slug: string) => indexItem(slug, RUST, '-', attributesOf('byTag'));

  it('keeps one that still passes and skips one whose filtered field changed and one whose tag changed', async () => {
    const { posts, sent } = setup(
      [key('kept'), key('shrunk'), key('retagged')],
      [
        stored('kept', { tag: { S: 'rust' }, words: { N: '2000' } }),
        stored('shrunk', { tag: { S: 'rust' }, words: { N: '10' } }),
        stored('retagged', { tag: { S: 'go' }, words: { N: '2000' } }),
      ],
    );
    const found = await posts.query({ index: 'byTag', where: { tag: 'rust' }, filter: { words: { gte: 1000 } } }).toArray();
    expect(found.map((p) => p.slug)).toEqual(['kept']);
    expect(sent[0]?.input).toMatchObject({ FilterExpression: '#f0 >= :f0' });
  });

  it('without a filter, a changed non-key field does not drop the entity', async () => {
    const { posts } = setup([key('a')], [stored('a', { tag: { S: 'rust' }, words: { N: '10' } })]);
    await expect(posts.query({ index: 'byTag', where: { tag: 'rust' } }).toArray()).resolves.toMatchObject([{ slug: 'a', words: 10 }]);
  });
});
