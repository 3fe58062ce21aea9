#!/usr/bin/env node
// Node's ESM loader needs full relative specifiers ('./keys/index.js'), but the source is written with
// extensionless imports so that ts-jest (CommonJS) and the CJS build work unchanged. This post-build step
// rewrites every relative specifier in dist/esm (.js and .d.ts) to the file that actually exists.
//
// Specifiers are located with TypeScript's own pre-processor (a devDependency already), which skips
// comments and strings, so a JSDoc example mentioning `from './x'` is never touched.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const esmRoot = resolve(repoRoot, process.argv[2] ?? 'dist/esm');
const ALREADY_EXPLICIT = /\.(?:m?js|cjs|json)$/;

function listOutputFiles(directory) {
  return readdirSync(directory).flatMap((entry) => {
    const fullPath = join(directory, entry);
    if (statSync(fullPath).isDirectory()) return listOutputFiles(fullPath);
    return fullPath.endsWith('.js') || fullPath.endsWith('.d.ts') ? [fullPath] : [];
  });
}

/** './keys' -> './keys.js' or './keys/index.js', whichever was emitted next to `fromFile`. */
function explicitSpecifier(fromFile, specifier) {
  if (ALREADY_EXPLICIT.test(specifier)) return specifier;
  const emittedExtension = fromFile.endsWith('.d.ts') ? '.d.ts' : '.js';
  const target = resolve(dirname(fromFile), specifier);
  if (existsSync(target + emittedExtension)) return `${specifier}.js`;
  if (existsSync(join(target, `index${emittedExtension}`))) return `${specifier.replace(/\/$/, '')}/index.js`;
  throw new Error(`${fromFile}: cannot resolve relative import ${JSON.stringify(specifier)}`);
}

function rewriteFile(file) {
  const text = readFileSync(file, 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const relative = importedFiles.filter(({ fileName }) => fileName === '.' || fileName === '..' || fileName.startsWith('./') || fileName.startsWith('../'));
  let output = text;
  // Replace from the end so earlier positions stay valid.
  for (const { fileName, pos } of [...relative].sort((a, b) => b.pos - a.pos)) {
    const start = /['"]/.test(text[pos]) ? pos + 1 : pos;
    if (text.slice(start, start + fileName.length) !== fileName) {
      throw new Error(`${file}: unexpected import position for ${JSON.stringify(fileName)}`);
    }
    output = output.slice(0, start) + explicitSpecifier(file, fileName) + output.slice(start + fileName.length);
  }
  if (output !== text) writeFileSync(file, output);
  return output !== text;
}

if (!existsSync(esmRoot)) {
  console.error(`fix-esm-imports: ${esmRoot} does not exist; run the ESM build first`);
  process.exit(1);
}
const changed = listOutputFiles(esmRoot).filter(rewriteFile).length;
console.log(`fix-esm-imports: rewrote relative imports in ${changed} file(s) under ${esmRoot}`);
