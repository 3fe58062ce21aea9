import { setTimeout as sleep } from 'node:timers/promises';
import { lineUp } from './lineup';
import { pagedListing } from './scenarios';

/**
 * Measures one contender in a fresh process (forked by memory.ts): in a process that already held
 * other lists, V8 frees them at unpredictable points, which would land in the middle of a measurement.
 * Prints `{ "bytes": ..., "count": ... }`: heap growth while `count` loaded entities are held.
 */
async function main(): Promise<void> {
  const [name = '', countText = '10000'] = process.argv.slice(2);
  const count = Number(countText);
  const { handler, entrants } = await lineUp([name]);
  const entrant = entrants[0];
  if (!entrant) throw new Error(`no contender named ${name}`);
  const { contender, samples } = entrant;
  const warmUp = pagedListing(samples, contender.pageKey, 2);
  handler.responder = warmUp.responder;
  await contender.listAll(); // compiles the listing path before the baseline is taken
  const listing = pagedListing(samples, contender.pageKey, Math.ceil(count / samples.items.length));
  handler.responder = listing.responder;
  const holder: { list?: unknown[] } = {};
  await settle();
  const before = process.memoryUsage().heapUsed;
  holder.list = await contender.listAll();
  await settle();
  const bytes = process.memoryUsage().heapUsed - before;
  process.stdout.write(`${JSON.stringify({ bytes, count: holder.list.length })}\n`);
}

/** Full, synchronous collections with a pause between, so that sweeping has finished when measuring. */
async function settle(): Promise<void> {
  const gc = (globalThis as { gc?: (options?: object) => void }).gc;
  if (!gc) throw new Error('memory figures need node --expose-gc');
  for (let i = 0; i < 2; i += 1) {
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    await sleep(20);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`memory child: ${String(error)}\n`);
  process.exit(1);
});
