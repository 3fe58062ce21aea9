/**
 * A fake table behind the fake client for unit tests of the batch operations: BatchWriteItem and
 * BatchGetItem really store, delete and read items in a Map, and hooks leave part of a request
 * unprocessed or fail it whole.
 */
import type { AttributeValue, WriteRequest } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../../src';
import type { SentCommand } from './fake-client';
import { fakeClient } from './fake-client';
import { Group, User } from '../fixtures/entities';

type Item = Record<string, AttributeValue>;

/** How many requests of a batch call to leave unprocessed: (operation, 1-based call number, size) => count. */
export type Unprocessed = (operation: string, call: number, size: number) => number;
/** Throw to fail a whole request. */
export type Failure = (operation: string, call: number) => void;

/** An EntityManager (fast batch retries) on a fresh fake table; `sent` records every command. */
export function batchSetup(options: { unprocessed?: Unprocessed; fail?: Failure; maxAttempts?: number } = {}) {
  const stored = new Map<string, Item>();
  const calls: Record<string, number> = {};
  const respond = ({ operation, input }: SentCommand) => {
    calls[operation] = (calls[operation] ?? 0) + 1;
    options.fail?.(operation, calls[operation]);
    const requestItems = input.RequestItems as Record<string, unknown>;
    if (operation === 'BatchWriteItem') {
      const requests = requestItems.app as WriteRequest[];
      const [done, left] = split(requests, options.unprocessed?.(operation, calls[operation], requests.length) ?? 0);
      for (const r of done) {
        if (r.PutRequest) stored.set(r.PutRequest.Item?.PK?.S as string, r.PutRequest.Item as Item);
        else stored.delete(r.DeleteRequest?.Key?.PK?.S as string);
      }
      return { UnprocessedItems: left.length > 0 ? { app: left } : {} };
    }
    const { Keys: keys } = requestItems.app as { Keys: Item[] };
    const [done, left] = split(keys, options.unprocessed?.(operation, calls[operation], keys.length) ?? 0);
    const found = done.map((k) => stored.get(k.PK?.S as string)).filter((item): item is Item => item !== undefined);
    return { Responses: { app: found }, UnprocessedKeys: left.length > 0 ? { app: { Keys: left, ConsistentRead: true } } : {} };
  };
  const { client, sent } = fakeClient(respond);
  const batchRetry = { maxAttempts: options.maxAttempts ?? 3, baseDelayMs: 0 };
  const em = new EntityManager({ client, tableName: 'app', batchRetry });
  return { groups: em.getRepository(Group), users: em.getRepository(User), stored, sent, calls };
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

