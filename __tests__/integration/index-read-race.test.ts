import { BaseEntity, EntityManager, Field, Index, StrId, Table } from '../../src';
import { describeEachEngine } from '../support/engines';
import { racingClient } from '../support/racing-client';
import { useEntityManager } from '../support/tables';

/**
 * A query of a keys-only index (or of a field-list index without select) reads a page of keys, then
 * the page's entities by key. A write between the two reads is made to happen there: an entity that
 * no longer matches the query is skipped, like one deleted in between, and the cursor loses nothing.
 */

@Table('rrNote')
@Index('byOwner', { partition: ['owner'], sort: ['rank'], projection: 'keys' })
@Index('byShelf', { partition: ['shelf'], projection: ['title', 'pages'] })
class Note extends BaseEntity {
  @StrId() slug!: string;
  @Field() owner?: string;
  @Field() rank?: number;
  @Field() shelf?: string;
  @Field() title?: string;
  @Field() pages?: number;
}

describeEachEngine('index reads by key after a concurrent write', (engine) => {
  const em = useEntityManager(engine);
  const notes = () => em().getRepository(Note);
  /** The same table through a client that runs `write` just before its first BatchGetItem. */
  const racing = (write: () => Promise<unknown>) => {
    const { client, sent } = racingClient(engine().client, { operation: 'BatchGetItem', before: write });
    return { notes: new EntityManager({ client, tableName: em().tableName }).getRepository(Note), sent };
  };

  it('keys-only: entities moved to another owner or out of the rank range in between are skipped; the others are kept', async () => {
    for (const [slug, rank] of [['k-1', 1], ['k-2', 2], ['k-3', 3], ['k-4', 4]] as const) await notes().create({ slug, owner: 'kim', rank });
    const raced = racing(async () => {
      await notes().update('k-1', { owner: 'lee' });
      await notes().update('k-3', { rank: 50 });
    });
    const found = await raced.notes.query({ index: 'byOwner', where: { owner: 'kim', rank: { lt: 10 } } }).toArray();
    expect(found.map((n) => n.slug)).toEqual(['k-2', 'k-4']);
    expect(raced.sent).toEqual(['Query', 'BatchGetItem']);
  });

  it('keys-only: the cursor follows the index items, so the next page loses and repeats nothing', async () => {
    for (const [slug, rank] of [['c-1', 1], ['c-2', 2], ['c-3', 3], ['c-4', 4]] as const) await notes().create({ slug, owner: 'cy', rank });
    const raced = racing(() => notes().update('c-1', { owner: 'dee' }));
    // Limit 1 reads two keys (c-1, c-2): c-1 moved away, c-2 is the page.
    const page = await raced.notes.query({ index: 'byOwner', where: { owner: 'cy' }, limit: 1 }).page();
    expect(page.items.map((n) => n.slug)).toEqual(['c-2']);
    expect(raced.sent).toEqual(['Query', 'BatchGetItem']);
    const rest = await notes().query({ index: 'byOwner', where: { owner: 'cy' }, cursor: page.cursor }).toArray();
    expect(rest.map((n) => n.slug)).toEqual(['c-3', 'c-4']);
  });

  it('field-list index without select: one that no longer passes the filter in between is skipped', async () => {
    for (const [slug, pages] of [['s-1', 100], ['s-2', 200], ['s-3', 300]] as const) await notes().create({ slug, shelf: 'top', pages });
    const raced = racing(async () => {
      await notes().update('s-2', { pages: 5 });
      await notes().update('s-3', { shelf: 'low' });
    });
    const found = await raced.notes.query({ index: 'byShelf', where: { shelf: 'top' }, filter: { pages: { gte: 50 } } }).toArray();
    expect(found.map((n) => [n.slug, n.pages])).toEqual([['s-1', 100]]);
    expect(raced.sent).toEqual(['Query', 'BatchGetItem']);
  });
});
