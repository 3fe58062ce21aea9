import { Global, Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnApplicationShutdown, OnModuleInit, Provider } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { InvalidArgumentError } from '../errors';
import { closeConnection, openConnection } from './connection';
import type { DynamoSingleTableConnection } from './connection';
import type {
  DynamoSingleTableAsyncOptions,
  DynamoSingleTableModuleOptions,
  DynamoSingleTableOptionsFactory,
  DynamoSingleTableRootOptions,
} from './interfaces';
import { CONNECTION, DEFAULT_CONNECTION_NAME, MODULE_OPTIONS, getClientToken, getEntityManagerToken } from './tokens';

/**
 * One instance per connection (each `forRoot` is its own dynamic module). Global so that `forFeature`
 * and `@InjectEntityManager()` work from any module without re-importing; it exports only the
 * name-qualified tokens, so named connections never shadow each other.
 */
@Global()
@Module({})
export class DynamoSingleTableCoreModule implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(CONNECTION) private readonly connection: DynamoSingleTableConnection,
    private readonly modules: ModulesContainer,
  ) {}

  static forRoot(options: DynamoSingleTableRootOptions): DynamicModule {
    const { name, ...connectionOptions } = options ?? ({} as DynamoSingleTableRootOptions);
    // A factory, not useValue: Nest hashes dynamic-module metadata to identify modules, and hashing a
    // DynamoDBClient's object graph is slow (Nest warns past 10 ms); a closure hashes as its source.
    return DynamoSingleTableCoreModule.build(name, [{ provide: MODULE_OPTIONS, useFactory: () => connectionOptions }], []);
  }

  static forRootAsync(options: DynamoSingleTableAsyncOptions): DynamicModule {
    return DynamoSingleTableCoreModule.build(
      options.name,
      [...asyncOptionsProviders(options), ...(options.extraProviders ?? [])],
      options.imports ?? [],
    );
  }

  private static build(name: string | undefined, optionProviders: Provider[], imports: DynamicModule['imports']): DynamicModule {
    const connectionName = name ?? DEFAULT_CONNECTION_NAME;
    const entityManagerToken = getEntityManagerToken(connectionName);
    const clientToken = getClientToken(connectionName);
    const providers: Provider[] = [
      ...optionProviders,
      {
        provide: CONNECTION,
        useFactory: (moduleOptions: DynamoSingleTableModuleOptions) => openConnection(connectionName, moduleOptions),
        inject: [MODULE_OPTIONS],
      },
      { provide: entityManagerToken, useFactory: (c: DynamoSingleTableConnection) => c.entityManager, inject: [CONNECTION] },
      { provide: clientToken, useFactory: (c: DynamoSingleTableConnection) => c.client, inject: [CONNECTION] },
    ];
    return { module: DynamoSingleTableCoreModule, imports, providers, exports: [entityManagerToken, clientToken] };
  }

  /**
   * Two `forRoot` calls with one name (a forgotten `name`, say) would export the same tokens, and Nest
   * would silently let the last one win. Refuse to start instead, naming the connection. The check
   * looks at this application's modules only, so separate apps and testing modules stay independent.
   */
  onModuleInit(): void {
    const sameName = [...this.modules.values()].filter(
      (module) =>
        module.metatype === DynamoSingleTableCoreModule &&
        (module.providers.get(CONNECTION)?.instance as DynamoSingleTableConnection | undefined)?.name === this.connection.name,
    );
    if (sameName.length > 1) {
      closeConnection(this.connection);
      throw new InvalidArgumentError(
        `DynamoSingleTableModule.forRoot was called ${sameName.length} times for connection ${JSON.stringify(this.connection.name)}.`,
        undefined,
        { hint: 'Give each connection its own name (forRoot({ name })) and pass it to forFeature and @InjectRepository.' },
      );
    }
  }

  /**
   * Runs after the HTTP server stopped taking requests (Nest calls onModuleDestroy and
   * beforeApplicationShutdown first, then closes the server), so no in-flight request loses its client.
   */
  onApplicationShutdown(): void {
    closeConnection(this.connection);
  }
}

function asyncOptionsProviders(options: DynamoSingleTableAsyncOptions): Provider[] {
  const ways = [options.useFactory, options.useClass, options.useExisting].filter((way) => way !== undefined);
  if (ways.length !== 1) {
    throw new InvalidArgumentError('DynamoSingleTableModule.forRootAsync needs exactly one of useFactory, useClass and useExisting.');
  }
  if (options.useFactory) {
    return [{ provide: MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }];
  }
  const factoryClass = (options.useClass ?? options.useExisting) as NonNullable<DynamoSingleTableAsyncOptions['useClass']>;
  const fromFactory = {
    provide: MODULE_OPTIONS,
    useFactory: (factory: DynamoSingleTableOptionsFactory) => factory.createDynamoSingleTableOptions(),
    inject: [factoryClass],
  };
  // useClass instantiates the class inside this module; useExisting takes an instance from an import.
  return options.useClass ? [fromFactory, { provide: factoryClass, useClass: factoryClass }] : [fromFactory];
}
