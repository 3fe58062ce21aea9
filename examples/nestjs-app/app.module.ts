import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { DynamoSingleTableExceptionFilter, DynamoSingleTableModule } from 'dynamo-single-table/nestjs';
import type { DynamoSingleTableModuleOptions } from 'dynamo-single-table/nestjs';
import { GroupsModule } from './groups.module';
import { UsersModule } from './users.module';

/**
 * `AppModule.register(options)` rather than a fixed `@Module`: main.ts passes the embedded engine's
 * client, and the end-to-end test passes the client and table of whichever engine it runs against.
 */
@Module({})
export class AppModule {
  static register(database: DynamoSingleTableModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [DynamoSingleTableModule.forRoot({ ensureTable: true, ...database }), UsersModule, GroupsModule],
      // App-wide, through DI, so the filter gets the HTTP adapter injected.
      providers: [{ provide: APP_FILTER, useClass: DynamoSingleTableExceptionFilter }],
    };
  }
}
