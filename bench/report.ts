import { OPERATIONS, OPERATION_TITLES } from './contenders/types';
import type { Operation, PerOperation } from './contenders/types';
import type { EndToEndCell, EndToEndSettings } from './end-to-end';
import type { MemoryRow } from './memory';
import type { OverheadCell, OverheadSettings } from './overhead';
import type { RequestCount } from './requests';
import type { TargetCheck } from './targets';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly loadAverageBefore: number[];
  readonly loadAverageAfter: number[];
}

export interface Results {
  readonly generatedAt: string;
  readonly command: string;
  readonly runtimeCommand: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  readonly libraries: ReadonlyArray<{ name: string; version: string; notes: PerOperation<string> }>;
  readonly overhead: { settings: OverheadSettings; measure: string; cells: OverheadCell[] };
  readonly endToEnd: { settings: EndToEndSettings; cells: EndToEndCell[] };
  readonly memory: MemoryRow[];
  readonly requests: RequestCount[];
  readonly targets: TargetCheck[];
}

const row = (cells: ReadonlyArray<string | number>): string => `| ${cells.join(' | ')} |`;
const header = (cells: readonly string[], align: readonly string[]): string[] => [row(cells), row(align)];
/** `Query, 10 × UpdateItem`: runs of equal requests counted, so that a reindex's requests stay readable. */
function grouped(sent: readonly string[]): string {
  const runs: Array<{ request: string; times: number }> = [];
  for (const request of sent) {
    const last = runs[runs.length - 1];
    if (last?.request === request) last.times += 1;
    else runs.push({ request, times: 1 });
  }
  return runs.map(({ request, times }) => (times > 1 ? `${times} × ${request}` : request)).join(', ');
}
const sequence = (sent: string[] | null): string => (sent === null ? 'n/a' : `${sent.length} (${grouped(sent) || 'none'})`);

function overheadTables(results: Results): string[] {
  const names = results.libraries.map((library) => library.name);
  const cell = (name: string, operation: Operation) =>
    results.overhead.cells.find((candidate) => candidate.contender === name && candidate.operation === operation);
  const ratios = names.map((name) =>
    row([name, ...OPERATIONS.map((operation) => {
      const found = cell(name, operation);
      return found ? `**${found.medianRatio.toFixed(2)}** (${found.ratioP25.toFixed(2)}-${found.ratioP75.toFixed(2)})` : '-';
    })]),
  );
  const rates = names.map((name) => row([name, ...OPERATIONS.map((operation) => String(cell(name, operation)?.medianOpsPerSec ?? '-'))]));
  const requests = names.map((name) => row([name, ...OPERATIONS.map((operation) => cell(name, operation)?.requests.join(' + ') ?? '-')]));
  const titles = OPERATIONS.map((operation) => OPERATION_TITLES[operation]);
  const align = ['---', ...OPERATIONS.map(() => '---:')];
  return [
    `Ratio to the raw SDK: median of per-round ratios (interquartile range in brackets); higher is better.`,
    '',
    ...header(['library', ...titles], align),
    ...ratios,
    ...reportingTable(results),
    '',
    `Median ${results.overhead.measure} (results.json also has the wall-clock rates and ratios of every cell):`,
    '',
    ...header(['library', ...titles], align),
    ...rates,
    '',
    'Requests per call (recorded once per cell before timing):',
    '',
    ...header(['library', ...titles], ['---', ...OPERATIONS.map(() => '---')]),
    ...requests,
    '',
    'What each call does:',
    '',
    ...header(['library', ...titles], ['---', ...OPERATIONS.map(() => '---')]),
    ...results.libraries.map((library) => row([`${library.name} (${library.version})`, ...OPERATIONS.map((operation) => library.notes[operation] ?? 'no equivalent (left out)')])),
  ];
}

/** What cost reporting itself costs: each `+costs` cell against the same library without hooks, round by round. */
function reportingTable(results: Results): string[] {
  const cells = results.overhead.cells.filter((cell) => cell.reporting !== undefined);
  if (cells.length === 0) return [];
  const names = [...new Set(cells.map((cell) => cell.contender))];
  const titles = OPERATIONS.map((operation) => OPERATION_TITLES[operation]);
  return [
    '',
    'Cost reporting itself: calls per CPU second with cost hooks ÷ without, the same library in the same round (median, interquartile range in brackets; 1.00 = free). On Node 20 this includes the async context tracking that carries each call\'s meter across awaits, which runs only while a metered call does.',
    '',
    ...header(['library', ...titles], ['---', ...OPERATIONS.map(() => '---:')]),
    ...names.map((name) =>
      row([name, ...OPERATIONS.map((operation) => {
        const reporting = cells.find((cell) => cell.contender === name && cell.operation === operation)?.reporting;
        return reporting ? `**${reporting.medianRatio.toFixed(2)}** (${reporting.ratioP25.toFixed(2)}-${reporting.ratioP75.toFixed(2)})` : '-';
      })]),
    ),
  ];
}

function endToEndTable(results: Results): string[] {
  const { settings, cells } = results.endToEnd;
  return [
    `create + consistent get of a new user per pair; ${settings.rounds} interleaved rounds, each cell bounded by ${settings.cellMs} ms or ${settings.maxPairs} pairs. One SDK client per library (keep-alive). dynalite runs in a child process.`,
    '',
    ...header(['library', 'concurrency', 'pairs/s (median)', 'x raw SDK (median of per-round ratios)'], ['---', '---:', '---:', '---:']),
    ...cells.map((cell) => row([cell.contender, cell.concurrency, cell.medianPairsPerSec, `**${cell.medianRatio.toFixed(2)}**`])),
  ];
}

function memoryTable(results: Results): string[] {
  return [
    'Heap retained by the loaded entities: process.memoryUsage().heapUsed after full collections with the entities held, minus before loading them, through each library\'s paged query of canned pages; each figure is the median of 2 fresh processes.',
    '',
    ...header(['library', 'entities', 'bytes / entity', 'total MB', 'what is held'], ['---', '---:', '---:', '---:', '---']),
    ...results.memory.map((m) => row([m.contender, m.entities, m.bytesPerEntity, m.totalMB.toFixed(2), m.what])),
  ];
}

function requestsTable(results: Results): string[] {
  return [
    'Requests sent by one call of dynamo-single-table, counted in the HTTP handler: against canned answers that behave like DynamoDB, and against dynalite (which ignores ReturnValuesOnConditionCheckFailure). `Query[gsi1 Limit=26]` is a Query of gsi1 with Limit 26; `COUNT` is Select COUNT, `consistent` ConsistentRead; `10 × UpdateItem` is 10 UpdateItem requests in a row. `Article` has one index, byAuthor (authorId, then createdAt; gsi1); `Player` one keys-only index, byLeague (league, then points; gsik1). Capacity is not computed here: only requests are counted.',
    '',
    ...header(['API call', 'DynamoDB behaviour (canned)', 'dynalite'], ['---', '---', '---']),
    ...results.requests.map((r) => row([r.call, sequence(r.dynamodb), sequence(r.dynalite)])),
  ];
}

export function markdown(results: Results): string {
  const m = results.machine;
  const s = results.overhead.settings;
  return [
    '# dynamo-single-table benchmark results',
    '',
    `Generated ${results.generatedAt} by \`${results.command}\` (runs \`${results.runtimeCommand}\`) in ${results.durationSeconds} s.`,
    `Machine: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}; load average ${m.loadAverageBefore.join(' / ')} before, ${m.loadAverageAfter.join(' / ')} after (a shared, noisy machine: compare ratios, not absolute rates).`,
    '',
    '## 1. Per-call overhead, no network',
    '',
    `Every library gets a DynamoDBClient whose requestHandler answers at once with a canned HTTP response in that library's own item layout, so the SDK's whole serialize/sign/deserialize path runs and only the library's work differs. ${s.rounds} interleaved rounds in one process; in each, every library x operation runs for ${s.sliceMs} ms (order rotated per round) after a ${s.warmupMs} ms warm-up per cell. Throughput is ${results.overhead.measure}. dynamo-single-table runs with class-validator validation on; the peers check the same email and age constraints with their own validation hooks; the raw SDK validates nothing.`,
    '',
    '![ratio to raw SDK per operation](overhead.svg)',
    '',
    ...overheadTables(results),
    '',
    '## 2. End to end against dynalite (separate process)',
    '',
    ...endToEndTable(results),
    '',
    '## 3. Memory',
    '',
    ...memoryTable(results),
    '',
    '## 4. Round trips per API call (dynamo-single-table)',
    '',
    ...requestsTable(results),
    '',
    '## Targets',
    '',
    ...header(['target', 'measured', 'met'], ['---', '---', '---']),
    ...results.targets.map((t) => row([t.target, t.measured, t.met ? 'yes' : '**no**'])),
    '',
  ].join('\n');
}
