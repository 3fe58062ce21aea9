/**
 * Jest globalTeardown of the integration project: stops what global-setup.ts started. Silent on
 * purpose, so the summary reporter's totals line stays the last line of the run.
 */
import { SHARED_ENGINES_KEY } from './global-setup';
import type { SharedEngines } from './global-setup';
import { stopMoto } from './moto-server';

export default async function globalTeardown(): Promise<void> {
  const shared = (globalThis as Record<string, unknown>)[SHARED_ENGINES_KEY] as SharedEngines | undefined;
  if (!shared) return;
  await Promise.allSettled([
    shared.moto ? stopMoto(shared.moto.process) : undefined,
    shared.dynamodbLocal ? shared.dynamodbLocal.stop() : undefined,
  ]);
  (globalThis as Record<string, unknown>)[SHARED_ENGINES_KEY] = undefined;
}
