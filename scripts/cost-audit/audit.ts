/**
 * `npm run cost-audit`: what each call costs, measured. Runs every scenario (scenarios.ts) on each
 * engine, counts the requests the library sends and computes their capacity by DynamoDB's billing
 * rules (recorder.ts, billing.ts), next to the minimum for the same guarantee. Prints the table;
 * `--write` puts it into README.md between the cost-audit markers, `--check` fails when the README's
 * table differs from this run (CI), `--engines=embedded,moto` chooses the engines (moto needs
 * moto_server's Python package).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager } from 'dynamo-single-table';
import { startLocalDynamoDB } from 'dynamo-single-table/testing';
import { CostRecorder } from './recorder';
import { Account, LISTED, Member, memberData, SCENARIOS } from './scenarios';
import type { Minimum } from './scenarios';

interface Measured {
  requests: string[];
  rru: number;
  wru: number;
}

interface Engine {
  name: string;
  endpoint: string;
  stop: () => Promise<void>;
}

// Compiled to .cost-audit-build/audit.js: the repository is one level up.
const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const START = '<!-- cost-audit:start -->';
const END = '<!-- cost-audit:end -->';
const args = process.argv.slice(2);
const engines = (args.find((arg) => arg.startsWith('--engines='))?.slice('--engines='.length) ?? 'embedded').split(',');

const clientConfig = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'audit', secretAccessKey: 'audit' } });

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startMoto(): Promise<Engine> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', [path.join(ROOT, 'scripts', 'moto-serial-server.py'), '127.0.0.1', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 600; attempt++) {
    if (await fetch(endpoint).then(() => true, () => false)) return { name: 'moto', endpoint, stop: async () => void child.kill() };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('moto did not start (pip install "moto[server]")');
}

async function startEngine(name: string): Promise<Engine> {
  if (name === 'moto') return startMoto();
  const local = await startLocalDynamoDB();
  return { name: 'embedded', endpoint: local.endpoint, stop: () => local.stop() };
}

async function measureOn(engine: Engine): Promise<Measured[]> {
  const raw = new DynamoDBClient(clientConfig(engine.endpoint));
  const measured = new DynamoDBClient(clientConfig(engine.endpoint));
  const em = new EntityManager({ client: measured, tableName: 'cost-audit', entities: [Member, Account] });
  await em.ensureTableExists();
  const recorder = new CostRecorder(raw, 'cost-audit');
  recorder.instrument(measured);
  let sequence = 0;
  const context = { em, members: em.getRepository(Member), accounts: em.getRepository(Account), fresh: () => `user${String(sequence++).padStart(5, '0')}` };
  await context.members.saveMany(Array.from({ length: LISTED }, () => memberData(context.fresh())));
  const results: Measured[] = [];
  for (const scenario of SCENARIOS) {
    const call = await scenario.prepare(context);
    recorder.clear();
    await call();
    results.push({
      requests: recorder.requests.map((request) => request.operation),
      rru: sum(recorder.requests.map((request) => request.units.rru)),
      wru: sum(recorder.requests.map((request) => request.units.wru)),
    });
  }
  raw.destroy();
  measured.destroy();
  return results;
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function requestsText(requests: string[]): string {
  const counts = new Map<string, number>();
  for (const operation of requests) counts.set(operation, (counts.get(operation) ?? 0) + 1);
  return [...counts].map(([operation, count]) => `${count} ${operation}`).join(' + ') || 'none';
}

const unitsText = (rru: number, wru: number) => [rru ? `${rru} RRU` : '', wru ? `${wru} WRU` : ''].filter(Boolean).join(' + ') || '0';

function row(call: string, minimum: Minimum, byEngine: Map<string, Measured>): string {
  const [first] = byEngine.values();
  const requests = [...byEngine].map(([engine, measured]) => `${requestsText(measured.requests)}${byEngine.size > 1 ? ` (${engine})` : ''}`);
  const sameRequests = new Set(requests.map((text) => text.replace(/ \(.*\)$/, ''))).size === 1;
  const atMinimum = first.rru <= minimum.rru && first.wru <= minimum.wru && first.requests.length <= minimum.requests;
  return `| ${call} | ${sameRequests ? requestsText(first.requests) : requests.join('; ')} | ${unitsText(first.rru, first.wru)} | ${minimum.requests} request, ${unitsText(minimum.rru, minimum.wru)}: ${minimum.why} | ${atMinimum ? 'yes' : 'no'} |`;
}

function table(results: Map<string, Measured[]>): string {
  const lines = [
    `Measured by \`npm run cost-audit\` (engines: ${[...results.keys()].join(', ')}), for a 1 KB entity (1,000 bytes of user data), ${LISTED} entities of the type in the table:`,
    '',
    '| call | requests | capacity (DynamoDB billing) | minimum for the same guarantee | at the minimum |',
    '|---|---|---|---|---|',
  ];
  SCENARIOS.forEach((scenario, index) => {
    const byEngine = new Map([...results].map(([engine, measured]) => [engine, measured[index]]));
    lines.push(row(scenario.call, scenario.minimum, byEngine));
  });
  return lines.join('\n');
}

async function main(): Promise<void> {
  const results = new Map<string, Measured[]>();
  for (const name of engines) {
    const engine = await startEngine(name);
    try {
      results.set(engine.name, await measureOn(engine));
    } finally {
      await engine.stop();
    }
  }
  const text = table(results);
  console.log(text);
  const readme = readFileSync(README, 'utf8');
  const [before, rest] = readme.split(START);
  if (rest === undefined) throw new Error(`README.md has no ${START} marker`);
  const after = rest.slice(rest.indexOf(END));
  const updated = `${before}${START}\n${text}\n${after}`;
  if (args.includes('--write')) writeFileSync(README, updated);
  if (args.includes('--check') && updated !== readme) {
    console.error('README.md: the cost table differs from this run; run `npm run cost-audit -- --write`.');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
