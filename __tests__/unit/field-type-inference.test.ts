import 'reflect-metadata';
import { Field, StrId, Table } from '../../src/decorators';
import { MetadataError } from '../../src/errors';
import { incrementAmount } from '../../src/manager/actions/entity-checks';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { getEntityMetadata } from '../../src/metadata';
import type { Constructor } from '../../src/metadata';

/**
 * Fields declared without a type annotation (`@Field() hits = 0`): TypeScript's design:type says
 * Object, so the type comes from the default value of an instance made with no arguments.
 */
@Table('fiCounter')
class Counter {
  @StrId() id!: string;
  // The annotations are left out on purpose: design:type is then Object for each of these.
  @Field() hits = 0;
  @Field() label = '';
  @Field() active = false;
  @Field() big = 10n;
  @Field() seenAt = new Date(0);
  @Field() extra = { a: 1 };
  @Field() nothing: unknown;
}

@Table('fiNeedsArgs')
class NeedsArgs {
  @StrId() id!: string;
  @Field() score = 0;
  constructor(required: { score: number }) {
    this.score = required.score;
  }
}

describe('field types from default values', () => {
  const kinds = (target: Constructor) =>
    Object.fromEntries(getEntityMetadata(target).shape.fields.map((field) => [field.property, field.type.kind]));

  it('infers string, number, bigint, boolean and Date from a default value; other defaults stay free-form', () => {
    expect(kinds(Counter)).toEqual({ id: 'string', hits: 'number', label: 'string', active: 'boolean', big: 'bigint', seenAt: 'date', extra: 'any', nothing: 'any' });
  });

  it('so an unannotated counter can be incremented, and a Date default reads back as a Date', () => {
    const mapper = EntityMapper.of(Counter);
    const entity = mapper.fromItem({ PK: { S: 'fiCounter#c' }, SK: { S: 'fiCounter' }, id: { S: 'c' }, hits: { N: '3' }, seenAt: { S: '2026-01-01T00:00:00.000Z' }, uid: { S: 'u' }, version: { N: '1' } });
    expect(entity.hits).toBe(3);
    expect(entity.seenAt).toEqual(new Date('2026-01-01T00:00:00.000Z'));
    expect(incrementAmount(mapper, 'hits', 2)).toMatchObject({ amount: { N: '2' } });
    expect(() => incrementAmount(mapper, 'extra' as never, 2)).toThrow();
  });

  it('leaves the field free-form when the class cannot be constructed without arguments', () => {
    expect(kinds(NeedsArgs).score).toBe('any');
  });
});

describe('a Set or Map property is refused whatever type names its elements', () => {
  it('@Field({ type: () => String }) on a Set is the same MetadataError as without type', () => {
    @Table('fiTags')
    class Tags {
      @StrId() id!: string;
      @Field({ type: () => String }) tags!: Set<string>;
    }
    expect(() => getEntityMetadata(Tags)).toThrow(MetadataError);
    expect(() => getEntityMetadata(Tags)).toThrow(/Tags\.tags is a Set, which cannot be stored/);
  });
});
