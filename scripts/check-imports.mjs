// Checks the import direction of src/ and that there are no import cycles (type imports included).
// Layers, bottom up; a module may import its own folder and any folder of a lower rank:
//   errors < metadata < decorators, keys, expressions < marshalling < operations < client < runners
//   < manager < nestjs, testing < the root entry point; testing/engine (the embedded engine) imports only itself
// Usage: node scripts/check-imports.mjs   (exit 1 and a list of problems when something is wrong)
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'src');
const RANK = { errors: 0, metadata: 1, decorators: 2, keys: 2, expressions: 2, marshalling: 3, operations: 4, client: 5, runners: 6, manager: 7, nestjs: 8, testing: 8, '.': 9 };

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

function resolveImport(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base + '.ts', path.join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return undefined;
}

const folderOf = (file) => {
  const relative = path.relative(SRC, file);
  return relative.includes(path.sep) ? relative.split(path.sep)[0] : '.';
};

const ENGINE = path.join(SRC, 'testing', 'engine') + path.sep;
const isEngine = (file) => file.startsWith(ENGINE);

const graph = new Map();
const problems = [];
for (const file of files(SRC)) {
  const text = readFileSync(file, 'utf8');
  const targets = [];
  for (const match of text.matchAll(/(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/g)) {
    const target = resolveImport(file, match[1]);
    if (!target) continue;
    targets.push(target);
    const [own, other] = [folderOf(file), folderOf(target)];
    if (own !== other && !(RANK[other] < RANK[own])) {
      problems.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, target)} (${own} may not import ${other})`);
    }
    // The embedded engine is a DynamoDB server, not part of the ORM: it imports only itself.
    if (isEngine(file) && !isEngine(target)) {
      problems.push(`${path.relative(SRC, file)} imports ${path.relative(SRC, target)} (the embedded engine imports nothing outside testing/engine)`);
    }
  }
  graph.set(file, targets);
}

// Tarjan's strongly connected components: any component of more than one module is a cycle.
let counter = 0;
const index = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function visit(node) {
  index.set(node, counter);
  low.set(node, counter);
  counter += 1;
  stack.push(node);
  onStack.add(node);
  for (const next of graph.get(node) ?? []) {
    if (!index.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node), low.get(next)));
    } else if (onStack.has(next)) {
      low.set(node, Math.min(low.get(node), index.get(next)));
    }
  }
  if (low.get(node) !== index.get(node)) return;
  const component = [];
  let member;
  do {
    member = stack.pop();
    onStack.delete(member);
    component.push(path.relative(SRC, member));
  } while (member !== node);
  if (component.length > 1) problems.push(`import cycle: ${component.join(' -> ')}`);
}
for (const node of graph.keys()) if (!index.has(node)) visit(node);

if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`imports: ${graph.size} modules, one direction, no cycles`);
