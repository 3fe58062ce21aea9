import { startLocalDynamoDB } from '../src/testing';

/**
 * dynalite in its own process (forked by end-to-end.ts), so the engine's CPU is not charged to the
 * benchmarked process: it reports its endpoint over IPC and stops when the parent disconnects.
 */
async function main(): Promise<void> {
  const local = await startLocalDynamoDB();
  const stop = (): void => {
    void local.stop().finally(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.send?.({ endpoint: local.endpoint });
}

main().catch((error: unknown) => {
  process.stderr.write(`dynalite child: ${String(error)}\n`);
  process.exit(1);
});
