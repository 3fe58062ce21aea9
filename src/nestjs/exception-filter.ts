import { Catch, Logger } from '@nestjs/common';
import type { ArgumentsHost, HttpServer } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { isDynamoSingleTableError } from '../errors';
import type { DynamoSingleTableError } from '../errors';
import { toHttpError } from './error-mapping';
import type { HttpErrorAnswer } from './error-mapping';

/**
 * The body to send instead of ours, e.g. your API's error format. `answer` is the library's answer at
 * the final status: its body carries no details of a server-side error, so neither does yours unless
 * you read them from `error` yourself.
 */
export type HttpErrorBodyShaper = (answer: HttpErrorAnswer, error: DynamoSingleTableError) => object;

/** The status to answer with instead of `answer.status`, e.g. 422 for `VALIDATION_FAILED`. */
export type HttpErrorStatusShaper = (answer: HttpErrorAnswer, error: DynamoSingleTableError) => number;

export interface ExceptionFilterShapeOptions {
  status?: HttpErrorStatusShaper;
}

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
 *
 * Another body or status: `DynamoSingleTableExceptionFilter.withBody(body, { status })`, a class that
 * registers in the same three ways, or a subclass overriding `body()` and `status()`.
 */
@Catch()
export class DynamoSingleTableExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('DynamoSingleTableExceptionFilter');

  /**
   * A filter class answering with `body(answer, error)` (and `status(answer, error)` when given).
   * A class, not an instance, so that Nest can build it with the HTTP adapter injected (`useClass`,
   * `@UseFilters`); `new (DynamoSingleTableExceptionFilter.withBody(body))(httpAdapter)` works too.
   */
  static withBody(body: HttpErrorBodyShaper, options: ExceptionFilterShapeOptions = {}): typeof DynamoSingleTableExceptionFilter {
    const status = options.status;
    @Catch()
    class ShapedDynamoSingleTableExceptionFilter extends DynamoSingleTableExceptionFilter {
      protected override status(answer: HttpErrorAnswer, error: DynamoSingleTableError): number {
        return status ? status(answer, error) : answer.status;
      }

      protected override body(answer: HttpErrorAnswer, error: DynamoSingleTableError): object {
        return body(answer, error);
      }
    }
    return ShapedDynamoSingleTableExceptionFilter;
  }

  /** The status to answer with; override to change the library's choice (`answer.status`). */
  protected status(answer: HttpErrorAnswer, _error: DynamoSingleTableError): number {
    return answer.status;
  }

  /** The body to send; override to shape it. `answer` is the library's answer at the final status. */
  protected body(answer: HttpErrorAnswer, _error: DynamoSingleTableError): object {
    return answer.body;
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    if (!isDynamoSingleTableError(exception)) {
      super.catch(exception, host);
      return;
    }
    const ours = toHttpError(exception);
    const status = this.status(ours, exception);
    const answer = status === ours.status ? ours : toHttpError(exception, status);
    if (Math.max(ours.status, status) >= 500) {
      // A server-side fault: the client got a generic body, the details (the hint too) go to the log only.
      this.logger.error(`${exception.code}: ${exception.message}`, exception.stack);
    }
    this.reply(host, answer.status, this.body(answer, exception), answer.headers);
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
