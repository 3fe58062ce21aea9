import { Module } from '@nestjs/common';
import type { DynamicModule, Provider } from '@nestjs/common';
import { InvalidArgumentError } from '../errors';
import type { EntityManager } from '../manager/entity-manager';
import type { Constructor } from '../metadata/types';
import { DynamoSingleTableCoreModule } from './core.module';
import type { DynamoSingleTableAsyncOptions, DynamoSingleTableRootOptions } from './interfaces';
import { getEntityManagerToken, getRepositoryToken } from './tokens';

/**
 * The Nest entry point, shaped like @nestjs/typeorm:
 *   imports: [DynamoSingleTableModule.forRoot({ client, tableName }), DynamoSingleTableModule.forFeature([User])]
 * then `@InjectRepository(User) users: Repository<User>` in any provider of the importing module.
 */
@Module({})
export class DynamoSingleTableModule {
  /** One connection (a table through a client), available app-wide. Call once per connection name. */
  static forRoot(options: DynamoSingleTableRootOptions): DynamicModule {
    return { module: DynamoSingleTableModule, imports: [DynamoSingleTableCoreModule.forRoot(options)] };
  }

  /** Like forRoot, with the options built by a factory (or class) that may inject other providers. */
  static forRootAsync(options: DynamoSingleTableAsyncOptions): DynamicModule {
    return { module: DynamoSingleTableModule, imports: [DynamoSingleTableCoreModule.forRootAsync(options)] };
  }

  /**
   * Repository providers for `entities` on connection `name`, exported to the importing module. They
   * come from the connection's EntityManager, which caches one stateless Repository per class: every
   * module that registers User on a connection shares the same singleton.
   */
  static forFeature(entities: readonly Constructor[], name?: string): DynamicModule {
    if (!Array.isArray(entities)) {
      throw new InvalidArgumentError('DynamoSingleTableModule.forFeature needs an array of entity classes.');
    }
    const entityManagerToken = getEntityManagerToken(name);
    const providers: Provider[] = entities.map((entity) => ({
      // getRepositoryToken validates the class now, so a missing @Table() fails at import, not at first use.
      provide: getRepositoryToken(entity, name),
      useFactory: (entityManager: EntityManager) => entityManager.getRepository(entity),
      inject: [entityManagerToken],
    }));
    return { module: DynamoSingleTableModule, providers, exports: providers };
  }
}
