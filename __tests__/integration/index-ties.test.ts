import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { Field, Index, StrId, Table } from '../../src';
import type { Repository } from '../../src';
import type { QueryOptions } from '../../src/manager/types';
import { describeEachEngine } from '../support/engines';
import { useEntityManager } from '../support/tables';

/**
 * An index sort key holds only the sort fields' values, so entities with equal values share a key
 * and DynamoDB returns them in an order of its own. Every one of them must be listed, and a cursor
 * that stops between two of them (it holds the primary key too) must resume with the next one: none
 * lost, none repeated.
 */

@Table('tie')
@Index('byGroup', { partition: ['group'], sort: ['rank'] })
@Index('keysByGroup', { partition: ['group'], sort: ['rank'], projection: 'keys' })
@Index('byColor', { partition: ['color'] })
class Tile {
  @StrId() id!: string;
  @Field() group?: string;
  @Field() rank?: number;
  @Field() color?: string;
}

const TIED = ['t1', 't2', 't3', 't4', 't5'];

/** Every page of a query, one entity per page, following the cursors to the end. */
async function pageOneByOne(tiles: Repository<Tile>, options: QueryOptions<Tile>): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await tiles.query({ ...options, limit: 1, cursor }).page();
    expect(page.items.length).toBeLessThanOrEqual(1);
    ids.push(...page.items.map((tile) => tile.id));
    cursor = page.cursor;
    pages += 1;
    if (pages > 20) throw new Error(`paging does not end: ${ids.join(', ')}`);
  } while (cursor);
  return { ids, pages };
}

describeEachEngine('index entities with equal sort values', (engine) => {
  const em = useEntityManager(engine);
  const tiles = () => em().getRepository(Tile);

  beforeAll(async () => {
    // Five entities tied on (group, rank), between one ranked before and one ranked after them.
    await tiles().create({ id: 'before', group: 'g', rank: 1, color: 'red' });
    for (const id of TIED) await tiles().create({ id, group: 'g', rank: 2, color: 'red' });
    await tiles().create({ id: 'after', group: 'g', rank: 3, color: 'red' });
    await tiles().create({ id: 'pair-a', group: 'pair', rank: 7 });
    await tiles().create({ id: 'pair-b', group: 'pair', rank: 7 });
  });

  it('two entities with the same sort value are both listed, and share one sort key', async () => {
    const pair = await tiles().query({ index: 'byGroup', where: { group: 'pair' } }).toArray();
    expect(pair.map((tile) => tile.id).sort()).toEqual(['pair-a', 'pair-b']);
    const sortKeys = await Promise.all(
      ['pair-a', 'pair-b'].map(async (id) => {
        const key = { PK: { S: `tie#${id}` }, SK: { S: 'tie' } };
        const { Item } = await em().client.send(new GetItemCommand({ TableName: em().tableName, Key: key, ConsistentRead: true }));
        return Item?._gsi1sk?.S;
      }),
    );
    expect(sortKeys[0]).toBeDefined();
    expect(sortKeys[0]).toBe(sortKeys[1]);
  });

  it.each(['asc', 'desc'] as const)('limit 1 pages through five tied entities, none lost or repeated (%s)', async (order) => {
    const { ids, pages } = await pageOneByOne(tiles(), { index: 'byGroup', where: { group: 'g' }, order });
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
    const [first, last] = order === 'asc' ? ['before', 'after'] : ['after', 'before'];
    expect([ids[0], ids[6]]).toEqual([first, last]);
    expect(ids.slice(1, 6).sort()).toEqual(TIED);
    // Without a cursor, the same query lists them in the same order as the pages did.
    const again = await tiles().query({ index: 'byGroup', where: { group: 'g' }, order }).toArray();
    expect(again.map((tile) => tile.id)).toEqual(ids);
    expect(pages).toBe(7);
  });

  it('the ties alone (where rank equals 2): five pages, each entity once', async () => {
    const { ids } = await pageOneByOne(tiles(), { index: 'byGroup', where: { group: 'g', rank: 2 } });
    expect([...ids].sort()).toEqual(TIED);
  });

  it('a keys-only index pages through the same ties', async () => {
    const { ids } = await pageOneByOne(tiles(), { index: 'keysByGroup', where: { group: 'g' } });
    expect(ids).toHaveLength(7);
    expect(ids.slice(1, 6).sort()).toEqual(TIED);
    expect([ids[0], ids[6]]).toEqual(['before', 'after']);
  });

  it('an index without sort fields, where every entity ties: all seven, each once', async () => {
    const { ids } = await pageOneByOne(tiles(), { index: 'byColor', where: { color: 'red' } });
    expect([...ids].sort()).toEqual(['after', 'before', ...TIED].sort());
    expect(new Set(ids).size).toBe(7);
  });
});
