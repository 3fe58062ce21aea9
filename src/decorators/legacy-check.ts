import { MetadataError } from '../errors';

/**
 * The decorators of this library (like class-validator's and class-transformer's) are TypeScript's
 * legacy decorators. Without `experimentalDecorators`, TypeScript 5+ applies them as standard
 * decorators, which pass a context object `{ kind, name, ... }` where a property name (or nothing)
 * was expected: that is refused here with the fix, instead of a TypeError deep inside.
 */
export function refuseStandardDecorator(decorator: string, context: unknown): void {
  if (typeof context !== 'object' || context === null || !('kind' in context)) return;
  const name = (context as { name?: unknown }).name;
  throw new MetadataError(
    `@${decorator}()${typeof name === 'string' ? ` on ${name}` : ''} was applied as a standard (TC39) decorator. dynamo-single-table, ` +
      "class-validator and class-transformer use TypeScript's legacy decorators.",
    undefined,
    { hint: 'Set "experimentalDecorators": true and "emitDecoratorMetadata": true in the compilerOptions of tsconfig.json.' },
  );
}
