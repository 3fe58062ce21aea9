import 'reflect-metadata';
import { InvalidArgumentError } from '../../src/errors';
import { decodeCursor, encodeCursor, maxStrIdBytes, newUid, strIdProblem } from '../../src/keys';
import { getEntityMetadata } from '../../src/metadata';
import { StrId, Table } from '../../src/decorators';

@Table('user')
class User {
  @StrId() username!: string;
}

const meta = () => getEntityMetadata(User);
/** A cursor as a client could forge it: any JSON array of strings, base64url-encoded. */
const forge = (...parts: string[]) => Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');

describe('cursors', () => {
  it('round-trip the position of the last entity returned', () => {
    const position = { strId: 'a#b😀', uid: newUid() };
    expect(decodeCursor(encodeCursor('typeIndex', position, meta()), meta(), 'typeIndex')).toEqual(position);
    expect(decodeCursor(encodeCursor('scan', { strId: 'x' }, meta()), meta(), 'scan')).toEqual({ strId: 'x' });
  });

  it('round-trip the longest str id, even one that JSON escapes six-fold', () => {
    const longest = '\u0001'.repeat(maxStrIdBytes({ typeName: 'user', parent: undefined }));
    const position = { strId: longest, uid: newUid() };
    expect(decodeCursor(encodeCursor('typeIndex', position, meta()), meta(), 'typeIndex')).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64 JSON', 'hello world'],
    ['a number', 42],
    ['JSON of the wrong shape', Buffer.from('{"a":1}').toString('base64url')],
    ['an empty id', Buffer.from('["",""]').toString('base64url')],
  ])('refuse %s with InvalidArgumentError', (_, cursor) => {
    expect(() => decodeCursor(cursor, meta(), 'typeIndex')).toThrow(InvalidArgumentError);
  });

  it('refuse a scan cursor for a query and the reverse', () => {
    expect(() => decodeCursor(encodeCursor('scan', { strId: 'x' }, meta()), meta(), 'typeIndex')).toThrow(/another kind of listing/);
    expect(() => decodeCursor(encodeCursor('typeIndex', { strId: 'x', uid: newUid() }, meta()), meta(), 'scan')).toThrow(/another kind of listing/);
  });
});

describe('forged cursors (regression: they reached DynamoDB and came back as a 500)', () => {
  const uid = newUid();
  const overLimit = 'x'.repeat(maxStrIdBytes({ typeName: 'user', parent: undefined }) + 1);

  it.each([
    ['query: a 2,100-byte str id', forge('x'.repeat(2100), uid), 'typeIndex', /its username is 2100 bytes in UTF-8; User ids may be at most 2043 bytes/],
    ['query: a str id one byte over the limit', forge(overLimit, uid), 'typeIndex', /its username is 2044 bytes/],
    ['query: a str id over the limit in 3-byte characters', forge('€'.repeat(700), uid), 'typeIndex', /its username is 2100 bytes/],
    ['query: a 1,100-character uid', forge('ada', 'u'.repeat(1100)), 'typeIndex', /its uid is not a lower-case UUID/],
    ['query: an upper-case uid', forge('ada', uid.toUpperCase()), 'typeIndex', /its uid is not a lower-case UUID/],
    ['query: a uid with a trailing newline', forge('ada', `${uid}\n`), 'typeIndex', /its uid is not a lower-case UUID/],
    ['scan: a 2,100-byte str id', forge('x'.repeat(2100)), 'scan', /its username is 2100 bytes/],
  ] as const)('%s', (_label, cursor, kind, message) => {
    const error = (() => {
      try {
        decodeCursor(cursor, meta(), kind);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).entity).toBe('User');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^Invalid cursor for User: .*Pass back the cursor a (query|scan)\(\) of User returned, unchanged\.$/);
  });

  it('accepts a str id of exactly the limit', () => {
    const atLimit = 'x'.repeat(maxStrIdBytes({ typeName: 'user', parent: undefined }));
    expect(decodeCursor(forge(atLimit), meta(), 'scan')).toEqual({ strId: atLimit });
  });

  it('refuses a str id with a lone surrogate exactly when the str id rule does (one rule for ids everywhere)', () => {
    const lone = 'a\ud800b';
    const rule = strIdProblem(meta(), lone);
    const decode = () => decodeCursor(forge(lone), meta(), 'scan');
    if (rule === undefined) expect(decode()).toEqual({ strId: lone });
    else expect(decode).toThrow(`Invalid cursor for User: its ${rule}.`);
  });
});
