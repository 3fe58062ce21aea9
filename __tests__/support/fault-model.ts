import { EntityManager } from '../../src';
import type { TestEngine } from './engines';
import { faultyClient } from './faults';
import type { Fault, FaultInjector } from './faults';

/**
 * Shared pieces of the model checks under faults (fault-model*.test.ts). FAULT_MODEL_STEPS and
 * FAULT_MODEL_SEED scale a run up for stress runs; FAULT_MODEL_REPORT=1 prints its figures.
 */
export const FAULT_MODEL = {
  steps: (fallback: number) => Number(process.env.FAULT_MODEL_STEPS ?? fallback),
  seed: Number(process.env.FAULT_MODEL_SEED ?? 20261202),
  report: (name: string, figures: object) => {
    if (process.env.FAULT_MODEL_REPORT) process.stdout.write(`fault model ${name} ${JSON.stringify(figures)}\n`);
  },
};

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * With probability 0.6, one of: a throttle, an HTTP 500, an answer lost after the engine applied the
 * request, or the same with `meanwhile` (another client's write) landing before the SDK's retry.
 */
export function randomFault(next: () => number, meanwhile: () => Promise<unknown>): Fault | undefined {
  if (next() >= 0.6) return undefined;
  const faults: Fault[] = [{ kind: 'throttle' }, { kind: 'http500' }, { kind: 'dropAfterApply' }, { kind: 'dropAfterApply', meanwhile }];
  return faults[Math.floor(next() * faults.length)];
}

/**
 * A manager on the shared table whose requests go through a FaultInjector, made anew per step: the
 * SDK's retry quota (a token bucket per client) drains under hundreds of injected faults, after which
 * it stops retrying and a fault surfaces as an error of unknown outcome.
 */
export class FreshFaultyManager {
  private client: { destroy(): void } | undefined;

  constructor(
    private readonly engine: () => TestEngine,
    private readonly tableName: () => string,
  ) {}

  next(): { em: EntityManager; faults: FaultInjector } {
    this.client?.destroy();
    const { client, faults } = faultyClient(this.engine(), { maxAttempts: 3 });
    this.client = client;
    return { em: new EntityManager({ client, tableName: this.tableName() }), faults };
  }

  destroy(): void {
    this.client?.destroy();
    this.client = undefined;
  }
}
