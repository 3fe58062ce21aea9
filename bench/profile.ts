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
 */
async function main(): Promise<void> {
  const [who = 'dynamo-single-table', operation = 'create', seconds = '5', output] = process.argv.slice(2);
  const { handler, entrants } = await lineUp();
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
  if (output) await post(session, 'Profiler.setSamplingInterval', { interval: 100 });
  if (output) await post(session, 'Profiler.start', {});
  const started = performance.now();
  const deadline = started + Number(seconds) * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    await run();
    calls += 1;
  }
  const elapsed = performance.now() - started;
  if (output) writeFileSync(output, JSON.stringify(((await post(session, 'Profiler.stop', {})) as { profile: object }).profile));
  process.stdout.write(`${who} ${operation}: ${Math.round((calls * 1000) / elapsed)} ops/s, ${((elapsed * 1000) / calls).toFixed(1)} us/call\n`);
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
