import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { localClientConfig } from '../../src/testing';

/**
 * dynalite as published, without the embedded engine's additions (no transactions, no
 * `ReturnValuesOnConditionCheckFailure`, no TTL, no GSI added to a live table): the engine many
 * users test with (jest-dynalite), and the one lane where the library's paths for an engine that
 * lacks a capability (UnsupportedByEngineError, the extra GetItem of getOrCreate) still run.
 */
export async function startPlainDynalite(): Promise<{ client: DynamoDBClient; endpoint: string; stop(): Promise<void> }> {
  const moduleName = 'dynalite'; // no type declarations: loaded by a variable specifier
  const loaded = (await import(moduleName)) as { default?: unknown };
  const createDynalite = (loaded.default ?? loaded) as (options: Record<string, unknown>) => Server;
  const server = createDynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient(localClientConfig(endpoint));
  return {
    client,
    endpoint,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
