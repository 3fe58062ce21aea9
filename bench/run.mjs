// `npm run bench`: installs the benchmark's own dependencies (the peer libraries) on first run,
// compiles bench/ with tsc (decorator metadata needs tsc), then runs the benchmark with --expose-gc.
// Extra arguments are passed on, e.g. `npm run bench -- --quick` for a smoke run.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = dirname(bench);
const started = Date.now();

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`\`${command} ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`})\n`);
    process.exit(result.status ?? 1);
  }
}

// npm ci writes node_modules/.package-lock.json: reinstall when it is missing or older than the lockfile.
const installed = join(bench, 'node_modules', '.package-lock.json');
const lock = join(bench, 'package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  process.stdout.write('Installing the benchmark dependencies (npm ci --prefix bench)...\n');
  run('npm', ['ci', '--prefix', 'bench', '--no-audit', '--no-fund']);
}
run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(bench, 'tsconfig.json')]);
run(process.execPath, ['--expose-gc', join(bench, '.build', 'bench', 'main.js'), ...process.argv.slice(2)]);
process.stdout.write(`npm run bench finished in ${Math.round((Date.now() - started) / 1000)} s\n`);
