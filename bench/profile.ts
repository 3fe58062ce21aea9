import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { performance } from 'node:perf_hooks';
import type { Operation } from './contenders/types';
import { lineUp } from './lineup';
import { responderFor } from './scenarios';

/**
 * Runs one contender x operation against the canned handler for a while and reports its rate; with an
 * output file, also writes a CPU profile of the timed part only (setup excluded), for Chrome DevTools:
 *   node bench/.build/bench/profile.js dynamo-single-table create 5 /tmp/create.cpuprofile
 * A sixth argument sets the sampling interval in microseconds (default 100; sampling that often
 * slows the run several times over, 1000 much less).
 */
async function main(): Promise<void> {
  const [who = 'dynamo-single-table', operation = 'create', seconds = '5', output, interval = '100'] = process.argv.slice(2);
  // The raw SDK and this contender alone: another contender's setup (cost hooks enable async context
  // tracking for the whole process) would otherwise weigh on this one's profile.
  const { handler, entrants } = await lineUp(['raw SDK', who]);
  const entrant = entrants.find((e) => e.contender.name === who);
  if (!entrant) throw new Error(`no contender named ${who}`);
  handler.responder = responderFor('get', entrant.samples);
  const run = (await entrant.contender.operations())[operation as Operation];
  if (!run) throw new Error(`${who} has no ${operation}`);
  handler.responder = responderFor(operation as Operation, entrant.samples);
  for (let i = 0; i < 2000; i += 1) await run(); // warm-up, outside the profile
  const session = new Session();
  session.connect();
  if (output) await post(session, 'Profiler.enable', {});
  if (output) await post(session, 'Profiler.setSamplingInterval', { interval: Number(interval) });
  if (output) await post(session, 'Profiler.start', {});
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + Number(seconds) * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    await run();
    calls += 1;
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  if (output) writeFileSync(output, JSON.stringify(((await post(session, 'Profiler.stop', {})) as { profile: object }).profile));
  const cpuMicros = cpu.user + cpu.system;
  process.stdout.write(`${who} ${operation}: ${calls} calls, ${Math.round((calls * 1000) / elapsed)} ops/s, ${((elapsed * 1000) / calls).toFixed(1)} us/call, ${(cpuMicros / calls).toFixed(1)} us CPU/call\n`);
}

function post(session: Session, method: string, params: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
