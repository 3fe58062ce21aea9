import { performance } from 'node:perf_hooks';
import type { CannedHttpHandler, Responder } from './canned-http';
import { OPERATIONS } from './contenders/types';
import type { Operation } from './contenders/types';
import { ARTICLE_MARKER, COMMENT_COUNT, THREAD_MARKER } from './fixture';
import type { Entrant } from './lineup';
import { responderFor } from './scenarios';
import { median, quantile, rotate, round0, round2 } from './stats';

/** Every user's email is at this domain, so counting it counts the users in a result. */
const SUBJECT_DOMAIN = '@example.com';

export interface OverheadSettings {
  readonly rounds: number;
  /** Time each contender x operation runs per round. */
  readonly sliceMs: number;
  /** Untimed run of every cell before round 1 (JIT warm-up). */
  readonly warmupMs: number;
}

export interface OverheadCell {
  readonly contender: string;
  readonly operation: Operation;
  /** Requests sent by one call, in order (recorded once before timing). */
  readonly requests: string[];
  /** Calls per second of this process's CPU time (user + system), median over rounds. */
  readonly medianOpsPerSec: number;
  /** Median over rounds of (this cell's ops per CPU second / the raw SDK's in the same round). */
  readonly medianRatio: number;
  readonly ratioP25: number;
  readonly ratioP75: number;
  readonly opsPerSecByRound: number[];
  /** The same by wall-clock time, which includes whatever other processes took from this one. */
  readonly wallMedianOpsPerSec: number;
  readonly wallMedianRatio: number;
  /**
   * For a contender with cost hooks (`<name> +costs`) next to the same one without: what reporting
   * itself costs, the median over rounds of (ops per CPU second with hooks / without, same round).
   */
  readonly reporting?: { readonly medianRatio: number; readonly ratioP25: number; readonly ratioP75: number };
}

/** Throughput of one time slice, by CPU time and by wall-clock time. */
interface Rate {
  readonly cpu: number;
  readonly wall: number;
}

interface Cell {
  readonly contender: string;
  readonly operation: Operation;
  readonly run: () => Promise<unknown>;
  readonly responder: Responder;
  readonly rates: Rate[];
  requests: string[];
}

/**
 * Runs one cell for `ms` of wall-clock time. CPU time is the primary measure: this machine is shared,
 * and time other processes take from this one would otherwise count against whichever cell was running.
 */
async function timeSlice(handler: CannedHttpHandler, cell: Cell, ms: number): Promise<Rate> {
  handler.responder = cell.responder;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + ms;
  let calls = 0;
  let now = started;
  do {
    await cell.run();
    calls += 1;
    now = performance.now();
  } while (now < deadline);
  const cpu = process.cpuUsage(cpuBefore);
  return { cpu: (calls * 1e6) / (cpu.user + cpu.system), wall: (calls * 1000) / (now - started) };
}

/** The cells of each contender, for the operations given that it has (a library may lack an optional one). */
async function buildCells(handler: CannedHttpHandler, entrants: readonly Entrant[], wanted: readonly Operation[]): Promise<Cell[][]> {
  const byContender: Cell[][] = [];
  for (const { contender, samples } of entrants) {
    handler.responder = responderFor('get', samples); // setup may load the entity it updates
    const operations = await contender.operations();
    byContender.push(
      wanted.flatMap((operation) => {
        const run = operations[operation];
        return run ? [{ contender: contender.name, operation, run, responder: responderFor(operation, samples), rates: [], requests: [] }] : [];
      }),
    );
  }
  // One recorded call per cell: proves every scenario works and gives the requests per call.
  for (const cell of byContender.flat()) {
    handler.responder = cell.responder;
    let result: unknown;
    cell.requests = await handler.record(async () => {
      result = await cell.run();
    });
    checkResult(cell, result);
  }
  return byContender;
}

/** Reads must really return the entities (25 for the queries, the post and its comments for getWith): a library silently dropping items would win. */
function checkResult(cell: Cell, result: unknown): void {
  const { operation } = cell;
  const expected =
    operation === 'getWith' ? COMMENT_COUNT + 1 : operation === 'query' || operation === 'indexQuery' ? 25 : operation === 'get' || operation === 'getOrCreate' ? 1 : 0;
  const marker = operation === 'getWith' ? THREAD_MARKER : operation === 'indexQuery' ? ARTICLE_MARKER : SUBJECT_DOMAIN;
  const found = JSON.stringify(result ?? null).split(marker).length - 1;
  if (found < expected) throw new Error(`${cell.contender} ${operation} returned ${found} entities, expected ${expected}`);
}

/**
 * Interleaved rounds in one process: every round runs every contender x operation for one time slice,
 * with the order of operations and of contenders rotated each round, so drift in machine speed (noisy
 * neighbours, thermal, GC state) hits all contenders alike. Ratios are taken within a round.
 */
export async function runOverhead(
  handler: CannedHttpHandler,
  entrants: readonly Entrant[],
  settings: OverheadSettings,
  log: (line: string) => void,
  operations: readonly Operation[] = OPERATIONS,
): Promise<OverheadCell[]> {
  const cells = await buildCells(handler, entrants, operations);
  for (const cell of cells.flat()) await timeSlice(handler, cell, settings.warmupMs);
  for (let round = 0; round < settings.rounds; round += 1) {
    for (const operation of rotate([...operations], round)) {
      for (const contenderCells of rotate(cells, round)) {
        const cell = contenderCells.find((candidate) => candidate.operation === operation);
        if (cell) cell.rates.push(await timeSlice(handler, cell, settings.sliceMs));
      }
    }
    log(`  round ${round + 1}/${settings.rounds} done`);
  }
  return summarise(cells);
}

/** Suffix of a contender that is another one with cost hooks on. */
const WITH_COSTS = ' +costs';

/** Per-round CPU-time ratios of `cell` to `reference` (the same operation, measured in the same rounds). */
function roundRatios(cell: Cell, reference: Cell): number[] {
  return cell.rates.map((rate, round) => rate.cpu / (reference.rates[round] as Rate).cpu);
}

function reportingOverhead(cell: Cell, all: Cell[]): OverheadCell['reporting'] {
  if (!cell.contender.endsWith(WITH_COSTS)) return undefined;
  const without = all.find((c) => c.contender === cell.contender.slice(0, -WITH_COSTS.length) && c.operation === cell.operation);
  if (!without) return undefined;
  const ratios = roundRatios(cell, without);
  return { medianRatio: round2(median(ratios)), ratioP25: round2(quantile(ratios, 0.25)), ratioP75: round2(quantile(ratios, 0.75)) };
}

function summarise(cells: Cell[][]): OverheadCell[] {
  const reference = cells[0] as Cell[]; // the raw SDK
  const all = cells.flat();
  return all.map((cell) => {
    const raw = reference.find((candidate) => candidate.operation === cell.operation) as Cell;
    const cpu = cell.rates.map((rate) => rate.cpu);
    const ratios = roundRatios(cell, raw);
    const wallRatios = cell.rates.map((rate, round) => rate.wall / (raw.rates[round] as Rate).wall);
    const reporting = reportingOverhead(cell, all);
    return {
      ...(reporting ? { reporting } : {}),
      contender: cell.contender,
      operation: cell.operation,
      requests: cell.requests,
      medianOpsPerSec: round0(median(cpu)),
      medianRatio: round2(median(ratios)),
      ratioP25: round2(quantile(ratios, 0.25)),
      ratioP75: round2(quantile(ratios, 0.75)),
      opsPerSecByRound: cpu.map(round0),
      wallMedianOpsPerSec: round0(median(cell.rates.map((rate) => rate.wall))),
      wallMedianRatio: round2(median(wallRatios)),
    };
  });
}
