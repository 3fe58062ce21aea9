// @ts-check
/**
 * Two projects: `unit` (no I/O) and `integration` (real engines, see __tests__/support/engines.ts).
 *   npm test                      both
 *   npm run test:unit             jest --selectProjects unit
 *   npm run test:integration      jest --selectProjects integration
 *   DYNAMODB_ENGINES=dynalite npm test      only some engine lanes
 * The library imports reflect-metadata itself, so there is deliberately no setupFiles entry for it.
 */
'use strict';

// The AWS SDK warns on every test file that Node 20 support ends in 2027; that is not test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
const shared = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Also set at the top level: depending on the Jest version either one is honoured.
  testTimeout: 30_000,
  // Mirrors tsconfig "paths": tests may import the public package names and get the sources.
  moduleNameMapper: {
    '^dynamo-single-table$': '<rootDir>/src/index.ts',
    '^dynamo-single-table/(.*)$': '<rootDir>/src/$1',
  },
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
      // Runs only when at least one integration test is selected.
      globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
    },
  ],
  testTimeout: 30_000,
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/__tests__/support/summary-reporter.js'],
  collectCoverageFrom: ['<rootDir>/src/**/*.ts', '!<rootDir>/src/**/*.d.ts'],
  coverageDirectory: '<rootDir>/coverage',
};
