import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsEmail } from 'class-validator';
import { Field, StrId, Table } from '../../src/decorators';
import { MetadataError } from '../../src/errors';
import { BaseEntity } from '../../src/manager';
import { getEntityMetadata } from '../../src/metadata';
import type { ValueType } from '../../src/metadata';

function typeOf(target: abstract new () => object, property: string): ValueType | undefined {
  return getEntityMetadata(target).shape.fields.find((f) => f.property === property)?.type;
}

describe('entity metadata', () => {
  it('infers field types from design:type and @Field({ type })', () => {
    class Address {
      @Field() city!: string;
    }
    @Table('meta-types')
    class Sample {
      @StrId() id!: string;
      @Field() n!: number;
      @Field() b!: boolean;
      @Field() d!: Date;
      @Field({ dateFormat: 'epochSeconds' }) expiresAt!: Date;
      @Field() big!: bigint;
      @Field() anything!: Record<string, unknown>;
      @Field() list!: string[];
      @Field({ type: () => Address }) addresses!: Address[];
      @Field() address!: Address;
    }
    expect(getEntityMetadata(Sample).strIdProperty).toBe('id');
    expect(typeOf(Sample, 'id')).toEqual({ kind: 'string' });
    expect(typeOf(Sample, 'n')).toEqual({ kind: 'number' });
    expect(typeOf(Sample, 'b')).toEqual({ kind: 'boolean' });
    expect(typeOf(Sample, 'd')).toEqual({ kind: 'date', format: 'iso' });
    expect(typeOf(Sample, 'expiresAt')).toEqual({ kind: 'date', format: 'epochSeconds' });
    expect(typeOf(Sample, 'big')).toEqual({ kind: 'bigint' });
    expect(typeOf(Sample, 'anything')).toEqual({ kind: 'any' });
    expect(typeOf(Sample, 'list')).toEqual({ kind: 'array', element: { kind: 'any' } });
    const addresses = typeOf(Sample, 'addresses');
    expect(addresses?.kind === 'array' && addresses.element.kind === 'class' && addresses.element.shape.className).toBe('Address');
    expect(typeOf(Sample, 'address')?.kind).toBe('class');
  });

  it("honours class-transformer's @Type for nested classes", () => {
    class Tag {
      @Field() label!: string;
    }
    @Table('meta-ct-type')
    class Post {
      @StrId() slug!: string;
      @Field() @Type(() => Tag) tags!: Tag[];
    }
    const tags = typeOf(Post, 'tags');
    expect(tags?.kind === 'array' && tags.element.kind).toBe('class');
  });

  it('inherits fields from parent classes, and a subclass may declare the str id', () => {
    abstract class Timestamped {
      @Field() createdAt: Date = new Date();
    }
    @Table('meta-inherit')
    class Article extends Timestamped {
      @StrId() slug!: string;
      @Field() title!: string;
    }
    expect(getEntityMetadata(Article).shape.fields.map((f) => f.property).sort()).toEqual(['createdAt', 'slug', 'title']);
  });

  it('resolves classes that contain themselves', () => {
    class Comment {
      @Field() text!: string;
      @Field({ type: () => Comment }) replies: Comment[] = [];
    }
    @Table('meta-tree')
    class Thread {
      @StrId() id!: string;
      @Field() root!: Comment;
    }
    const root = typeOf(Thread, 'root');
    expect(root?.kind === 'class' && root.shape.fields.map((f) => f.property)).toEqual(['text', 'replies']);
  });

  it('counts class-validator constraints once, at build time', () => {
    @Table('meta-validated')
    class Validated {
      @StrId() id!: string;
      @Field() @IsEmail() email!: string;
    }
    @Table('meta-unvalidated')
    class Unvalidated {
      @StrId() id!: string;
    }
    expect(getEntityMetadata(Validated).hasValidators).toBe(true);
    expect(getEntityMetadata(Unvalidated).hasValidators).toBe(false);
  });
});

describe('metadata errors name the class, the property and the fix', () => {
  function expectMetadataError(target: unknown, pattern: RegExp): void {
    expect(() => getEntityMetadata(target as new () => object)).toThrow(MetadataError);
    expect(() => getEntityMetadata(target as new () => object)).toThrow(pattern);
  }

  it('a class without @Table', () => {
    class Plain {
      @StrId() id!: string;
    }
    expectMetadataError(Plain, /Plain is not an entity: decorate it with @Table/);
  });

  it('not a class at all', () => {
    expectMetadataError({}, /Expected an entity class/);
  });

  it('no @StrId, or two', () => {
    @Table('meta-no-id')
    class NoId {
      @Field() name!: string;
    }
    @Table('meta-two-ids')
    class TwoIds {
      @StrId() a!: string;
      @StrId() b!: string;
    }
    expectMetadataError(NoId, /NoId has no @StrId\(\) property; exactly one string property/);
    expectMetadataError(TwoIds, /TwoIds has 2 @StrId\(\) properties \(a, b\)/);
  });

  it('a str id that is not a string', () => {
    @Table('meta-num-id')
    class NumId {
      @StrId() id!: number;
    }
    expectMetadataError(NumId, /NumId.id is the @StrId\(\) but is not a string/);
  });

  it.each(['', 'user#1', 'user.email', '1user', 'a'.repeat(65), 'with space'])('type name %j', (typeName) => {
    @Table(typeName)
    class BadName {
      @StrId() id!: string;
    }
    expectMetadataError(BadName, /a type name is 1-64 characters/);
  });

  it('a type name used by two classes', () => {
    @Table('meta-dup')
    class First {
      @StrId() id!: string;
    }
    @Table('meta-dup')
    class Second {
      @StrId() id!: string;
    }
    expectMetadataError(Second, /"meta-dup".*used by both First and Second/);
    expectMetadataError(First, /used by both/);
  });

  it.each(['PK', 'SK', '_type', 'uid', 'version', '_writeId'])('a field named like the reserved attribute %s', (name) => {
    @Table(`meta-reserved-${name.replace(/_/g, '')}`)
    class Reserved {
      @StrId() id!: string;
    }
    Field()(Reserved.prototype, name);
    expectMetadataError(Reserved, new RegExp(`Reserved.${name} collides with the reserved attribute`));
  });

  it('a field that would shadow an Active Record method', () => {
    @Table('meta-shadow')
    class Shadow extends BaseEntity {
      @StrId() id!: string;
      // TypeScript rejects `save!: string` here; `any` (or plain JavaScript) gets through, so the library checks too.
       
      @Field() save!: any;
    }
    expectMetadataError(Shadow, /Shadow.save would shadow BaseEntity.prototype.save\(\).*useDefineForClassFields/);
  });

  it('a type that cannot be inferred (no emitDecoratorMetadata)', () => {
    @Table('meta-no-design-type')
    class NoDesignType {
      @StrId() id!: string;
    }
    // What a compiler without emitDecoratorMetadata (esbuild, tsx) leaves: a decorator and no design:type.
    Field()(NoDesignType.prototype, 'mystery');
    expectMetadataError(NoDesignType, /Cannot infer the type of NoDesignType.mystery. Enable "emitDecoratorMetadata"/);
  });

  it('unsupported types (Map, Set)', () => {
    @Table('meta-map')
    class WithMap {
      @StrId() id!: string;
      @Field() lookup!: Map<string, string>;
    }
    expectMetadataError(WithMap, /WithMap.lookup is a Map, which cannot be stored/);
  });

  it('a nested class without @Field properties, every time it is used', () => {
    class Bare {
      city!: string;
    }
    @Table('meta-bare')
    class HasBare {
      @StrId() id!: string;
      @Field() bare!: Bare;
    }
    expectMetadataError(HasBare, /Bare is used as a nested type but has no @Field\(\) properties/);
    expectMetadataError(HasBare, /Bare is used as a nested type/);
  });

  it('@Field on a static member', () => {
    expect(() => {
      class Static {
        @Field() static nope: string;
      }
      return Static;
    }).toThrow(/go on instance properties, not on static members \(class Static\)/);
  });
});
