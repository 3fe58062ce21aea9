import { DEFAULT_BATCH_RETRY, backoffDelay, resolveBatchRetry, sleep } from '../../src/client/retry';
import { EntityManager, InvalidArgumentError } from '../../src';
import { fakeClient } from '../support/fake-client';

const options = { baseDelayMs: 25, maxDelayMs: 2000 };

describe('backoffDelay: exponential backoff with full jitter', () => {
  it('is random() times base * 2^(attempt-1)', () => {
    const half = () => 0.5;
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options, half))).toEqual([12, 25, 50, 100, 200]);
  });

  it('ranges over [0, ceiling): random 0 gives 0, random just under 1 gives just under the ceiling', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(0);
    expect(backoffDelay(3, options, () => 0.999999)).toBe(99);
  });

  it('never exceeds maxDelayMs, however many attempts', () => {
    const almostOne = () => 0.9999999;
    expect(backoffDelay(8, options, almostOne)).toBe(1999);
    expect(backoffDelay(1000, options, almostOne)).toBe(1999);
    expect(Number.isFinite(backoffDelay(10_000, { baseDelayMs: 1e6, maxDelayMs: 5 }, almostOne))).toBe(true);
  });

  it('treats attempt 0 or less like the first attempt', () => {
    expect(backoffDelay(0, options, () => 0.5)).toBe(12);
    expect(backoffDelay(-3, options, () => 0.5)).toBe(12);
  });

  it('is jittered by default: many draws are spread, not one value', () => {
    const draws = new Set(Array.from({ length: 50 }, () => backoffDelay(6, options)));
    expect(draws.size).toBeGreaterThan(10);
    for (const delay of draws) expect(delay).toBeGreaterThanOrEqual(0);
    for (const delay of draws) expect(delay).toBeLessThan(800);
  });
});

describe('sleep', () => {
  it('waits about the given time, and not at all for 0', async () => {
    const started = performance.now();
    await sleep(0);
    expect(performance.now() - started).toBeLessThan(5);
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });
});

describe('resolveBatchRetry', () => {
  it('fills in the documented defaults', () => {
    expect(DEFAULT_BATCH_RETRY).toEqual({ maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 2000 });
    expect(resolveBatchRetry(undefined)).toEqual(DEFAULT_BATCH_RETRY);
    expect(resolveBatchRetry({ maxAttempts: 3, baseDelayMs: undefined })).toEqual({ maxAttempts: 3, baseDelayMs: 25, maxDelayMs: 2000 });
  });

  it.each([
    [{ maxAttempts: 0 }],
    [{ maxAttempts: 1.5 }],
    [{ baseDelayMs: -1 }],
    [{ maxDelayMs: Number.NaN }],
    [{ maxDelayMs: Infinity }],
    [{ baseDelayMs: '10' as never }],
  ])('refuses %p', (bad) => {
    expect(() => resolveBatchRetry(bad)).toThrow(InvalidArgumentError);
  });

  it('is checked when the EntityManager is built', () => {
    const { client } = fakeClient();
    expect(() => new EntityManager({ client, tableName: 'app', batchRetry: { maxAttempts: 0 } })).toThrow(/batchRetry.maxAttempts/);
    expect(() => new EntityManager({ client, tableName: 'app', batchRetry: { maxAttempts: 2 } })).not.toThrow();
  });
});
