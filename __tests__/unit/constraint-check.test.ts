import 'reflect-metadata';
import {
  ArrayMaxSize,
  IsDefined,
  IsEmail,
  IsInt,
  IsOptional,
  Length,
  Min,
  registerDecorator,
  validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
} from 'class-validator';
import type { ValidatorConstraintInterface } from 'class-validator';
import { constraintsHold } from '../../src/marshalling/constraint-check';
import { classValidatorViolations } from '../../src/marshalling/validation';

/**
 * The fast path may only ever say "valid" where class-validator finds no violation; wherever it says
 * "not shown valid", class-validator runs and reports. Each case is checked against class-validator.
 */
const OPTIONS = { forbidUnknownValues: false };

async function agrees(object: object): Promise<boolean> {
  const valid = (await validate(object, OPTIONS)).length === 0;
  const fast = constraintsHold(object);
  if (fast && !valid) throw new Error(`fast path accepted an invalid ${object.constructor.name}`);
  return fast === valid;
}

class Address {
  @Length(1, 10) city!: string;
  @IsOptional() @Length(5, 5) zip?: string;
}

class Person {
  @Length(1, 20) name!: string;
  @IsEmail() email!: string;
  @IsOptional() @IsInt() @Min(0) age?: number;
  @IsDefined() id!: unknown;
  @ValidateIf((person: Person) => person.name !== 'skip') @Min(10) score?: number;
  @Length(1, 3, { each: true }) @ArrayMaxSize(3) tags: unknown = ['a'];
  @IsOptional() @ValidateNested() address?: unknown;
  @IsOptional() @ValidateNested() addresses?: unknown;
}

class Employee extends Person {
  @IsInt() badge!: number;
}

function person(overrides: Record<string, unknown> = {}): Person {
  const address = Object.assign(new Address(), { city: 'Paris' });
  return Object.assign(new Person(), { name: 'ann', email: 'ann@example.com', id: 1, score: 12, address }, overrides);
}

const address = (city: unknown): Address => Object.assign(new Address(), { city });

describe('constraintsHold agrees with class-validator', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['a valid object', {}],
    ['an invalid email', { email: 'nope' }],
    ['a missing required value', { name: undefined }],
    ['an optional value left out', { age: undefined }],
    ['an optional value set to null', { age: null }],
    ['an invalid optional value', { age: -1 }],
    ['@IsDefined with null', { id: null }],
    ['@ValidateIf off', { name: 'skip', score: 1 }],
    ['@ValidateIf on', { score: 1 }],
    ['each over an array', { tags: ['a', 'bb'] }],
    ['each with a bad element', { tags: ['a', 'toolong'] }],
    ['each over a Set', { tags: new Set(['a', 'b']) }],
    ['each over a Set with a bad element', { tags: new Set(['toolong']) }],
    ['each over a Map', { tags: new Map([['k', 'a']]) }],
    ['each on a non-collection', { tags: 'ab' }],
    ['a nested invalid object', { address: address('') }],
    ['a nested plain object', { address: { city: '' } }],
    ['a nested null', { address: null }],
    ['a nested primitive', { address: 'Paris' }],
    ['nested arrays of valid objects', { addresses: [address('Rome'), [address('Oslo')]] }],
    ['nested arrays with an invalid object', { addresses: [address('Rome'), address('')] }],
    ['nested arrays with a primitive', { addresses: [address('Rome'), 3] }],
    ['a nested Set', { addresses: new Set([address('Rome')]) }],
    ['a nested Map with an invalid value', { addresses: new Map([['a', address('')]]) }],
  ];
  it.each(cases)('%s', async (_name, overrides) => {
    expect(await agrees(person(overrides))).toBe(true);
  });

  it('applies inherited constraints', async () => {
    const employee = Object.assign(new Employee(), person(), { badge: 3 });
    expect(await agrees(employee)).toBe(true);
    expect(constraintsHold(employee)).toBe(true);
    employee.email = 'nope';
    expect(await agrees(employee)).toBe(true);
  });

  it('checks only the given properties when asked', async () => {
    const partial = Object.assign(Object.create(Person.prototype) as Person, { email: 'ann@example.com' });
    expect(constraintsHold(partial)).toBe(false);
    expect(constraintsHold(partial, new Set(['email']))).toBe(true);
    expect(constraintsHold(partial, new Set(['email', 'name']))).toBe(false);
    expect(await classValidatorViolations(partial, new Set(['email']))).toEqual([]);
  });
});

describe('constraintsHold leaves to class-validator what it does not model', () => {
  it('never accepts for a class with an async constraint', async () => {
    @ValidatorConstraint({ async: true })
    class AlwaysLater implements ValidatorConstraintInterface {
      validate(): Promise<boolean> {
        return Promise.resolve(true);
      }
    }
    class Checked {
      @Length(1, 5) name = 'ok';
      @IsOptional() value?: string;
    }
    registerDecorator({ target: Checked, propertyName: 'value', constraints: [], validator: AlwaysLater });
    expect(constraintsHold(new Checked())).toBe(false);
    expect(await classValidatorViolations(new Checked())).toEqual([]);
  });

  it('does not take a promise returned by an undeclared async validator as a verdict', async () => {
    class Later {
      value = 'x';
    }
    registerDecorator({
      target: Later,
      propertyName: 'value',
      constraints: [],
      validator: { validate: () => Promise.resolve(false) },
    });
    expect(constraintsHold(new Later())).toBe(false);
    expect(await classValidatorViolations(new Later())).toHaveLength(1);
  });

  it('reports violations through class-validator, unchanged', async () => {
    expect(await classValidatorViolations(person({ email: 'nope', address: address('') }))).toEqual([
      { property: 'email', constraints: { isEmail: 'email must be an email' } },
      { property: 'address.city', constraints: { isLength: 'city must be longer than or equal to 1 characters' } },
    ]);
  });
});
