import 'reflect-metadata';
import { Field, Index, StrId, Table, Unique } from '../../src/decorators';
import { MetadataError } from '../../src/errors';
import { getRegistry } from '../../src/metadata';

/**
 * Compiled without `experimentalDecorators`, TypeScript 5+ calls decorators the standard way:
 * `(undefined, { kind: 'field', name })` for a field, `(Class, { kind: 'class', name })` for a class.
 * That is refused with the fix, and nothing is registered.
 */
describe('decorators applied as standard (TC39) decorators', () => {
  const fieldContext = { kind: 'field', name: 'email', static: false, private: false };
  const classContext = { kind: 'class', name: 'User' };
  class User {}
  type Standard = (value: unknown, context: object) => void;

  it.each([
    ['Field', () => (Field() as unknown as Standard)(undefined, fieldContext)],
    ['StrId', () => (StrId() as unknown as Standard)(undefined, fieldContext)],
    ['Unique', () => (Unique() as unknown as Standard)(undefined, fieldContext)],
    ['Table', () => (Table('user') as unknown as Standard)(User, classContext)],
    ['Index', () => (Index('byEmail', { partition: ['email'] }) as unknown as Standard)(User, classContext)],
  ])('@%s() names the tsconfig settings to enable, and registers nothing', (name, apply) => {
    const before = JSON.stringify([getRegistry().tables.length, getRegistry().fields.length, getRegistry().indexes.length]);
    expect(apply).toThrow(MetadataError);
    expect(apply).toThrow(new RegExp(`@${name}\\(\\).*standard \\(TC39\\) decorator.*"experimentalDecorators": true and "emitDecoratorMetadata": true`));
    expect(JSON.stringify([getRegistry().tables.length, getRegistry().fields.length, getRegistry().indexes.length])).toBe(before);
  });

  it('legacy application still works', () => {
    class Plain {}
    (Field() as unknown as (target: object, key: string) => void)(Plain.prototype, 'x');
    expect(getRegistry().fields.some((record) => record.target === Plain && record.property === 'x')).toBe(true);
  });
});
