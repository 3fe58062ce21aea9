import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median, round2 } from './stats';

export interface MemoryRow {
  readonly contender: string;
  readonly entities: number;
  /** Heap retained per loaded entity (bytes), median of the runs. */
  readonly bytesPerEntity: number;
  /** Heap retained by all of them (MB). */
  readonly totalMB: number;
  readonly what: string;
}

/** Fresh processes per contender; the median of this many. */
const RUNS = 2;

/**
 * Heap retained by `count` entities loaded through each library's paged query (canned Query pages of
 * its own items): heap used after full collections with the entities held, minus before loading
 * them, each measured in a fresh process (memory-child.ts).
 */
export function measureMemory(names: readonly string[], count: number): MemoryRow[] {
  return names.map((name) => {
    const perEntity: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const output = execFileSync(process.execPath, ['--expose-gc', join(__dirname, 'memory-child.js'), name, String(count)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const measured = JSON.parse(output.trim().split('\n').pop() ?? '{}') as { bytes: number; count: number };
      if (measured.count !== count) throw new Error(`${name} listed ${measured.count} entities, expected ${count}`);
      perEntity.push(measured.bytes / count);
    }
    const bytes = median(perEntity);
    return { contender: name, entities: count, bytesPerEntity: Math.round(bytes), totalMB: round2((bytes * count) / 1e6), what: describe(name) };
  });
}

function describe(name: string): string {
  switch (name) {
    case 'raw SDK':
      return 'plain objects from unmarshall (key attributes included), activatedOn as a Date';
    case 'dynamo-single-table':
      return 'User instances (uid, version, stored-state marker), a Date and an Address instance each';
    case 'ElectroDB':
      return 'plain objects (key attributes stripped), dates as ISO strings';
    case 'DynamoDB-Toolbox':
      return 'plain objects (keys and _et stripped), dates as ISO strings';
    case 'Dynamoose':
      // Measured: 5.5 KB per entity for 250 entities, 11.5 KB for 2,500: it grows with the pages loaded.
      return 'Item documents with a Date each; its query().all() retains more per entity the more pages it loads';
    default:
      return 'what the library returns from its paged query';
  }
}
