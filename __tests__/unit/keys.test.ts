import 'reflect-metadata';
import { isUid, maxStrIdBytes, newUid, partitionKeyOf, primaryKeyOf, strIdProblem } from '../../src/keys';
import { getEntityMetadata } from '../../src/metadata';
import { Field, StrId, Table } from '../../src/decorators';

@Table('user')
class User {
  @StrId() username!: string;
  @Field() email?: string;
}

@Table('user-profile')
class UserProfile {
  @StrId() name!: string;
}

describe('key composition', () => {
  const meta = getEntityMetadata(User);

  it('puts the type name and the str id in the partition key and the type in the sort key', () => {
    expect(primaryKeyOf(meta, 'john_doe')).toEqual({ PK: { S: 'user#john_doe' }, SK: { S: 'user' } });
  });

  it('keeps ids that contain the separator, or look like another type, apart', () => {
    // "profile#x" under type "user" must not meet id "x" under a type "user#profile" (such a type name is refused).
    const ids = ['a#b', 'a', '#', '##', 'profile#x', 'x#user', 'é', '😀#😀', ' '];
    const keys = new Set(ids.map((id) => partitionKeyOf('user', id)));
    expect(keys.size).toBe(ids.length);
    expect(partitionKeyOf('user', '-profile#x')).not.toBe(partitionKeyOf('user-profile', 'x'));
    for (const id of ids) expect(partitionKeyOf('user', id).slice('user#'.length)).toBe(id);
  });

  it('bounds the str id by the 2048-byte partition key minus the type prefix', () => {
    expect(maxStrIdBytes({ typeName: 'user', parent: undefined })).toBe(2048 - 5);
    expect(strIdProblem(meta, 'a'.repeat(2043))).toBeUndefined();
    expect(strIdProblem(meta, 'a'.repeat(2044))).toMatch(/2044 bytes.*at most 2043/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const euro = '€'; // 3 bytes
    expect(strIdProblem(meta, euro.repeat(681))).toBeUndefined(); // 2043 bytes
    expect(strIdProblem(meta, euro.repeat(681) + 'a')).toMatch(/2044 bytes/);
    expect(strIdProblem(meta, '😀'.repeat(511))).toMatch(/2044 bytes/);
  });

  it('refuses missing, empty and non-string ids', () => {
    expect(strIdProblem(meta, undefined)).toMatch(/username is required/);
    expect(strIdProblem(meta, null)).toMatch(/username is required/);
    expect(strIdProblem(meta, '')).toMatch(/must not be empty/);
    expect(strIdProblem(meta, 42)).toMatch(/must be a string, got number/);
  });

  it('uses the type name of each class', () => {
    expect(primaryKeyOf(getEntityMetadata(UserProfile), 'x')).toEqual({ PK: { S: 'user-profile#x' }, SK: { S: 'user-profile' } });
  });
});

describe('uid (UUIDv7)', () => {
  it('is a version 7, variant 1 UUID carrying the creation millisecond', () => {
    const uid = newUid(Date.UTC(2026, 10, 25));
    expect(isUid(uid)).toBe(true);
    expect(uid[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(uid[19]);
    expect(parseInt(uid.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 25));
  });

  it('is strictly increasing within one process, even within one millisecond', () => {
    const now = Date.now() + 10_000;
    const uids = Array.from({ length: 5000 }, () => newUid(now));
    const sorted = [...uids].sort();
    expect(new Set(uids).size).toBe(5000);
    expect(sorted).toEqual(uids);
  });

  it('recognises only canonical lower-case UUIDs', () => {
    expect(isUid('01a212e1-f9cb-7000-8e3e-c64da6114a1c')).toBe(true);
    expect(isUid('01A212E1-F9CB-7000-8E3E-C64DA6114A1C')).toBe(false);
    expect(isUid('not-a-uuid')).toBe(false);
    expect(isUid(undefined)).toBe(false);
  });
});
