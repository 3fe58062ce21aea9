// @ts-check
// Flat config: typescript-eslint's recommended rules (syntax only, no type information needed,
// so linting stays fast and does not depend on a build).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** The Node globals our plain JS files use (the `globals` package is not a direct dependency). */
const nodeGlobals = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'setTimeout', 'clearTimeout', 'setImmediate', 'URL'].map(
    (name) => [name, 'readonly'],
  ),
);

export default defineConfig(
  {
    // .scratch/ holds throwaway experiments; bench/.build is the benchmark's tsc output.
    ignores: ['dist/**', '**/node_modules/**', '.examples-build/**', '.cost-audit-build/**', 'coverage/**', '.data/**', '.scratch/**', 'bench/.build/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // Lets consistent-type-imports see that a class used as a decorated constructor parameter's
      // type is needed at run time (emitDecoratorMetadata references it): Nest injection relies on it.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    rules: {
      // We write `import type` for types, so type-only imports vanish from the emitted JS.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Library code must never write to the console: callers own their logs.
    files: ['src/**/*.ts'],
    rules: {
      'no-console': 'error',
    },
  },
  {
    files: ['__tests__/**/*.ts', 'examples/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Plain Node scripts and CommonJS config/reporter files.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: nodeGlobals,
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
