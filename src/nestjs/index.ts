/**
 * `dynamo-single-table/nestjs`: NestJS integration (modules, injection tokens and decorators, an
 * exception filter). A separate entry point so that the main one never loads @nestjs/*, which are
 * optional peer dependencies needed only here.
 */
import 'reflect-metadata';

export { DynamoSingleTableModule } from './dynamo-single-table.module';
export { InjectRepository, InjectEntityManager } from './decorators';
export { DEFAULT_CONNECTION_NAME, getRepositoryToken, getEntityManagerToken, getClientToken } from './tokens';
export { DynamoSingleTableExceptionFilter } from './exception-filter';
export type { HttpErrorBodyShaper, HttpErrorStatusShaper, ExceptionFilterShapeOptions } from './exception-filter';
export { toHttpError, toHttpErrorBody, httpStatusOf, httpErrorHeaders, RETRY_AFTER_SECONDS } from './error-mapping';
export type { DynamoSingleTableErrorBody, HttpErrorAnswer } from './error-mapping';
export type {
  DynamoSingleTableModuleOptions,
  DynamoSingleTableRootOptions,
  DynamoSingleTableAsyncOptions,
  DynamoSingleTableOptionsFactory,
} from './interfaces';
