import { Catch, Logger } from '@nestjs/common';
import type { ArgumentsHost, HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isDynamoSingleTableError } from '../errors';
import { httpErrorHeaders, toHttpErrorBody } from './error-mapping';

/**
 * Turns this library's errors into HTTP answers (see error-mapping.ts for the table; a 503 comes with
 * `Retry-After`) and leaves every other exception to Nest's default handling: HttpExceptions keep
 * their status and body, body-parser's 400 for malformed JSON stays a 400, and an unknown error
 * becomes Nest's generic, logged 500.
 *
 * Catches everything (`@Catch()`) because ours are recognized by their brand and code, not by class.
 * Register it app-wide with `{ provide: APP_FILTER, useClass: DynamoSingleTableExceptionFilter }`, per
 * controller with `@UseFilters(DynamoSingleTableExceptionFilter)`, or with
 * `app.useGlobalFilters(new DynamoSingleTableExceptionFilter(app.get(HttpAdapterHost).httpAdapter))`.
 * HTTP only: in other contexts (RPC, WebSockets, GraphQL) the exception is rethrown untouched.
 */
@Catch()
export class DynamoSingleTableExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('DynamoSingleTableExceptionFilter');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    if (!isDynamoSingleTableError(exception)) {
      super.catch(exception, host);
      return;
    }
    const body = toHttpErrorBody(exception);
    if (body.statusCode >= 500) {
      // The client got a generic body; the details go to the server log only.
      this.logger.error(`${exception.code}: ${exception.message}`, exception.stack);
    }
    this.reply(host, body.statusCode, body, httpErrorHeaders(exception));
  }

  private reply(host: ArgumentsHost, status: number, body: object, headers: Record<string, string>): void {
    const response: unknown = host.switchToHttp().getResponse();
    const adapter: HttpServer | undefined = this.applicationRef ?? this.httpAdapterHost?.httpAdapter;
    if (!adapter) throw new Error('DynamoSingleTableExceptionFilter has no HTTP adapter; register it as described in its documentation.');
    if (adapter.isHeadersSent(response)) {
      adapter.end(response);
      return;
    }
    for (const [name, value] of Object.entries(headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, body, status);
  }
}
