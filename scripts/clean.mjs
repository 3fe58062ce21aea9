#!/usr/bin/env node
// Portable `rm -rf` for build outputs, so a removed source file never survives in dist/.
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const targets = process.argv.length > 2 ? process.argv.slice(2) : ['dist'];

for (const target of targets) {
  rmSync(resolve(repoRoot, target), { recursive: true, force: true });
}
