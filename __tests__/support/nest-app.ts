/**
 * A Nest application over real HTTP on an ephemeral port, its DynamoDB client going through a
 * FaultInjector: created in `beforeAll`, closed (and its client destroyed) after the file, the faults
 * reset after each test. `faults` exists at once, so tests may hold it.
 */
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DynamoSingleTableModuleOptions } from '../../src/nestjs';
import type { TestEngine } from './engines';
import { FaultInjector, faultyClient } from './faults';

export interface NestAppUnderTest {
  /** `http://127.0.0.1:<port>`, known once `beforeAll` has run. */
  baseUrl(): string;
  tableName(): string;
  faults: FaultInjector;
}

/** `root`: the app module for a client and table, e.g. `AppModule.register`. */
export function useNestApp(
  engine: () => TestEngine,
  root: (database: DynamoSingleTableModuleOptions) => DynamicModule,
  options: { tableSuffix: string; maxAttempts: number },
): NestAppUnderTest {
  const faults = new FaultInjector();
  let app: INestApplication | undefined;
  let client: DynamoDBClient | undefined;
  let baseUrl: string | undefined;
  let tableName: string | undefined;
  beforeAll(async () => {
    tableName = engine().tableName(options.tableSuffix);
    client = faultyClient(engine(), { maxAttempts: options.maxAttempts }, faults).client;
    app = await NestFactory.create(root({ client, tableName }), { logger: false });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
    client?.destroy();
  });
  afterEach(() => faults.reset());
  const known = (value: string | undefined, what: string): string => {
    if (value === undefined) throw new Error(`useNestApp: the ${what} is known once beforeAll has run`);
    return value;
  };
  return { baseUrl: () => known(baseUrl, 'port'), tableName: () => known(tableName, 'table'), faults };
}
