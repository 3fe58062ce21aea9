import 'reflect-metadata';
import { Field, Index, StrId, Table } from '../../src/decorators';
import { MetadataError } from '../../src/errors';
import { getEntityMetadata, resetMetadataRegistry } from '../../src/metadata';
import { tableLayoutOfEntities } from '../../src/metadata/table-layout';
import type { IndexOptions } from '../../src/metadata/types';

/** A fresh entity class with fields of every kind and the given `@Index` declarations, top to bottom. */
function entityWith(typeName: string, indexes: ReadonlyArray<[string, IndexOptions]>): new () => object {
  // Declared per call: resetMetadataRegistry() between tests forgets every decorated class.
  class Address {
    @Field() city!: string;
  }
  class Entity {
    @StrId() id!: string;
    @Field() authorId!: string;
    @Field() createdAt!: Date;
    @Field({ dateFormat: 'epochSeconds' }) expiresAt!: Date;
    @Field() rank!: number;
    @Field() big!: bigint;
    @Field() published!: boolean;
    @Field() tags!: string[];
    @Field() address!: Address;
    @Field() extra!: Record<string, unknown>;
    @Field() blob!: Buffer;
  }
  Object.defineProperty(Entity, 'name', { value: 'Article' });
  // Decorators apply bottom-up: declaring the list in reverse registers it as written top to bottom.
  for (const [name, options] of [...indexes].reverse()) Index(name, options)(Entity);
  Table(typeName)(Entity);
  return Entity;
}

let refused = 0;
function refusal(indexes: ReadonlyArray<[string, IndexOptions]>): MetadataError {
  const target = entityWith(`refused${(refused += 1)}`, indexes);
  try {
    getEntityMetadata(target);
  } catch (error) {
    expect(error).toBeInstanceOf(MetadataError);
    return error as MetadataError;
  }
  throw new Error('expected a MetadataError');
}

const byAuthor: IndexOptions = { partition: ['authorId'], sort: ['createdAt'] };
const slotsOf = (target: new () => object) => getEntityMetadata(target).indexes.map((i) => [i.name, i.gsi, i.partitionAttribute, i.sortAttribute]);

beforeEach(() => resetMetadataRegistry());

describe('@Index declarations are checked on first use, naming the entity, the index and the fix', () => {
  it.each(['', '1st', 'by author', 'by#author', 'é', 'a'.repeat(65), 42 as unknown as string])('refuses the index name %p', (name) => {
    expect(refusal([[name, byAuthor]]).message).toMatch(/^Article @Index\(.*\): an index name is 1-64 characters, a letter followed by letters, digits/);
  });

  it('accepts names of 1 to 64 characters with letters, digits, "_" and "-"', () => {
    const target = entityWith('article', [['a', byAuthor], ['B-2_x', { partition: ['rank'] }], ['c'.repeat(64), { partition: ['big'] }]]);
    expect(getEntityMetadata(target).indexes.map((i) => i.name)).toEqual(['a', 'B-2_x', 'c'.repeat(64)]);
  });

  it('refuses a name used twice', () => {
    expect(refusal([['byAuthor', byAuthor], ['byAuthor', { partition: ['rank'] }]]).message).toBe(
      "Article declares @Index('byAuthor') twice; index names are unique per entity.",
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['no options', null, /needs options \{ partition: \[fields\], sort\?: \[fields\] \}/],
    ['an empty partition', { partition: [] }, /partition must be a non-empty array of field names/],
    ['a partition that is not a list', { partition: 'authorId' }, /partition must be a non-empty array of field names/],
    ['an empty field name', { partition: [''] }, /partition must be a non-empty array of field names/],
    ['a sort that is not a list', { partition: ['authorId'], sort: 'createdAt' }, /sort must be an array of field names/],
    ['a field twice in the partition', { partition: ['authorId', 'authorId'] }, /authorId appears twice in its key; each field may appear once/],
    ['a field in partition and sort', { partition: ['authorId'], sort: ['rank', 'authorId'] }, /authorId appears twice in its key/],
    ['an unknown projection', { partition: ['authorId'], projection: 'ALL' }, /projection must be 'all', 'keys' or a list of field names, got "ALL"/],
    ['slot 0', { partition: ['authorId'], slot: 0 }, /slot must be an integer from 1 to 19, got 0/],
    ['slot 20', { partition: ['authorId'], slot: 20 }, /slot must be an integer from 1 to 19, got 20/],
    ['slot 1.5', { partition: ['authorId'], slot: 1.5 }, /slot must be an integer from 1 to 19, got 1.5/],
    ['a slot given as text', { partition: ['authorId'], slot: '2' }, /slot must be an integer from 1 to 19, got 2/],
  ])('refuses %s', (_, options, message) => {
    const error = refusal([['byAuthor', options as IndexOptions]]);
    expect(error.message).toMatch(/^Article @Index\("byAuthor"\): /);
    expect(error.message).toMatch(message);
  });

  it('refuses a key field that is not a @Field()', () => {
    expect(refusal([['byAuthor', { partition: ['author'] }]]).message).toBe(
      'Article @Index("byAuthor"): author is not a @Field() of Article; index keys are made of fields.',
    );
    // uid and version are managed attributes, not fields.
    expect(refusal([['byUid', { partition: ['authorId'], sort: ['uid'] }]]).message).toMatch(/uid is not a @Field\(\) of Article/);
  });

  it.each([
    ['tags', 'array'],
    ['address', 'class'],
    ['extra', 'any'],
    ['blob', 'binary'],
  ])('refuses %s, a %s field, in a key', (property, kind) => {
    for (const options of [{ partition: [property] }, { partition: ['authorId'], sort: [property] }]) {
      const { message } = refusal([['byAuthor', options]]);
      expect(message).toMatch(new RegExp(`^Article @Index\\("byAuthor"\\): ${property} is an? ${kind} field; index keys are made of string, number, bigint, Date and boolean fields\\.$`));
    }
  });

  it('resolves key fields of every orderable kind, with their types', () => {
    const target = entityWith('article', [['all', { partition: ['authorId', 'published'], sort: ['expiresAt', 'rank', 'big', 'id'] }]]);
    const [index] = getEntityMetadata(target).indexes;
    expect(index?.partition).toEqual([
      { property: 'authorId', type: { kind: 'string' } },
      { property: 'published', type: { kind: 'boolean' } },
    ]);
    expect(index?.sort.map((f) => f.type)).toEqual([{ kind: 'date', format: 'epochSeconds' }, { kind: 'number' }, { kind: 'bigint' }, { kind: 'string' }]);
  });
});

describe('GSI slots', () => {
  it('are assigned by position, top to bottom, per projection', () => {
    const target = entityWith('article', [
      ['byAuthor', byAuthor],
      ['byRank', { partition: ['rank'], projection: 'keys' }],
      ['byBig', { partition: ['big'] }],
      ['byPublished', { partition: ['published'], projection: 'keys' }],
    ]);
    expect(slotsOf(target)).toEqual([
      ['byAuthor', 'gsi1', '_gsi1pk', '_gsi1sk'],
      ['byRank', 'gsik1', '_gsik1pk', '_gsik1sk'],
      ['byBig', 'gsi2', '_gsi2pk', '_gsi2sk'],
      ['byPublished', 'gsik2', '_gsik2pk', '_gsik2sk'],
    ]);
    expect(getEntityMetadata(target).indexes.map((i) => [i.projection, i.slot])).toEqual([['all', 1], ['keys', 1], ['all', 2], ['keys', 2]]);
  });

  it('can be pinned with `slot`, so that removing an index above does not move one', () => {
    const target = entityWith('article', [['byBig', { partition: ['big'], slot: 2 }], ['byAuthor', { ...byAuthor, slot: 7 }]]);
    expect(slotsOf(target).map(([name, gsi]) => [name, gsi])).toEqual([['byBig', 'gsi2'], ['byAuthor', 'gsi7']]);
  });

  it('refuses two indexes in one slot, naming both and the fix', () => {
    expect(refusal([['byAuthor', byAuthor], ['byRank', { partition: ['rank'], slot: 1 }]]).message).toBe(
      "Article: @Index('byAuthor') and @Index('byRank') both take gsi1; give each a distinct slot (e.g. { slot: 2 }).",
    );
    // A pinned slot still counts as a position: the index below it takes position 2.
    expect(refusal([['byAuthor', { ...byAuthor, slot: 2 }], ['byRank', { partition: ['rank'] }]]).message).toMatch(/both take gsi2/);
    expect(refusal([['a', { partition: ['rank'], projection: 'keys' }], ['b', { partition: ['big'], projection: 'keys', slot: 1 }]]).message).toMatch(
      /@Index\('a'\) and @Index\('b'\) both take gsik1/,
    );
  });

  it('refuses a 20th index of one projection when the class is first used, not only when the table is laid out', () => {
    const twenty = Array.from({ length: 20 }, (_, i): [string, IndexOptions] => [`by${i}`, { partition: ['rank'] }]);
    expect(refusal(twenty).message).toBe(
      "Article has more than 19 @Index declarations with projection 'all' (@Index('by19') would take gsi20); " +
        'DynamoDB allows 20 GSIs per table. Remove some, or use another projection.',
    );
    expect(() => getEntityMetadata(entityWith('nineteen', twenty.slice(0, 19)))).not.toThrow();
  });

  it('one slot in each family is no clash', () => {
    const target = entityWith('article', [['a', { partition: ['rank'], slot: 3 }], ['b', { partition: ['big'], projection: 'keys', slot: 3 }]]);
    expect(slotsOf(target).map(([, gsi]) => gsi)).toEqual(['gsi3', 'gsik3']);
  });
});

describe('index key attribute names are reserved', () => {
  it.each(['_gsi1pk', '_gsi1sk', '_gsi19pk', '_gsik2sk', '_gsi100pk'])('refuses a field named %s', (property) => {
    class Sneaky {
      @StrId() id!: string;
    }
    Field()(Sneaky.prototype, property);
    Reflect.defineMetadata('design:type', String, Sneaky.prototype, property);
    Table('sneaky')(Sneaky);
    expect(() => getEntityMetadata(Sneaky)).toThrow(MetadataError);
    expect(() => getEntityMetadata(Sneaky)).toThrow(`Sneaky.${property} collides with the reserved attribute "${property}"`);
  });

  it('allows names that only look alike', () => {
    class Alike {
      @StrId() id!: string;
      @Field() gsi1pk!: string;
      @Field() _gsi1!: string;
      @Field() _gsipk!: string;
    }
    Table('alike')(Alike);
    expect(getEntityMetadata(Alike).shape.fields.map((f) => f.property).sort()).toEqual(['_gsi1', '_gsipk', 'gsi1pk', 'id']);
  });
});

describe('tableLayoutOfEntities', () => {
  const layoutNames = () => tableLayoutOfEntities().indexes.map((i) => i.name);

  it('is the type index alone when no entity declares an index', () => {
    entityWith('plain', []);
    expect(tableLayoutOfEntities()).toEqual({
      partition: { name: 'PK', type: 'S' },
      sort: { name: 'SK', type: 'S' },
      indexes: [{ name: 'type-uid-index', partition: { name: '_type', type: 'S' }, sort: { name: 'uid', type: 'S' }, projection: 'ALL' }],
    });
  });

  it('has one GSI per used slot, shared by every entity type, ordered by family then slot', () => {
    entityWith('article', [['byAuthor', byAuthor], ['byRank', { partition: ['rank'], projection: 'keys' }]]);
    entityWith('comment', [['byAuthor', byAuthor], ['byBig', { partition: ['big'] }], ['late', { partition: ['rank'], slot: 10 }]]);
    entityWith('tag', [['byRank', { partition: ['rank'], projection: 'keys' }]]);
    expect(layoutNames()).toEqual(['type-uid-index', 'gsi1', 'gsi2', 'gsi10', 'gsik1']);
    const [, gsi1, , , gsik1] = tableLayoutOfEntities().indexes;
    expect(gsi1).toEqual({ name: 'gsi1', partition: { name: '_gsi1pk', type: 'S' }, sort: { name: '_gsi1sk', type: 'S' }, projection: 'ALL' });
    expect(gsik1).toEqual({ name: 'gsik1', partition: { name: '_gsik1pk', type: 'S' }, sort: { name: '_gsik1sk', type: 'S' }, projection: 'KEYS_ONLY' });
  });

  it("validates every class with indexes, so a table is never created for refused declarations", () => {
    entityWith('article', [['byAuthor', { partition: ['nope'] }]]);
    expect(() => tableLayoutOfEntities()).toThrow('Article @Index("byAuthor"): nope is not a @Field() of Article');
  });

  const many = (count: number, options: Partial<IndexOptions> = {}): Array<[string, IndexOptions]> =>
    Array.from({ length: count }, (_, i) => [`i${i}`, { partition: ['rank'], ...options }]);

  it('allows 20 GSIs: the type index and 19 slots', () => {
    entityWith('article', many(19));
    expect(layoutNames()).toHaveLength(20);
    expect(layoutNames()[19]).toBe('gsi19');
  });

  it('refuses a 21st GSI, naming them and the fix', () => {
    entityWith('article', many(19));
    entityWith('comment', many(1, { projection: 'keys' }));
    expect(() => tableLayoutOfEntities()).toThrow(MetadataError);
    expect(() => tableLayoutOfEntities()).toThrow(
      /^The entities need 21 global secondary indexes \(type-uid-index, gsi1, .*gsi19, gsik1\); DynamoDB allows 20 per table\. Share slots/,
    );
  });

  it('refuses a 20th index of one family in one class', () => {
    entityWith('article', many(20));
    expect(() => tableLayoutOfEntities()).toThrow(/^Article has more than 19 @Index declarations with projection 'all'/);
  });
});
