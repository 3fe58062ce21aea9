// @ts-check
'use strict';
/**
 * Reads README.md's code blocks and turns its TypeScript blocks into the programs that
 * scripts/readme-examples/run.mjs compiles and runs in scratch consumer projects.
 *
 * Every ```ts block is preceded by a marker comment (invisible on GitHub):
 *
 *   <!-- example: users -->                         part of program "users" (file main.ts): compiled and run
 *   <!-- example: nest, file=users/users.module.ts -->   one file of a multi-file program
 *   <!-- example: nest, file=users/users.spec.ts, entry -->   a file that runs (main.ts by default; several may)
 *   <!-- example: users, fragment -->              type-checked inside program "users", never run
 *   <!-- example: tx
 *   const loaded = await Cart.getByStr('c-1');    hidden setup: lines placed before the block
 *   -->
 *
 * The blocks of one program and file are concatenated in README order; a fragment becomes the body of
 * an async function appended to its file (so it sees everything the program declared and may redeclare
 * names; it is compiled but never called). Import declarations are hoisted to the top of the file.
 * For CommonJS, a file with top-level await is wrapped in an async main(); for ESM, relative imports
 * get the `.js` extension Node's ESM resolution requires. Both are what a user of that module system
 * does with the README's code.
 *
 * CommonJS with no dependency but `typescript`, so Jest (README markers test) and the runner share it.
 */
const ts = require('typescript');

const MARKER = /^<!--\s*example:\s*(.*)$/;
const FENCE = /^```(\S*)\s*$/;

/**
 * @typedef {{ program: string, file: string, fragment: boolean, entry: boolean, setup: string }} Marker
 * @typedef {{ line: number, lang: string, code: string, marker: Marker | undefined, markerLine: number | undefined }} Block
 */

/** Parses a marker comment's first line options and its hidden setup lines. */
function parseMarker(firstLine, setupLines) {
  const text = firstLine.replace(/-->\s*$/, '').trim();
  const [program, ...options] = text.split(',').map((part) => part.trim()).filter(Boolean);
  /** @type {Marker} */
  const marker = { program: program ?? '', file: 'main.ts', fragment: false, entry: false, setup: setupLines.join('\n') };
  for (const option of options) {
    if (option === 'fragment') marker.fragment = true;
    else if (option === 'entry') marker.entry = true;
    else if (option.startsWith('file=')) marker.file = option.slice('file='.length);
    else throw new Error(`Unknown example marker option "${option}" in "${firstLine}"`);
  }
  return marker;
}

/** Every fenced block of the README, with the example marker right before it (if any). */
function readBlocks(readme) {
  const lines = readme.split('\n');
  /** @type {Block[]} */
  const blocks = [];
  /** @type {{ marker: Marker, line: number } | undefined} */
  let pending;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    const markerMatch = MARKER.exec(line);
    if (markerMatch) {
      const setup = [];
      let end = index;
      if (!line.trimEnd().endsWith('-->')) {
        for (end = index + 1; end < lines.length && lines[end].trim() !== '-->'; end++) setup.push(lines[end]);
      }
      pending = { marker: parseMarker(markerMatch[1], setup), line: index + 1 };
      index = end;
      continue;
    }
    const fence = FENCE.exec(line);
    if (!fence) {
      if (line.trim() !== '') pending = undefined;
      continue;
    }
    const start = index;
    const code = [];
    for (index = index + 1; index < lines.length && !lines[index].startsWith('```'); index++) code.push(lines[index]);
    blocks.push({ line: start + 1, lang: fence[1], code: code.join('\n'), marker: pending?.marker, markerLine: pending?.line });
    pending = undefined;
  }
  return blocks;
}

/** Problems with the markers: a TypeScript block without one, or a marker on another language. */
function markerProblems(blocks) {
  const problems = [];
  for (const block of blocks) {
    const isTs = block.lang === 'ts' || block.lang === 'typescript';
    if (isTs && !block.marker) problems.push(`README.md:${block.line}: a TypeScript block without an <!-- example: ... --> marker`);
    if (!isTs && block.marker) problems.push(`README.md:${block.markerLine}: an example marker on a ${block.lang || 'plain'} block`);
    if (block.marker && !block.marker.program) problems.push(`README.md:${block.markerLine}: an example marker without a program name`);
  }
  return problems;
}

/**
 * @typedef {{ parts: string[], fragments: string[] }} ProgramFile
 * @typedef {{ name: string, files: Map<string, ProgramFile>, entries: string[] }} Program
 */

/** Groups the marked blocks into programs and files, in README order. */
function programsOf(blocks) {
  /** @type {Map<string, Program>} */
  const programs = new Map();
  for (const block of blocks) {
    const marker = block.marker;
    if (!marker) continue;
    const program = programs.get(marker.program) ?? { name: marker.program, files: new Map(), entries: [] };
    programs.set(marker.program, program);
    const file = program.files.get(marker.file) ?? { parts: [], fragments: [] };
    program.files.set(marker.file, file);
    if (marker.entry && !program.entries.includes(marker.file)) program.entries.push(marker.file);
    const origin = `// README.md:${block.line}`;
    const text = [origin, marker.setup, block.code].filter(Boolean).join('\n');
    (marker.fragment ? file.fragments : file.parts).push(text);
  }
  for (const program of programs.values()) {
    if (program.entries.length === 0 && program.files.has('main.ts')) program.entries.push('main.ts');
  }
  return programs;
}

/** The top-level import declarations of a piece of code, and the code without them. */
function splitImports(code) {
  const source = ts.createSourceFile('part.ts', code, ts.ScriptTarget.Latest, true);
  const declarations = source.statements.filter((statement) => ts.isImportDeclaration(statement));
  let body = code;
  for (const declaration of [...declarations].reverse()) {
    body = body.slice(0, declaration.getStart(source)) + body.slice(declaration.getEnd());
  }
  return { imports: declarations.map((declaration) => declaration.getText(source)), body: body.replace(/\n{3,}/g, '\n\n') };
}

const FUNCTION_LIKE = new Set([
  ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration, ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor,
]);

/** True when the code awaits outside of any function: it needs top-level await. */
function hasTopLevelAwait(code) {
  const source = ts.createSourceFile('part.ts', code, ts.ScriptTarget.Latest, true);
  let found = false;
  const visit = (node) => {
    if (found || FUNCTION_LIKE.has(node.kind)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) {
      found = true;
      return;
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return found;
}

/** Appends `.js` to relative import specifiers, as Node's ESM resolution (nodenext) requires. */
function withJsExtensions(importDeclaration) {
  return importDeclaration.replace(/from\s+'(\.{1,2}\/[^']+?)(?<!\.js)'/, "from '$1.js'");
}

/**
 * The source of one file of a program for a module system: 'cjs' or 'esm'.
 * @param {ProgramFile} file
 * @param {'cjs' | 'esm'} flavor
 */
function renderFile(file, flavor) {
  const imports = [];
  const addImports = (list) => {
    for (const declaration of list) {
      const text = flavor === 'esm' ? withJsExtensions(declaration) : declaration;
      if (!imports.includes(text)) imports.push(text);
    }
  };
  const main = splitImports(file.parts.join('\n\n'));
  addImports(main.imports);
  const fragments = file.fragments.map((fragment, index) => {
    const { imports: own, body } = splitImports(fragment);
    addImports(own);
    // Never called: the fragment is only type-checked, in the scope of the program's own code.
    return `async function readmeFragment${index + 1}(): Promise<void> {\n${body}\n}`;
  });
  let body = [main.body, ...fragments].join('\n\n');
  if (flavor === 'cjs' && hasTopLevelAwait(body)) {
    if (/^export\s/m.test(body)) throw new Error('A file with top-level await cannot also export (it is wrapped in main() for CommonJS)');
    body = `async function main(): Promise<void> {\n${body}\n}\nmain().catch((error: unknown) => {\n  console.error(error);\n  process.exitCode = 1;\n});`;
  }
  // `export {}` makes every file a module: programs do not share one global scope, and ESM allows await.
  return [...imports, '', body, '', 'export {};', '']
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}

module.exports = { readBlocks, markerProblems, programsOf, renderFile, hasTopLevelAwait, splitImports };
