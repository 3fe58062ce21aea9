/**
 * What reaches an HTTP client: the summary of an error, never the developer's hint; the whole answer
 * (status, headers, body) as one reusable mapping; and bodies and statuses shaped by the application
 * (a RealWorld-style API answers 422 with `{ errors: { body: [...] } }`).
 */
import 'reflect-metadata';
import { BadRequestException, Logger } from '@nestjs/common';
import { FILTER_CATCH_EXCEPTIONS } from '@nestjs/common/constants';
import {
  CollectionTooLargeError, ConditionFailedError, DynamoDBRequestError, EntityAlreadyExistsError, EntityValidationError, InvalidArgumentError, ItemTooLargeError,
  TableNotFoundError, TableNotReadyError, TransactionCanceledError, UniqueConstraintError, UnsupportedByEngineError, VersionConflictError,
} from '../../src';
import type { DynamoSingleTableError } from '../../src';
import { DynamoSingleTableExceptionFilter, httpErrorHeaders, httpStatusOf, toHttpError, toHttpErrorBody } from '../../src/nestjs';
import type { HttpErrorAnswer } from '../../src/nestjs';
import { httpHarness } from '../support/nest-http-harness';

const SECRET = 'prod-users-7f3a';
const throttled = () => new DynamoDBRequestError('GetItem', Object.assign(new Error(SECRET), { name: 'ThrottlingException' }));
const tableNotFound = () => new TableNotFoundError('GetItem', Object.assign(new Error(SECRET), { name: 'ResourceNotFoundException' }), { tableName: SECRET }, 'User');
const invalid = () =>
  new EntityValidationError('User', [
    { property: 'email', constraints: { isEmail: 'email must be an email' } },
    { property: 'username', constraints: { matches: 'username must be 3-30 lower-case letters', isString: 'username must be a string' } },
  ]);
const conflict = () => new VersionConflictError('User', 'ada', 1, 2);

/** Client errors whose message ends in a developer's fix. */
const clientErrors: Array<[string, DynamoSingleTableError]> = [
  ['ENTITY_ALREADY_EXISTS', new EntityAlreadyExistsError('User', 'username', 'ada')],
  ['VERSION_CONFLICT', conflict()],
  ['CONDITION_FAILED', new ConditionFailedError('Article', 'intro', ['authorId'])],
  ['ITEM_TOO_LARGE', new ItemTooLargeError('User', 'ada', 500_000, 400_000)],
  ['UNIQUE_CONSTRAINT_VIOLATION', new UniqueConstraintError('User', 'email', 'ada@example.com')],
  ['COLLECTION_TOO_LARGE', new CollectionTooLargeError('Article', 'intro', 'rename', 151, 100)],
  ['INVALID_ARGUMENT', new InvalidArgumentError('Invalid cursor for User: it is not valid JSON.', 'User', { hint: 'Pass back the cursor a query() of User returned, unchanged.' })],
  [
    'TRANSACTION_CANCELED (a version conflict)',
    new TransactionCanceledError([{ index: 0, operation: 'save', entity: 'User', strId: 'ada', reason: 'ConditionalCheckFailed', error: conflict() }], undefined),
  ],
];

/** Server-side errors with a hint: neither summary nor hint may reach the client. */
const serverErrors: Array<[string, DynamoSingleTableError]> = [
  ['TABLE_NOT_FOUND', tableNotFound()],
  ['TABLE_NOT_READY', new TableNotReadyError(SECRET, 1000, 'CREATING')],
  ['UNSUPPORTED_BY_ENGINE', new UnsupportedByEngineError('transactions', 'TransactWriteItems', undefined)],
];

describe('toHttpError: what a client reads', () => {
  it.each(clientErrors)('%s: the body carries the summary, not the hint', (_code, error) => {
    expect(error.hint).toEqual(expect.any(String));
    const answer = toHttpError(error);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body.message).toBe(error.summary);
    expect(JSON.stringify(answer)).not.toContain(error.hint);
  });

  it.each(serverErrors)('%s: a generic body, neither summary nor hint', (_code, error) => {
    const text = JSON.stringify(toHttpError(error));
    expect(toHttpError(error).body).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(text).not.toContain(error.hint);
    expect(text).not.toContain(error.summary);
  });

  it.each([...clientErrors, ...serverErrors, ['throttled', throttled()] as [string, DynamoSingleTableError]])(
    '%s: toHttpErrorBody, httpErrorHeaders and httpStatusOf are parts of the same answer',
    (_code, error) => {
      expect(toHttpError(error)).toEqual({ status: httpStatusOf(error), headers: httpErrorHeaders(error), body: toHttpErrorBody(error) });
    },
  );

  it('at another status, the body follows it: 422 keeps the violations', () => {
    const error = invalid();
    expect(toHttpError(error, 422)).toEqual({
      status: 422,
      headers: {},
      body: { statusCode: 422, error: 'Unprocessable Entity', code: 'VALIDATION_FAILED', message: error.summary, violations: error.violations },
    });
  });

  it('at another status, a server-side error stays undescribed, and a 503 gets Retry-After', () => {
    expect(toHttpError(tableNotFound(), 400)).toEqual({
      status: 400,
      headers: {},
      body: { statusCode: 400, error: 'Bad Request', code: 'INTERNAL_ERROR', message: 'Internal server error' },
    });
    expect(toHttpError(conflict(), 500).body).toMatchObject({ code: 'INTERNAL_ERROR', message: 'Internal server error' });
    expect(toHttpError(conflict(), 503)).toMatchObject({ headers: { 'Retry-After': '1' }, body: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('an error of ours from an older copy of the package (no summary) is answered with its message', () => {
    const old = conflict();
    delete (old as Partial<{ summary: string }>).summary;
    expect(toHttpError(old).body.message).toBe(old.message);
  });
});

/** A RealWorld-style API: 422 for invalid input, and every error as `{ errors: { body: [...] } }`. */
const realWorldStatus = (answer: HttpErrorAnswer, error: DynamoSingleTableError) => (error.code === 'VALIDATION_FAILED' ? 422 : answer.status);
const realWorldBody = (answer: HttpErrorAnswer) => ({
  errors: { body: answer.body.violations ? answer.body.violations.flatMap((v) => Object.values(v.constraints)) : [answer.body.message] },
});

describe('DynamoSingleTableExceptionFilter.withBody', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());
  const RealWorldFilter = DynamoSingleTableExceptionFilter.withBody(realWorldBody, { status: realWorldStatus });

  it('is a filter class catching everything, as Nest reads it from the decorator', () => {
    expect(Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, RealWorldFilter)).toEqual([]);
    expect(new RealWorldFilter()).toBeInstanceOf(DynamoSingleTableExceptionFilter);
  });

  it('answers invalid input with 422 and the constraint messages, without logging', () => {
    const { filter, host, replies, headers } = httpHarness('http', false, RealWorldFilter);
    filter.catch(invalid(), host);
    expect(replies).toEqual([
      { status: 422, body: { errors: { body: ['email must be an email', 'username must be 3-30 lower-case letters', 'username must be a string'] } } },
    ]);
    expect(headers).toEqual([]);
    expect(logged).not.toHaveBeenCalled();
  });

  it.each(clientErrors)('%s: the shaped body carries the summary and never the hint', (_code, error) => {
    const { filter, host, replies } = httpHarness('http', false, RealWorldFilter);
    filter.catch(error, host);
    expect(replies).toEqual([{ status: httpStatusOf(error), body: { errors: { body: [error.summary] } } }]);
    expect(JSON.stringify(replies)).not.toContain(error.hint);
  });

  it('keeps Retry-After on a 503 and a generic, logged 5xx: the shaper gets the generic answer', () => {
    const { filter, host, replies, headers } = httpHarness('http', false, RealWorldFilter);
    filter.catch(throttled(), host);
    filter.catch(tableNotFound(), host);
    expect(replies).toEqual([
      { status: 503, body: { errors: { body: ['Service temporarily unavailable. Retry after 1 second(s).'] } } },
      { status: 500, body: { errors: { body: ['Internal server error'] } } },
    ]);
    expect(headers).toEqual([['Retry-After', '1']]);
    expect(JSON.stringify(replies)).not.toContain(SECRET);
    expect(logged).toHaveBeenCalledTimes(2);
  });

  it('gives the shaper the error itself and the answer at the final status', () => {
    const body = jest.fn((answer: HttpErrorAnswer) => ({ shaped: answer.body.statusCode }));
    const { filter, host, replies } = httpHarness('http', false, DynamoSingleTableExceptionFilter.withBody(body, { status: () => 412 }));
    const error = conflict();
    filter.catch(error, host);
    expect(body).toHaveBeenCalledWith(toHttpError(error, 412), error);
    expect(replies).toEqual([{ status: 412, body: { shaped: 412 } }]);
  });

  it('a client error turned into a 5xx is answered and logged as a server-side one', () => {
    const { filter, host, replies } = httpHarness('http', false, DynamoSingleTableExceptionFilter.withBody((answer) => answer.body, { status: () => 500 }));
    filter.catch(conflict(), host);
    expect(replies).toEqual([{ status: 500, body: { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'Internal server error' } }]);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('Reload it'), expect.any(String));
  });

  it('leaves other exceptions to Nest, unshaped', () => {
    const body = jest.fn(() => ({}));
    const { filter, host, replies } = httpHarness('http', false, DynamoSingleTableExceptionFilter.withBody(body));
    filter.catch(new BadRequestException('If-Match must be an entity tag'), host);
    expect(replies).toEqual([{ status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'If-Match must be an entity tag' } }]);
    expect(body).not.toHaveBeenCalled();
  });
});

describe('a subclass of DynamoSingleTableExceptionFilter', () => {
  class MessageOnlyFilter extends DynamoSingleTableExceptionFilter {
    protected override status(answer: HttpErrorAnswer, error: DynamoSingleTableError): number {
      return error.code === 'ENTITY_ALREADY_EXISTS' ? 422 : answer.status;
    }

    protected override body(answer: HttpErrorAnswer): object {
      return { error: answer.body.message };
    }
  }

  it('shapes the status and body by overriding status() and body()', () => {
    const { filter, host, replies } = httpHarness('http', false, MessageOnlyFilter);
    filter.catch(new EntityAlreadyExistsError('User', 'username', 'ada'), host);
    filter.catch(conflict(), host);
    expect(replies).toEqual([
      { status: 422, body: { error: 'User with username "ada" already exists.' } },
      { status: 409, body: { error: 'User "ada" was expected at version 1 but it is now at version 2.' } },
    ]);
  });
});

describe('the default filter', () => {
  it.each(clientErrors)('%s: answers the summary, never the hint', (_code, error) => {
    const { filter, host, replies } = httpHarness();
    filter.catch(error, host);
    expect(replies).toEqual([{ status: httpStatusOf(error), body: expect.objectContaining({ code: error.code, message: error.summary }) }]);
    expect(JSON.stringify(replies)).not.toContain(error.hint);
  });
});
