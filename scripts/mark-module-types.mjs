#!/usr/bin/env node
// The root package.json has no "type", so each build directory declares its own module format;
// otherwise Node would load dist/esm/*.js as CommonJS.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const moduleTypeByDirectory = { cjs: 'commonjs', esm: 'module' };

for (const [directory, type] of Object.entries(moduleTypeByDirectory)) {
  mkdirSync(resolve(distRoot, directory), { recursive: true });
  writeFileSync(resolve(distRoot, directory, 'package.json'), `${JSON.stringify({ type }, null, 2)}\n`);
}
