import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { FactoryProvider, ModuleMetadata, Provider, Type } from '@nestjs/common';
import type { EntityManagerOptions } from '../manager/entity-manager';
import type { EnsureTableOptions } from '../runners/table-setup';

/**
 * What one connection (one table through one client) needs. Give exactly one of `client` and
 * `clientConfig`: a client you pass stays yours (never destroyed by the module); a client built from
 * `clientConfig` belongs to the module and is destroyed on application shutdown.
 */
export interface DynamoSingleTableModuleOptions extends Omit<EntityManagerOptions, 'client'> {
  client?: DynamoDBClient;
  clientConfig?: DynamoDBClientConfig;
  /**
   * Create the table (and its index) if missing, and wait until it is ACTIVE, while Nest instantiates
   * the module: before any provider gets the EntityManager, so before `app.listen()`. `true` uses the
   * defaults (on-demand billing). Leave it off where tables are managed by IaC.
   */
  ensureTable?: boolean | EnsureTableOptions;
}

export interface DynamoSingleTableRootOptions extends DynamoSingleTableModuleOptions {
  /** Connection name, for several tables or clients in one app. @default 'default' */
  name?: string;
}

/** Implemented by a class given to `forRootAsync({ useClass })` or `{ useExisting }`. */
export interface DynamoSingleTableOptionsFactory {
  createDynamoSingleTableOptions(): DynamoSingleTableModuleOptions | Promise<DynamoSingleTableModuleOptions>;
}

/** `forRootAsync`: options computed from other providers (ConfigService, secrets...). Give one of useFactory, useClass, useExisting. */
export interface DynamoSingleTableAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  name?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own FactoryProvider typing
  useFactory?: (...args: any[]) => DynamoSingleTableModuleOptions | Promise<DynamoSingleTableModuleOptions>;
  inject?: FactoryProvider['inject'];
  useClass?: Type<DynamoSingleTableOptionsFactory>;
  useExisting?: Type<DynamoSingleTableOptionsFactory>;
  /** Providers the factory needs that live nowhere else. */
  extraProviders?: Provider[];
}
