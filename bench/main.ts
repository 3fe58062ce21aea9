import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runEndToEnd, startDynaliteProcess } from './end-to-end';
import type { EndToEndSettings } from './end-to-end';
import { OPERATIONS } from './contenders/types';
import type { Operation } from './contenders/types';
import { lineUp } from './lineup';
import { measureMemory } from './memory';
import { runOverhead } from './overhead';
import type { OverheadSettings } from './overhead';
import { REPO_ROOT } from './paths';
import { markdown } from './report';
import type { Results } from './report';
import { countRequests } from './requests';
import { overheadChart } from './svg';
import { checkTargets } from './targets';

/** `--quick`: a smoke run (a few seconds per phase) that still writes every output. */
const QUICK = process.argv.includes('--quick');
const OVERHEAD: OverheadSettings = QUICK ? { rounds: 3, sliceMs: 40, warmupMs: 40 } : { rounds: 15, sliceMs: 150, warmupMs: 300 };
const END_TO_END: EndToEndSettings = QUICK
  ? { rounds: 1, concurrencies: [1, 32], cellMs: 300, maxPairs: 300 }
  : { rounds: 5, concurrencies: [1, 32], cellMs: 1000, maxPairs: 3000 };
const MEMORY_ENTITIES = QUICK ? 1_000 : 10_000;
const OUTPUT_DIR = join(REPO_ROOT, 'docs', 'bench');
/**
 * `--only=getWith,get`: the per-call overhead of those operations only, printed; the other phases are
 * skipped and nothing is written (docs/bench keeps the last full run).
 */
const ONLY = onlyOperations(argument('only'));
/**
 * With `--only`: `--contenders=dynamo-single-table,dynamo-single-table +costs` lines up those alone
 * (the raw SDK, the reference, always), and `--rounds=40` runs more rounds, for A/B runs of a change.
 */
const CONTENDERS = argument('contenders')?.split(',').filter(Boolean);
const ROUNDS = argument('rounds');

function argument(name: string): string | undefined {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

function onlyOperations(list: string | undefined): Operation[] | undefined {
  if (list === undefined) return undefined;
  const names = list.split(',').filter(Boolean);
  const unknown = names.filter((name) => !(OPERATIONS as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--only takes operations among ${OPERATIONS.join(', ')}; got ${list}`);
  return names as Operation[];
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const loadAverage = (): number[] => loadavg().map((value) => Math.round(value * 100) / 100);

/** The overhead phase alone, for the operations given: ratio to the raw SDK per library, printed. */
async function overheadOnly(operations: readonly Operation[]): Promise<void> {
  const { handler, entrants } = await lineUp(CONTENDERS ? ['raw SDK', ...CONTENDERS] : undefined);
  const settings = ROUNDS ? { ...OVERHEAD, rounds: Number(ROUNDS) } : OVERHEAD;
  log(`Per-call overhead of ${operations.join(', ')} only (${settings.rounds} rounds x ${settings.sliceMs} ms); nothing is written`);
  const cells = await runOverhead(handler, entrants, settings, log, operations);
  for (const cell of cells) {
    const spread = `${cell.ratioP25.toFixed(2)}-${cell.ratioP75.toFixed(2)}`;
    const reporting = cell.reporting ? `; reporting itself ${cell.reporting.medianRatio.toFixed(2)}x without (IQR ${cell.reporting.ratioP25.toFixed(2)}-${cell.reporting.ratioP75.toFixed(2)})` : '';
    log(`  ${cell.operation} ${cell.contender}: ${cell.medianRatio.toFixed(2)}x raw SDK (IQR ${spread}), ${cell.medianOpsPerSec} calls/CPU s, wall ${cell.wallMedianRatio.toFixed(2)}x${reporting}; ${cell.requests.join(' + ')}`);
  }
  const missing = entrants.filter((entrant) => operations.some((operation) => !cells.some((c) => c.contender === entrant.contender.name && c.operation === operation)));
  for (const { contender } of missing) log(`  ${contender.name}: no equivalent of some of ${operations.join(', ')} (left out)`);
}

async function main(): Promise<void> {
  if (ONLY) return overheadOnly(ONLY);
  const started = performance.now();
  const loadBefore = loadAverage();
  log('Capturing each library\'s item layout...');
  const { handler, entrants } = await lineUp();
  log(`1/4 Per-call overhead, no network (${OVERHEAD.rounds} rounds x ${entrants.length} libraries x ${OPERATIONS.length} operations x ${OVERHEAD.sliceMs} ms)`);
  const overhead = await runOverhead(handler, entrants, OVERHEAD, log);
  log(`2/4 Memory retained by ${MEMORY_ENTITIES} loaded entities`);
  const memoryRows = measureMemory(
    entrants.map((entrant) => entrant.contender.name),
    MEMORY_ENTITIES,
  );
  log('3/4 End to end against dynalite in a child process');
  const engine = await startDynaliteProcess();
  try {
    const endToEnd = await runEndToEnd(engine.endpoint, END_TO_END, log);
    log('4/4 Requests per API call');
    const ours = entrants.find((entrant) => entrant.contender.name === 'dynamo-single-table');
    if (!ours) throw new Error('dynamo-single-table is not in the line-up');
    const requests = await countRequests(handler, ours.samples, engine.endpoint);
    const results: Results = {
      generatedAt: new Date().toISOString(),
      command: QUICK ? 'npm run bench -- --quick' : 'npm run bench',
      runtimeCommand: `node --expose-gc bench/.build/bench/main.js${QUICK ? ' --quick' : ''}`,
      durationSeconds: Math.round((performance.now() - started) / 1000),
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        node: process.version,
        platform: `${platform()} ${release()}`,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadAverage(),
      },
      libraries: entrants.map(({ contender }) => ({ name: contender.name, version: contender.version, notes: contender.notes })),
      overhead: { settings: OVERHEAD, measure: 'calls per second of process CPU time (user + system)', cells: overhead },
      endToEnd: { settings: END_TO_END, cells: endToEnd },
      memory: memoryRows,
      requests,
      targets: checkTargets(overhead, endToEnd, requests),
    };
    write(results);
  } finally {
    engine.stop();
  }
}

function write(results: Results): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  writeFileSync(join(OUTPUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(OUTPUT_DIR, 'results.md'), markdown(results));
  const names = results.libraries.map((library) => library.name);
  const subtitle = `${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.machine.node}; ${results.overhead.settings.rounds} interleaved rounds, medians; ${results.command}`;
  writeFileSync(join(OUTPUT_DIR, 'overhead.svg'), overheadChart(results.overhead.cells, names, subtitle));
  for (const check of results.targets) log(`  ${check.met ? 'met   ' : 'MISSED'} ${check.target}: ${check.measured}`);
  const reporting = results.overhead.cells.filter((cell) => cell.reporting !== undefined);
  if (reporting.length > 0) log(`  cost reporting itself (with hooks / without): ${reporting.map((cell) => `${cell.operation} ${cell.reporting?.medianRatio.toFixed(2)}`).join(', ')}`);
  log(`Wrote docs/bench/results.{json,md} and docs/bench/overhead.svg in ${results.durationSeconds} s.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
