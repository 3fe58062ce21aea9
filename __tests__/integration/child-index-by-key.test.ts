import { BaseEntity, Field, Index, StrId, Table } from '../../src';
import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';

@Table('ckbArticle')
class KbArticle extends BaseEntity {
  @StrId() slug!: string;
}

/** Index queries that read entities by key (keys-only, field list without select) across parents. */
@Table('ckbComment', { parent: () => KbArticle })
@Index('byAuthorKeys', { partition: ['author'], sort: ['postedAt'], projection: 'keys' })
@Index('byAuthorBody', { partition: ['author'], sort: ['postedAt'], projection: ['body'] })
class KbComment extends BaseEntity {
  @StrId() id!: string;
  @Field() author!: string;
  @Field() body: string = '';
  @Field() postedAt!: Date;
}

describeEachEngine('index queries of a child type that read entities by key', (engine) => {
  const em = useEntityManager(engine);
  beforeAll(async () => {
    const comments = em().getRepository(KbComment);
    // The same child id under three parents: only the full key (parent and id) tells them apart.
    for (const [i, slug] of ['a', 'b', 'c#d'].entries()) {
      await comments.of(slug).create({ id: 'c1', author: 'ada', body: `on ${slug}`, postedAt: new Date(Date.UTC(2026, 0, i + 1)) });
      await comments.of(slug).create({ id: 'c2', author: 'bob', body: 'other', postedAt: new Date(Date.UTC(2026, 0, i + 1)) });
    }
  });

  it.each(['byAuthorKeys', 'byAuthorBody'])('%s finds each entity in its own parent, in index order, pages included', async (index) => {
    const comments = em().getRepository(KbComment);
    const all = await comments.query({ index, where: { author: 'ada' } }).toArray();
    expect(all.map((c) => c.body)).toEqual(['on a', 'on b', 'on c#d']);
    const first = await comments.query({ index, where: { author: 'ada' }, order: 'desc', limit: 2 }).page();
    expect(first.items.map((c) => c.body)).toEqual(['on c#d', 'on b']);
    const rest = await comments.query({ index, where: { author: 'ada' }, order: 'desc', limit: 2, cursor: first.cursor }).page();
    expect(rest.items.map((c) => c.body)).toEqual(['on a']);
    // Loaded across parents, each remembers its own: a change is saved where it was found.
    const [onB] = await comments.query({ index, where: { author: 'ada', postedAt: new Date(Date.UTC(2026, 0, 2)) } }).toArray();
    onB!.body = `${onB!.body} (edited by ${index})`;
    await comments.save(onB!);
    expect((await comments.of('b').getByStr('c1')).body).toBe(`on b (edited by ${index})`);
    expect((await comments.of('a').getByStr('c1')).body).toBe('on a');
    await comments.of('b').update('c1', { body: 'on b' });
  });
});
