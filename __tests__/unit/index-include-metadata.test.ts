import 'reflect-metadata';
import { Field, Index, StrId, Table } from '../../src/decorators';
import { MetadataError } from '../../src/errors';
import { getEntityMetadata, resetMetadataRegistry } from '../../src/metadata';
import { tableLayoutOfEntities } from '../../src/metadata/table-layout';
import type { IndexOptions } from '../../src/metadata/types';

/** A fresh entity class with the given `@Index` declarations, top to bottom, and fields f0..f39. */
function entityWith(typeName: string, indexes: ReadonlyArray<[string, IndexOptions]>, className = 'Article'): new () => object {
  class Entity {
    @StrId() slug!: string;
    @Field() authorId!: string;
    @Field() title!: string;
    @Field() words!: number;
  }
  for (let i = 0; i < 40; i += 1) Field({ type: () => String })(Entity.prototype, `f${i}`);
  Object.defineProperty(Entity, 'name', { value: className });
  for (const [name, options] of [...indexes].reverse()) Index(name, options)(Entity);
  Table(typeName)(Entity);
  return Entity;
}

function refusal(run: () => unknown): MetadataError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MetadataError);
    return error as MetadataError;
  }
  throw new Error('expected a MetadataError');
}

beforeEach(() => resetMetadataRegistry());

describe('@Index with a field-list projection', () => {
  it('has a GSI of its own named from the type and the index, string keys no field can take, and the fields plus uid, version, str id', () => {
    const target = entityWith('article', [
      ['byAuthor', { partition: ['authorId'] }],
      ['byTitle', { partition: ['title'], sort: ['words'], projection: ['words', 'authorId', 'slug'] }],
      ['keysByAuthor', { partition: ['authorId'], projection: 'keys' }],
    ]);
    expect(getEntityMetadata(target).indexes.map(({ name, projection, slot, gsi, partitionAttribute, sortAttribute, nonKeyAttributes }) => ({ name, projection, slot, gsi, partitionAttribute, sortAttribute, nonKeyAttributes }))).toEqual([
      { name: 'byAuthor', projection: 'all', slot: 1, gsi: 'gsi1', partitionAttribute: '_gsi1pk', sortAttribute: '_gsi1sk', nonKeyAttributes: [] },
      {
        name: 'byTitle',
        projection: 'include',
        slot: 0,
        gsi: 'article.byTitle',
        partitionAttribute: '_gsi.article.byTitle.pk',
        sortAttribute: '_gsi.article.byTitle.sk',
        nonKeyAttributes: ['words', 'authorId', 'slug', 'uid', 'version'],
      },
      { name: 'keysByAuthor', projection: 'keys', slot: 1, gsi: 'gsik1', partitionAttribute: '_gsik1pk', sortAttribute: '_gsik1sk', nonKeyAttributes: [] },
    ]);
  });

  it('takes no slot: the next shared index still takes slot 1', () => {
    const target = entityWith('article', [
      ['byTitle', { partition: ['title'], projection: ['words'] }],
      ['byAuthor', { partition: ['authorId'] }],
    ]);
    expect(getEntityMetadata(target).indexes.map((i) => i.gsi)).toEqual(['article.byTitle', 'gsi1']);
  });

  it.each<[string, IndexOptions, RegExp]>([
    ['a field that is not a @Field()', { partition: ['title'], projection: ['words', 'wordz', 'uid'] }, /projection lists wordz, uid, which are not @Field\(\)s of Article \(its fields: authorId, title, words, f0, .*, slug\)/],
    ['one unknown field', { partition: ['title'], projection: ['body'] }, /projection lists body, which is not a @Field\(\) of Article/],
    ['a field listed twice', { partition: ['title'], projection: ['words', 'words'] }, /projection lists words twice; list each field once/],
    ['an empty list', { partition: ['title'], projection: [] }, /a projection list names one field or more \(for none, use projection: 'keys'\)/],
    ['a list holding a non-string', { partition: ['title'], projection: ['words', 3 as unknown as string] }, /a projection list names one field or more/],
    ['a slot', { partition: ['title'], projection: ['words'], slot: 1 }, /slot does not apply to a field-list projection: a field-list index has its own GSI; remove slot/],
  ])('refuses %s', (_, options, message) => {
    const error = refusal(() => getEntityMetadata(entityWith('article', [['byTitle', options]])));
    expect(error.message).toMatch(/^Article @Index\("byTitle"\): /);
    expect(error.message).toMatch(message);
  });

  it('refuses a field named like the key attribute of such an index', () => {
    class Sneaky {
      @StrId() id!: string;
      @Field({ type: () => String }) '_gsi.sneaky.byX.pk'!: string;
    }
    Table('sneaky')(Sneaky);
    expect(refusal(() => getEntityMetadata(Sneaky)).message).toMatch(/Sneaky\._gsi\.sneaky\.byX\.pk collides with the reserved attribute .*_gsi\.<type>\.<index>\.pk/);
  });

  it('the table layout has each such GSI with INCLUDE and its non-key attributes, after the shared ones', () => {
    entityWith('article', [
      ['byTitle', { partition: ['title'], projection: ['words'] }],
      ['byAuthor', { partition: ['authorId'] }],
    ]);
    entityWith('book', [['byAuthor', { partition: ['authorId'], projection: ['title', 'words'] }]], 'Book');
    expect(tableLayoutOfEntities().indexes).toEqual([
      { name: 'type-uid-index', partition: { name: '_type', type: 'S' }, sort: { name: 'uid', type: 'S' }, projection: 'ALL' },
      { name: 'gsi1', partition: { name: '_gsi1pk', type: 'S' }, sort: { name: '_gsi1sk', type: 'S' }, projection: 'ALL' },
      {
        name: 'article.byTitle',
        partition: { name: '_gsi.article.byTitle.pk', type: 'S' },
        sort: { name: '_gsi.article.byTitle.sk', type: 'S' },
        projection: 'INCLUDE',
        nonKeyAttributes: ['words', 'uid', 'version', 'slug'],
      },
      {
        name: 'book.byAuthor',
        partition: { name: '_gsi.book.byAuthor.pk', type: 'S' },
        sort: { name: '_gsi.book.byAuthor.sk', type: 'S' },
        projection: 'INCLUDE',
        nonKeyAttributes: ['title', 'words', 'uid', 'version', 'slug'],
      },
    ]);
  });

  it('refuses more than 100 non-key attributes over all the indexes of the table, naming them', () => {
    const fields = (from: number, count: number) => Array.from({ length: count }, (_, i) => `f${from + i}`);
    // 37 + 3 = 40 and 2 × (27 + 3) = 60: exactly 100 is accepted.
    entityWith('article', [['byA', { partition: ['title'], projection: fields(0, 37) }]]);
    entityWith('book', [['byB', { partition: ['title'], projection: fields(0, 27) }], ['byC', { partition: ['words'], projection: fields(10, 27) }]], 'Book');
    expect(tableLayoutOfEntities().indexes).toHaveLength(4);
    entityWith('note', [['byD', { partition: ['title'], projection: ['words'] }]], 'Note');
    const error = refusal(() => tableLayoutOfEntities());
    expect(error.message).toMatch(/copy 104 non-key attributes \(article\.byA: 40, book\.byB: 30, book\.byC: 30, note\.byD: 4; each counts the fields listed plus uid, version and the str id\); DynamoDB allows 100/);
  });
});
