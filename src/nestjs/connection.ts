import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError } from '../errors';
import { EntityManager } from '../manager/entity-manager';
import type { DynamoSingleTableModuleOptions } from './interfaces';

/** One named connection: what the core module provides and what it tears down on shutdown. */
export interface DynamoSingleTableConnection {
  readonly name: string;
  readonly client: DynamoDBClient;
  readonly entityManager: EntityManager;
  /** True when the module built the client from `clientConfig`, and so must destroy it. */
  readonly ownsClient: boolean;
  closed: boolean;
}

function checkOptions(name: string, options: DynamoSingleTableModuleOptions | undefined): void {
  const where = `DynamoSingleTableModule (connection ${JSON.stringify(name)})`;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${where} needs options { client | clientConfig, tableName }, got ${String(options)}.`);
  }
  // Both given is ambiguous about who owns the client; neither would silently pick up ambient config.
  if ((options.client === undefined) === (options.clientConfig === undefined)) {
    throw new InvalidArgumentError(
      `${where} needs exactly one of client (a DynamoDBClient you own) and clientConfig (the module builds and destroys the client).`,
    );
  }
}

/**
 * Builds the client (when asked to) and the EntityManager, and ensures the table when asked. A failure
 * destroys the client it built, so a bad start-up leaves no sockets open behind the thrown error.
 */
export async function openConnection(name: string, options: DynamoSingleTableModuleOptions): Promise<DynamoSingleTableConnection> {
  checkOptions(name, options);
  const { client: givenClient, clientConfig, ensureTable, ...managerOptions } = options;
  const ownsClient = givenClient === undefined;
  const client = givenClient ?? new DynamoDBClient(clientConfig ?? {});
  try {
    const entityManager = new EntityManager({ ...managerOptions, client });
    if (ensureTable) await entityManager.ensureTableExists(ensureTable === true ? {} : ensureTable);
    return { name, client, entityManager, ownsClient, closed: false };
  } catch (error) {
    if (ownsClient) client.destroy();
    throw error;
  }
}

/** Destroys the client if the module owns it. Idempotent: an app may be closed more than once. */
export function closeConnection(connection: DynamoSingleTableConnection): void {
  if (connection.closed) return;
  connection.closed = true;
  if (connection.ownsClient) connection.client.destroy();
}
