/**
 * The README's TypeScript blocks are compiled and run in consumer projects by
 * scripts/readme-examples/run.mjs (CI: `npm run test:readme`). These tests keep the README's markers
 * complete (a new block without one fails here, in the fast suite) and pin the transformations the
 * runner applies for each module system.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Marker { program: string; file: string; fragment: boolean; entry: boolean; setup: string }
interface Block { line: number; lang: string; code: string; marker?: Marker }
interface ProgramFile { parts: string[]; fragments: string[] }
interface Program { name: string; files: Map<string, ProgramFile>; entries: string[] }

// eslint-disable-next-line @typescript-eslint/no-require-imports
const blocks = require('../../scripts/readme-examples/blocks.cjs') as {
  readBlocks(readme: string): Block[];
  markerProblems(blocks: Block[]): string[];
  programsOf(blocks: Block[]): Map<string, Program>;
  renderFile(file: ProgramFile, flavor: 'cjs' | 'esm'): string;
  hasTopLevelAwait(code: string): boolean;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const quickstart = require('../../scripts/readme-examples/quickstart-output.cjs') as {
  expectedQuickstartOutput(readme: string): string | undefined;
  quickstartProblems(readme: string, stdout: string): string[];
};

const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README markers', () => {
  it('marks every TypeScript block of the README as a program part or a fragment', () => {
    const all = blocks.readBlocks(README);
    expect(all.filter((block) => block.lang === 'ts').length).toBeGreaterThan(30);
    expect(blocks.markerProblems(all)).toEqual([]);
  });

  it('gives every program a file to run', () => {
    for (const program of blocks.programsOf(blocks.readBlocks(README)).values()) {
      expect({ program: program.name, runs: program.entries.length > 0 }).toEqual({ program: program.name, runs: true });
    }
  });

  it('reports a TypeScript block without a marker, and a marker on another language', () => {
    const readme = ['```ts', 'const a = 1;', '```', '', '<!-- example: x -->', '```bash', 'ls', '```'].join('\n');
    const problems = blocks.markerProblems(blocks.readBlocks(readme));
    expect(problems).toEqual([
      'README.md:1: a TypeScript block without an <!-- example: ... --> marker',
      'README.md:5: an example marker on a bash block',
    ]);
  });

  it('reads options and hidden setup lines, and drops a marker separated from its block by text', () => {
    const readme = [
      '<!-- example: nest, file=a/b.ts, entry',
      'const hidden = 1;',
      '-->',
      '```ts',
      'console.log(hidden);',
      '```',
      '<!-- example: lost -->',
      'Some prose.',
      '```ts',
      'x;',
      '```',
    ].join('\n');
    const [first, second] = blocks.readBlocks(readme);
    expect(first.marker).toEqual({ program: 'nest', file: 'a/b.ts', fragment: false, entry: true, setup: 'const hidden = 1;' });
    expect(second.marker).toBeUndefined();
  });

  it('refuses an unknown marker option', () => {
    expect(() => blocks.readBlocks('<!-- example: x, fragmnet -->\n```ts\n```')).toThrow('Unknown example marker option "fragmnet"');
  });
});

describe('rendering a program file', () => {
  const file = (parts: string[], fragments: string[] = []): ProgramFile => ({ parts, fragments });

  it('wraps top-level await in main() for CommonJS, with every import hoisted above it', () => {
    const source = blocks.renderFile(file(["import { a } from './a';\nconst x = await a();", "import b from 'b';\nb(x);"]), 'cjs');
    expect(source.indexOf("import b from 'b';")).toBeLessThan(source.indexOf('async function main()'));
    expect(source).toMatch(/async function main\(\): Promise<void> \{[\s\S]*const x = await a\(\);[\s\S]*b\(x\);[\s\S]*\}\nmain\(\)\.catch/);
    expect(source).toContain("import { a } from './a';");
  });

  it('leaves CommonJS code without top-level await unwrapped, exports included', () => {
    const source = blocks.renderFile(file(["import { Module } from '@nestjs/common';\n@Module({})\nexport class AppModule {}"]), 'cjs');
    expect(source).not.toContain('async function main');
    expect(source).toContain('export class AppModule {}');
  });

  it('refuses CommonJS code that both awaits at the top level and exports', () => {
    expect(() => blocks.renderFile(file(['export const a = await Promise.resolve(1);']), 'cjs')).toThrow('cannot also export');
  });

  it('adds .js to relative imports only, for ESM', () => {
    const source = blocks.renderFile(file(["import { A } from './users/a';\nimport { B } from '../b.js';\nimport { C } from 'dynamo-single-table';\nA; B; C;"]), 'esm');
    expect(source).toContain("from './users/a.js'");
    expect(source).toContain("from '../b.js'");
    expect(source).not.toContain('../b.js.js');
    expect(source).toContain("from 'dynamo-single-table'");
    expect(source).not.toContain('async function main');
  });

  it('turns a fragment into a function that is never called, in the scope of the program', () => {
    const source = blocks.renderFile(file(['const em = 1;\nawait Promise.resolve(em);'], ["import { x } from 'x';\nconst em = 2;\nx(em);"]), 'cjs');
    const main = source.slice(source.indexOf('async function main'));
    expect(main).toMatch(/async function readmeFragment1\(\): Promise<void> \{\n+const em = 2;\nx\(em\);\n\}/);
    expect(source).not.toMatch(/readmeFragment1\(\);/);
    expect(source.indexOf("import { x } from 'x';")).toBeLessThan(source.indexOf('async function main'));
  });

  it('tells top-level await from await inside functions', () => {
    expect(blocks.hasTopLevelAwait('const a = async () => { await b(); };')).toBe(false);
    expect(blocks.hasTopLevelAwait('class A { async m() { await b(); } }')).toBe(false);
    expect(blocks.hasTopLevelAwait('for await (const x of y) {}')).toBe(true);
    expect(blocks.hasTopLevelAwait('if (a) { await b(); }')).toBe(true);
  });
});

describe('the quickstart output block', () => {
  const expected = quickstart.expectedQuickstartOutput(README);

  it('is in the README', () => {
    expect(expected).toContain('- created john_doe');
  });

  it('matches a run that differs only in port, uids and times', () => {
    const run = expected!
      .replace(/127\.0\.0\.1:\d+/, '127.0.0.1:54321')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, '01234567-89ab-7def-8123-456789abcdef')
      .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/, '2030-01-01T00:00:00.000Z');
    expect(quickstart.quickstartProblems(README, `${run}\n`)).toEqual([]);
  });

  it('reports a line that differs, and a missing line', () => {
    const lines = expected!.split('\n');
    const changed = [lines[0], lines[1].replace('created', 'found'), ...lines.slice(2, -1)].join('\n');
    const problems = quickstart.quickstartProblems(README, changed);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('output line 2');
    expect(problems[1]).toContain(`output line ${lines.length}`);
  });
});
