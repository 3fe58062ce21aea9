// Compiles and runs every TypeScript block of README.md in scratch consumer projects that installed
// the packed library, as a new user would: CommonJS (node10 resolution on TypeScript 5.9, node16 on 7)
// and ESM (node16/nodenext), each compiled with TypeScript 5.9 and 7. Fragments are type-checked only.
// Programs run against a fresh embedded engine each: the AWS SDK's standard AWS_ENDPOINT_URL_DYNAMODB
// points the README's `new DynamoDBClient({ region })` at it. The quickstart (examples/quickstart.ts)
// runs too, and its output must match the README's expected output block.
//
//   node scripts/readme-examples/run.mjs [--git] [--no-build] [--keep] [--only=users,nest]
//     --git       the ESM consumer installs the library from this repository's git URL (HEAD) instead
//                 of the tarball (npm clones it and runs its prepare script): CI does this
//     --no-build  pack dist/ as it is (CI builds just before)
//     --keep      keep the scratch folder and print its path
// Exit status 1 on any failure; the last line is the summary.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { REPO, createConsumer, installTypeScript7, packLibrary, tsconfigFor } from './consumers.mjs';

const require = createRequire(import.meta.url);
const { markerProblems, programsOf, readBlocks, renderFile } = require('./blocks.cjs');
const { quickstartProblems } = require('./quickstart-output.cjs');
const { startLocalDynamoDB } = require(path.join(REPO, 'dist', 'cjs', 'testing', 'index.js'));

const args = process.argv.slice(2);
const option = (name) => args.includes(`--${name}`);
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
const log = (line) => process.stderr.write(`${line}\n`);
const PROGRAM_TIMEOUT_MS = 60_000;

function writeSources(consumerDir, programs, flavor) {
  for (const program of programs.values()) {
    for (const [file, parts] of program.files) {
      const target = path.join(consumerDir, 'src', program.name, file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, renderFile(parts, flavor));
    }
  }
  const quickstart = readFileSync(path.join(REPO, 'examples', 'quickstart.ts'), 'utf8');
  mkdirSync(path.join(consumerDir, 'src', 'quickstart'), { recursive: true });
  writeFileSync(path.join(consumerDir, 'src', 'quickstart', 'main.ts'), quickstart);
}

/** Adds to each compiler complaint the README block it comes from (the nearest `// README.md:N` above). */
function withReadmeLines(consumerDir, complaints) {
  return complaints.replace(/^(src\/[^(\s]+)\((\d+),\d+\)/gm, (match, file, line) => {
    const lines = readFileSync(path.join(consumerDir, file), 'utf8').split('\n').slice(0, Number(line));
    const origin = lines.reverse().find((text) => /^\/\/ README\.md:\d+$/.test(text));
    return origin ? `${match} [block at ${origin.slice(3)}]` : match;
  });
}

/** Compiles a consumer with one TypeScript; returns the compiler's complaints ('' when clean). */
function compile(consumerDir, flavor, major, tsc) {
  const configName = `tsconfig.ts${major}.json`;
  writeFileSync(path.join(consumerDir, configName), JSON.stringify(tsconfigFor(flavor, major), null, 2));
  try {
    execFileSync(process.execPath, [tsc, '-p', configName], { cwd: consumerDir, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (error) {
    return withReadmeLines(consumerDir, `${error.stdout ?? ''}${error.stderr ?? ''}`.trim() || String(error));
  }
}

/** Runs one compiled program against a fresh embedded engine, in a fresh working folder. */
async function runEntry(consumerDir, outDir, program, entryFile, scratch) {
  const local = await startLocalDynamoDB();
  const cwd = mkdtempSync(path.join(scratch, 'run-'));
  const entry = path.join(consumerDir, outDir, program.name, entryFile.replace(/\.ts$/, '.js'));
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'readme',
    AWS_SECRET_ACCESS_KEY: 'readme',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  try {
    return await new Promise((resolve) => {
      execFile(process.execPath, [entry], { cwd, env, timeout: PROGRAM_TIMEOUT_MS, encoding: 'utf8' }, (error, stdout, stderr) => {
        const timedOut = error?.killed === true;
        resolve({ ok: !error, stdout, stderr, why: timedOut ? `did not exit within ${PROGRAM_TIMEOUT_MS / 1000} s` : error ? `exit ${error.code}` : '' });
      });
    });
  } finally {
    await local.stop();
  }
}

async function runConfiguration(consumer, major, tsc, programs, scratch) {
  const label = `${consumer.flavor}, TypeScript ${major}`;
  const failures = [];
  // tsc emits even when it complains, so the programs still run and every failure is reported at once.
  const complaints = compile(consumer.dir, consumer.flavor, major, tsc);
  if (complaints) failures.push(`${label}: does not compile:\n${complaints}`);
  const runs = [...programs.values(), { name: 'quickstart', entries: ['main.ts'] }]
    .filter((program) => !only || only.includes(program.name))
    .flatMap((program) => program.entries.map((entry) => ({ program, entry })));
  let passed = 0;
  for (const { program, entry } of runs) {
    const result = await runEntry(consumer.dir, `out-ts${major}`, program, entry, scratch);
    const problems = result.ok ? (program.name === 'quickstart' ? quickstartProblems(readme, result.stdout) : []) : [result.why];
    if (problems.length === 0) {
      passed++;
      continue;
    }
    failures.push(`${label}: ${program.name}/${entry}: ${problems.join('; ')}\n${result.stdout}${result.stderr}`.trim());
  }
  log(`${label}: ${passed} of ${runs.length} programs ran as documented`);
  return { label, passed, failures };
}

const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');

async function main() {
  const blocks = readBlocks(readme);
  const problems = markerProblems(blocks);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const programs = programsOf(blocks);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'readme-examples-'));
  try {
    const tarball = packLibrary(scratch, { build: !option('no-build') }, log);
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const consumers = [
      { flavor: 'cjs', source: tarball },
      { flavor: 'esm', source: option('git') ? `git+file://${REPO}#${head}` : tarball },
    ].map((consumer) => ({ ...consumer, dir: createConsumer(scratch, consumer.flavor, consumer.source, log) }));
    const compilers = [
      { major: 5, tsc: require.resolve('typescript/bin/tsc') },
      { major: 7, tsc: installTypeScript7(scratch, log) },
    ];
    const results = [];
    for (const consumer of consumers) {
      writeSources(consumer.dir, programs, consumer.flavor);
      for (const { major, tsc } of compilers) results.push(await runConfiguration(consumer, major, tsc, programs, scratch));
    }
    const failures = results.flatMap((result) => result.failures);
    for (const failure of failures) log(`\nFAILED ${failure}\n`);
    const fragments = blocks.filter((block) => block.marker?.fragment).length;
    const sources = consumers.map((consumer) => `${consumer.flavor} from ${consumer.source.startsWith('git+') ? 'git' : 'tarball'}`).join(', ');
    console.log(
      `readme examples: ${programs.size + 1} programs (${fragments} fragments type-checked) x ${results.length} configurations (${sources}; TypeScript 5.9 and ${compilers[1].major}): ` +
        `${failures.length === 0 ? 'all passed' : `${failures.length} failed`}`,
    );
    if (failures.length > 0) process.exitCode = 1;
  } finally {
    if (option('keep')) log(`scratch folder kept: ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
