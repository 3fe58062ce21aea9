/**
 * Starts and stops one moto_server for a whole Jest run (used by global-setup/teardown).
 * Its output goes to a log file: an unread pipe fills up and then blocks moto mid-request.
 * Log and pid files are named after the Jest process, because two runs may share a checkout
 * (e.g. `npm run test:unit` while `npm test` runs); the latest finished run's log ends up in .data/moto.log.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localClientConfig } from '../../src/testing';
import { MOTO_CLIENT_OVERRIDES } from './engine-env';

export const DATA_DIR = path.resolve(__dirname, '..', '..', '.data');
const LAST_RUN_LOG = path.join(DATA_DIR, 'moto.log');
const runLog = path.join(DATA_DIR, `moto-${process.pid}.log`);
/** `{ motoPid, ownerPid }`: lets a later run (or .ci/run) reap the moto of a Jest that crashed. */
const runPidFile = path.join(DATA_DIR, `moto-${process.pid}.pid.json`);
const PID_FILE_PATTERN = /^moto-\d+\.pid\.json$/;
const READY_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 50;

export interface MotoServer {
  endpoint: string;
  process: ChildProcess;
  startupMs: number;
}

export class MotoUnavailableError extends Error {}

export function findOnPath(executable: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(directory, executable);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills motos left behind by Jest runs that died without their teardown; never one of a live run. */
function reapOrphanedMotos(): void {
  for (const entry of readdirSync(DATA_DIR).filter((name) => PID_FILE_PATTERN.test(name))) {
    const pidFile = path.join(DATA_DIR, entry);
    try {
      const { motoPid, ownerPid } = JSON.parse(readFileSync(pidFile, 'utf8')) as { motoPid: number; ownerPid: number };
      if (isAlive(ownerPid)) continue;
      if (/moto_server|moto-serial-server/.test(readFileSync(`/proc/${motoPid}/cmdline`, 'utf8'))) process.kill(motoPid, 'SIGKILL');
    } catch {
      // process already gone (or no /proc): nothing to kill
    }
    rmSync(pidFile, { force: true });
    rmSync(pidFile.replace(/\.pid\.json$/, '.log'), { force: true });
  }
}

/** One line for skip names and CI errors: the last thing moto logged, and where the rest is. */
function describeLog(): string {
  let lastLine = '(empty log)';
  try {
    lastLine = readFileSync(runLog, 'utf8').trim().split('\n').filter(Boolean).pop() ?? lastLine;
  } catch {
    lastLine = '(no log)';
  }
  return `${lastLine.trim().slice(0, 200)} (full log: ${path.relative(process.cwd(), LAST_RUN_LOG)})`;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  const requestHandler = { connectionTimeout: 1000, requestTimeout: 2000 };
  const client = new DynamoDBClient(localClientConfig(endpoint, { ...MOTO_CLIENT_OVERRIDES, requestHandler }));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new MotoUnavailableError(`moto_server exited early (${child.exitCode ?? child.signalCode}): ${describeLog()}`);
      }
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      }
    }
    throw new MotoUnavailableError(`moto_server did not answer within ${READY_TIMEOUT_MS} ms: ${describeLog()}`);
  } finally {
    client.destroy();
  }
}

const SERIAL_SERVER = path.resolve(__dirname, '../../scripts/moto-serial-server.py');

/**
 * moto_server answers on threads and its item operations are not atomic: under CPU load racing
 * UpdateItems lose updates and racing conditional puts can both win (measured: 10 of 40 rounds of 30
 * concurrent increments lost some; 1 of 60 rounds of 20 racing creates had two winners). Our
 * concurrency tests need DynamoDB's item-level atomicity, so moto's app is served one request at a
 * time by scripts/moto-serial-server.py, with the Python that has moto; moto_server itself otherwise.
 */
function motoCommand(executable: string, port: number): [string, string[]] {
  try {
    execFileSync('python3', ['-c', 'import moto.moto_server.werkzeug_app, werkzeug.serving'], { stdio: 'ignore' });
    return ['python3', [SERIAL_SERVER, '127.0.0.1', String(port)]];
  } catch {
    return [executable, ['-H', '127.0.0.1', '-p', String(port)]];
  }
}

export async function startMoto(): Promise<MotoServer> {
  const executable = findOnPath('moto_server');
  if (!executable) throw new MotoUnavailableError('moto_server is not on PATH (pip install "moto[server]")');
  mkdirSync(DATA_DIR, { recursive: true });
  reapOrphanedMotos();
  const startedAt = Date.now();
  const port = await freeLoopbackPort();
  const logFd = openSync(runLog, 'w');
  const [command, args] = motoCommand(executable, port);
  const child = spawn(command, args, { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  child.on('error', () => undefined); // spawn failures surface as an early exit below
  writeFileSync(runPidFile, JSON.stringify({ motoPid: child.pid, ownerPid: process.pid }));
  // Last resort if Jest exits without running globalTeardown (e.g. a crash in another setup step).
  process.once('exit', () => child.kill('SIGKILL'));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child);
  } catch (error) {
    await stopMoto(child);
    throw error;
  }
  return { endpoint, process: child, startupMs: Date.now() - startedAt };
}

export async function stopMoto(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(runPidFile, { force: true });
  try {
    renameSync(runLog, LAST_RUN_LOG);
  } catch {
    // no log was written
  }
}
