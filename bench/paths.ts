import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository root, found from wherever tsc put this file (bench/.build/bench/...). */
export const REPO_ROOT = findRoot(__dirname);

function findRoot(start: string): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'dynamo-single-table') {
      return dir;
    }
  }
  throw new Error(`dynamo-single-table's package.json not found above ${start}`);
}

export function libraryVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
