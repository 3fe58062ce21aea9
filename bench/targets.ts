import type { Operation } from './contenders/types';
import type { EndToEndCell } from './end-to-end';
import type { OverheadCell } from './overhead';
import type { RequestCount } from './requests';

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

const OURS = 'dynamo-single-table';
const OURS_WITH_COSTS = 'dynamo-single-table +costs';
const RAW = 'raw SDK';
const VERSUS_RAW: ReadonlyArray<[Operation, number]> = [
  ['get', 0.9],
  ['create', 0.85],
  ['update', 0.85],
  ['query', 0.85],
  ['indexQuery', 0.9],
];
const ONE_REQUEST_CALLS = ['getByStr', 'create', 'save (2 fields changed)', 'update (2 fields)', 'delete', 'getOrCreate (new id)', 'getWith (a post and its 25 comments)'];

export function checkTargets(overhead: readonly OverheadCell[], endToEnd: readonly EndToEndCell[], requests: readonly RequestCount[]): TargetCheck[] {
  const cell = (contender: string, operation: Operation) =>
    overhead.find((candidate) => candidate.contender === contender && candidate.operation === operation);
  const checks: TargetCheck[] = VERSUS_RAW.map(([operation, floor]) => {
    const ratio = cell(OURS, operation)?.medianRatio ?? Number.NaN;
    return { target: `${operation} >= ${floor.toFixed(2)}x raw SDK`, measured: `${ratio.toFixed(2)}x`, met: ratio >= floor };
  });
  // Our own variant with cost hooks on is not a peer; it gets the floors against the raw SDK too.
  for (const [operation, floor] of VERSUS_RAW) {
    const ratio = cell(OURS_WITH_COSTS, operation)?.medianRatio;
    if (ratio !== undefined) checks.push({ target: `${operation} with cost hooks >= ${floor.toFixed(2)}x raw SDK`, measured: `${ratio.toFixed(2)}x`, met: ratio >= floor });
  }
  const peers = [...new Set(overhead.map((c) => c.contender))].filter((name) => !name.startsWith(OURS) && name !== RAW);
  for (const operation of [...new Set(overhead.map((c) => c.operation))]) {
    const ours = cell(OURS, operation)?.medianRatio ?? Number.NaN;
    const best = peers.map((peer) => ({ peer, ratio: cell(peer, operation)?.medianRatio ?? Number.NaN })).sort((a, b) => b.ratio - a.ratio)[0];
    if (!best) continue;
    checks.push({
      target: `${operation}: ahead of every peer`,
      measured: `ours ${ours.toFixed(2)}x vs best peer ${best.peer} ${best.ratio.toFixed(2)}x`,
      met: ours > best.ratio,
    });
  }
  for (const row of endToEnd.filter((c) => c.contender === OURS)) {
    checks.push({ target: `end to end, concurrency ${row.concurrency}: >= 0.90x raw SDK`, measured: `${row.medianRatio.toFixed(2)}x`, met: row.medianRatio >= 0.9 });
  }
  for (const row of requests.filter((r) => ONE_REQUEST_CALLS.includes(r.call))) {
    const counts = [row.dynamodb, row.dynalite].filter((sent): sent is string[] => sent !== null).map((sent) => sent.length);
    checks.push({ target: `${row.call}: 1 request`, measured: counts.join(' / '), met: counts.length > 0 && counts.every((n) => n === 1) });
  }
  return checks;
}
