import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { Field, StrId, Table } from '../../src';
import { newWriteId, WRITE_ID_LENGTH } from '../../src/keys/uid';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { itemSize } from '../../src/marshalling/item-size';
import { shiftedHistory } from '../../src/marshalling/stored-item';

type Item = Record<string, AttributeValue>;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

describe('write ids', () => {
  const ids = Array.from({ length: 100_000 }, () => newWriteId());

  it('are 11 base64url characters', () => {
    expect(WRITE_ID_LENGTH).toBe(11);
    const malformed = ids.filter((id) => !/^[A-Za-z0-9_-]{11}$/.test(id));
    expect(malformed).toEqual([]);
  });

  it('are all distinct over 100,000', () => {
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('take every one of the 64 characters at every position: 66 random bits, none constant or biased away', () => {
    for (let position = 0; position < WRITE_ID_LENGTH; position += 1) {
      const seen = new Set(ids.map((id) => id[position]));
      expect([position, seen.size]).toEqual([position, 64]);
    }
    // Each character about 100,000 / 64 = 1,562 times at the last position (the one made of fewest bits).
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id.charAt(10), (counts.get(id.charAt(10)) ?? 0) + 1);
    for (const char of BASE64URL) expect(counts.get(char)).toBeGreaterThan(1_300);
  });
});

@Table('note')
class Note {
  @StrId() id!: string;
  @Field() title!: string;
  @Field() body!: string;
  @Field() count = 0;
}

describe('bytes the write history adds to an item', () => {
  const notes = EntityMapper.of(Note);
  const USER_FIELDS = new Set(['id', 'title', 'body', 'count']);
  const userBytes = (item: Item) => itemSize(Object.fromEntries(Object.entries(item).filter(([name]) => USER_FIELDS.has(name))));
  /** An entity of exactly 1,000 bytes of fields, with a short str id. */
  const created = (): Item => {
    const body = 'x'.repeat(1000 - 'idn1titleA notebodycount'.length - 1);
    return notes.toItem(notes.build({ id: 'n1', title: 'A note', body }), { uid: '01a212e1-f9cb-7000-8e3e-c64da6114a1c', version: 1 });
  };
  /** The item after `n` updates, as the engine shifts the history (fields unchanged). */
  const afterUpdates = (item: Item, n: number): Item => {
    let next = item;
    for (let i = 0; i < n; i += 1) next = { ...next, ...shiftedHistory(next, newWriteId()), version: { N: String(i + 2) } };
    return next;
  };

  it('a 1,000-byte entity is 1,091 bytes after its create and 1,189 after 8 writes (1,092 and 1,197 with 12-character ids)', () => {
    const item = created();
    expect(userBytes(item)).toBe(1000);
    expect(itemSize(item)).toBe(1091);
    expect(itemSize(afterUpdates(item, 8))).toBe(1189);
    expect(itemSize(afterUpdates(item, 20))).toBe(1189); // no more after 20 writes: the history keeps 8 ids
  });
});
