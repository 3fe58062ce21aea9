/**
 * A fake table behind the fake client for unit tests of the batch operations: BatchWriteItem and
 * BatchGetItem really store, delete and read items in a Map, and hooks leave part of a request
 * unprocessed or fail it whole. With `latency`, each request is answered (and applied) after a delay
 * or when a promise settles, and `flight` records how many requests were in flight at once and the
 * order they finished in.
 */
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../../src';
import type { SentCommand } from './fake-client';
import { fakeClient } from './fake-client';
import { Group, User } from '../fixtures/entities';

type Item = Record<string, AttributeValue>;

/** How many requests of a batch call to leave unprocessed: (operation, 1-based call number, size) => count. */
export type Unprocessed = (operation: string, call: number, size: number) => number;
/** Throw to fail a whole request; `keys` are the PKs it carries. */
export type Failure = (operation: string, call: number, keys: string[]) => void;
/** Milliseconds, or a promise to wait for, before a request is answered and applied; `keys` are the PKs it carries. */
export type Latency = (operation: string, call: number, keys: string[]) => number | Promise<unknown>;

export interface BatchSetupOptions {
  unprocessed?: Unprocessed;
  fail?: Failure;
  maxAttempts?: number;
  latency?: Latency;
  /** The EntityManager's `batchConcurrency`; its default when absent. */
  concurrency?: number;
}

/** Requests in flight: now, the most at once, and the call numbers (per operation) in the order they were answered. */
export interface Flight {
  now: number;
  max: number;
  finished: number[];
}

/** An EntityManager (fast batch retries) on a fresh fake table; `sent` records every command. */
export function batchSetup(options: BatchSetupOptions = {}) {
  const stored = new Map<string, Item>();
  const calls: Record<string, number> = {};
  const flight: Flight = { now: 0, max: 0, finished: [] };
  const respond = async (command: SentCommand) => {
    const call = (calls[command.operation] = (calls[command.operation] ?? 0) + 1);
    flight.now += 1;
    flight.max = Math.max(flight.max, flight.now);
    try {
      const delay = options.latency?.(command.operation, call, keysOf(command)) ?? 0;
      if (typeof delay !== 'number') await delay;
      else if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      return answer(command, call);
    } finally {
      flight.now -= 1;
      flight.finished.push(call);
    }
  };
  const answer = ({ operation, input }: SentCommand, call: number) => {
    options.fail?.(operation, call, keysOf({ input }));
    const requestItems = input.RequestItems as Record<string, unknown>;
    if (operation === 'BatchWriteItem') {
      const requests = requestItems.app as WriteRequest[];
      const [done, left] = split(requests, options.unprocessed?.(operation, call, requests.length) ?? 0);
      for (const r of done) {
        if (r.PutRequest) stored.set(r.PutRequest.Item?.PK?.S as string, r.PutRequest.Item as Item);
        else stored.delete(r.DeleteRequest?.Key?.PK?.S as string);
      }
      return { UnprocessedItems: left.length > 0 ? { app: left } : {} };
    }
    const { Keys: keys } = requestItems.app as { Keys: Item[] };
    const [done, left] = split(keys, options.unprocessed?.(operation, call, keys.length) ?? 0);
    const found = done.map((k) => stored.get(k.PK?.S as string)).filter((item): item is Item => item !== undefined);
    return { Responses: { app: found }, UnprocessedKeys: left.length > 0 ? { app: { Keys: left, ConsistentRead: true } } : {} };
  };
  const { client, sent } = fakeClient(respond);
  const batchRetry = { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 0 };
  const em = new EntityManager({ client, tableName: 'app', batchRetry, batchConcurrency: options.concurrency });
  return { groups: em.getRepository(Group), users: em.getRepository(User), stored, sent, calls, flight };
}

/** The PKs a batch request carries, in request order. */
export function keysOf({ input }: Pick<SentCommand, 'input'>): string[] {
  const requested = (input.RequestItems as Record<string, unknown>).app;
  const keys = Array.isArray(requested)
    ? (requested as WriteRequest[]).map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key)
    : (requested as { Keys: Item[] }).Keys;
  return keys.map((key) => key?.PK?.S as string);
}

function split<T>(list: T[], leave: number): [T[], T[]] {
  return [list.slice(0, list.length - leave), list.slice(list.length - leave)];
}

export const groupsNamed = (count: number, prefix = 'g') =>
  Array.from({ length: count }, (_, i) => Object.assign(new Group(), { name: `${prefix}${i}`, title: `T${i}` }));
/** Keys or write requests per batch request sent. */
export const requestSizes = (sent: SentCommand[]) =>
  sent.map((c) => {
    const requested = (c.input.RequestItems as Record<string, unknown>).app;
    return Array.isArray(requested) ? requested.length : (requested as { Keys: unknown[] }).Keys.length;
  });

