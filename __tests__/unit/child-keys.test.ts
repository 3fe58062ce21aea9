import 'reflect-metadata';
import fc from 'fast-check';
import { Field, StrId, Table } from '../../src/decorators';
import { MetadataError } from '../../src/errors';
import { childSortKeyOf, maxStrIdBytes, parentStrIdOfItem, primaryKeyOf, strIdOfItem, strIdProblem } from '../../src/keys';
import { compareUtf8 } from '../../src/keys/index-key-range';
import { greatestKeyBelow, leastKeyAbove } from '../../src/keys/string-bounds';
import { isWellFormed } from '../../src/keys/well-formed';
import { getEntityMetadata } from '../../src/metadata';

@Table('ckArticle')
class Article {
  @StrId() slug!: string;
}

@Table('ckComment', { parent: () => Article })
class Comment {
  @StrId() id!: string;
  @Field() body!: string;
}

@Table('ckNote', { parent: () => Comment })
class Note {
  @StrId() id!: string;
}

@Table('ckSelf', { parent: () => Self })
class Self {
  @StrId() id!: string;
}

@Table('ckOdd', { typeIndex: 'some' as never })
class Odd {
  @StrId() @Field() id!: string;
}

@Table('ckLoose', { typeIndex: 'none' })
class Loose {
  @StrId() id!: string;
}

describe('child keys', () => {
  const meta = getEntityMetadata(Comment);

  it("put a child in its parent's partition, under <type>#<id>, and read both ids back", () => {
    const key = primaryKeyOf(meta, 'c#1', 'how#to');
    expect(key).toEqual({ PK: { S: 'ckArticle#how#to' }, SK: { S: 'ckComment#c#1' } });
    expect(strIdOfItem(meta, key)).toBe('c#1');
    expect(parentStrIdOfItem(meta, key)).toBe('how#to');
    expect(primaryKeyOf(getEntityMetadata(Article), 'how#to').PK).toEqual(key.PK);
  });

  it('never compose one key from two different (parent, child type, id) triples, nor the key of a parent', () => {
    const text = fc.string({ unit: fc.constantFrom('#', 'a', 'ckComment', 'ckArticle', '', ' '), minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(text, text, text, text, (p1, c1, p2, c2) => {
        const a = primaryKeyOf(meta, c1, p1);
        const b = primaryKeyOf(meta, c2, p2);
        const same = a.PK?.S === b.PK?.S && a.SK?.S === b.SK?.S;
        expect(same).toBe(p1 === p2 && c1 === c2);
        const parent = primaryKeyOf(getEntityMetadata(Article), p2);
        expect(a.SK?.S === parent.SK?.S && a.PK?.S === parent.PK?.S).toBe(false);
      }),
    );
  });

  it('bound a child str id by the 1024-byte sort key minus its prefix', () => {
    expect(maxStrIdBytes(meta)).toBe(1024 - 'ckComment#'.length);
    expect(strIdProblem(meta, 'a'.repeat(1014))).toBeUndefined();
    expect(strIdProblem(meta, 'a'.repeat(1015))).toMatch(/1015 bytes.*at most 1014/);
    expect(childSortKeyOf('ckComment', 'x')).toBe('ckComment#x');
  });

  it('refuse a parent that is a child itself, the class itself, and an unknown typeIndex; a top-level type may be in none', () => {
    expect(() => getEntityMetadata(Note)).toThrow(MetadataError);
    expect(() => getEntityMetadata(Note)).toThrow(/Comment is a child type itself/);
    expect(() => getEntityMetadata(Self)).toThrow(/is the class itself/);
    expect(getEntityMetadata(Loose).typeIndex).toBe('none');
    expect(() => getEntityMetadata(Odd)).toThrow(/typeIndex must be 'all', 'keys' or 'none'/);
  });
});

describe('exact bounds of raw string keys (DynamoDB compares UTF-8 bytes)', () => {
  const MAX = 24;
  const unit = fc.constantFrom('\u0000', '\u0001', 'a', 'b', '\u007f', '\u0080', '\u07ff', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}');
  const key = fc.string({ unit, maxLength: 5 }).filter((s) => Buffer.byteLength(s, 'utf8') <= MAX);

  it('the least key above v and the greatest bounded key below v select exactly the keys > v and < v', () => {
    fc.assert(
      fc.property(key, key, (k, v) => {
        expect(compareUtf8(k, v) > 0).toBe(compareUtf8(k, leastKeyAbove(v)) >= 0);
        const below = greatestKeyBelow(v, MAX);
        if (below === undefined) expect(v).toBe('');
        else {
          expect(Buffer.byteLength(below, 'utf8')).toBeLessThanOrEqual(MAX);
          expect(isWellFormed(below)).toBe(true);
          expect(compareUtf8(k, v) < 0).toBe(compareUtf8(k, below) <= 0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('step down across the surrogate gap and across U+0000', () => {
    expect(greatestKeyBelow('a\ue000', 4)).toBe('a\ud7ff');
    expect(greatestKeyBelow('ab\u0000', 10)).toBe('ab');
    expect(greatestKeyBelow('b', 8)).toBe('a\u{10ffff}\uffff');
  });
});
