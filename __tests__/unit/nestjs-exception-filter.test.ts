import { BadRequestException, HttpException, Logger } from '@nestjs/common';
import type { ArgumentsHost, HttpServer } from '@nestjs/common';
import {
  DynamoDBRequestError,
  DynamoSingleTableError,
  EntityAlreadyExistsError,
  EntityNotFoundError,
  EntityValidationError,
  InvalidArgumentError,
  ItemTooLargeError,
  TableNotReadyError,
  TransactionCanceledError,
  UniqueConstraintError,
  VersionConflictError,
} from '../../src';
import type { ErrorCode, PropertyViolation } from '../../src';
import { DynamoSingleTableExceptionFilter, httpStatusOf, toHttpErrorBody } from '../../src/nestjs';

/** An error of ours by code alone: how the filter sees codes whose classes it never imports. */
function errorWithCode(code: string, extra: Record<string, unknown> = {}): DynamoSingleTableError {
  return Object.assign(new DynamoSingleTableError(code as ErrorCode, `a ${code} error`), extra);
}

function transactionCanceled(...reasons: string[]): DynamoSingleTableError {
  return errorWithCode('TRANSACTION_CANCELED', {
    failures: reasons.map((reason, index) => ({ index, operation: 'save', entity: 'User', strId: `u${index}`, reason })),
  });
}

const SECRET = 'table prod-users-7f3a in arn:aws:dynamodb:eu-west-1:123456789012';

describe('toHttpErrorBody: status per code', () => {
  const cases: Array<[string, unknown, number]> = [
    ['VALIDATION_FAILED', new EntityValidationError('User', [{ property: 'email', constraints: { isEmail: 'email must be an email' } }]), 400],
    ['INVALID_ARGUMENT', new InvalidArgumentError('uid must be a lower-case UUID'), 400],
    ['ENTITY_NOT_FOUND', new EntityNotFoundError('User', { username: 'ada' }), 404],
    ['ENTITY_ALREADY_EXISTS', new EntityAlreadyExistsError('User', 'username', 'ada'), 409],
    ['UNIQUE_CONSTRAINT_VIOLATION', errorWithCode('UNIQUE_CONSTRAINT_VIOLATION'), 409],
    ['UniqueConstraintError', new UniqueConstraintError('User', 'email', 'ada@example.com'), 409],
    [
      'TransactionCanceledError (a unique clash)',
      new TransactionCanceledError([{ index: 0, operation: 'uniqueGuard', entity: 'User', strId: 'ada', reason: 'ConditionalCheckFailed' }], undefined),
      409,
    ],
    ['VERSION_CONFLICT', new VersionConflictError('User', 'ada', 1, 2), 409],
    ['TRANSACTION_CANCELED (conflicts only)', transactionCanceled('ConditionalCheckFailed', 'TransactionConflict'), 409],
    ['TRANSACTION_CANCELED (a throughput failure)', transactionCanceled('ConditionalCheckFailed', 'ProvisionedThroughputExceeded'), 500],
    ['TRANSACTION_CANCELED (no reasons)', transactionCanceled(), 500],
    ['ITEM_TOO_LARGE', new ItemTooLargeError('User', 'ada', 500_000, 400_000), 500],
    ['TABLE_NOT_READY', new TableNotReadyError(SECRET, 1000, 'CREATING'), 500],
    ['DYNAMODB_REQUEST_FAILED', new DynamoDBRequestError('PutItem', Object.assign(new Error(SECRET), { name: 'InternalServerError' })), 500],
    ['a code added later', errorWithCode('SOMETHING_NEW'), 500],
    ['a plain Error', new Error(SECRET), 500],
    ['a thrown string', SECRET, 500],
  ];

  it.each(cases)('%s -> %i', (_label, error, status) => {
    expect(httpStatusOf(error)).toBe(status);
    expect(toHttpErrorBody(error).statusCode).toBe(status);
  });

  it('a 4xx body carries the code, the reason phrase and the message', () => {
    const error = new VersionConflictError('User', 'ada', 1, 2);
    expect(toHttpErrorBody(error)).toEqual({ statusCode: 409, error: 'Conflict', code: 'VERSION_CONFLICT', message: error.message });
    expect(toHttpErrorBody(new EntityNotFoundError('User', { username: 'ada' }))).toMatchObject({ error: 'Not Found', code: 'ENTITY_NOT_FOUND' });
  });

  it('a validation body lists every property with its constraint messages', () => {
    const violations: PropertyViolation[] = [
      { property: 'email', constraints: { isEmail: 'email must be an email' } },
      { property: 'address.city', constraints: { isLength: 'city is too long', isString: 'city must be a string' } },
    ];
    expect(toHttpErrorBody(new EntityValidationError('User', violations))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'VALIDATION_FAILED',
      message: 'User is invalid: email: email must be an email | address.city: city is too long; city must be a string',
      violations,
    });
  });

  it.each([
    ['ours', new DynamoDBRequestError('PutItem', Object.assign(new Error(SECRET), { name: 'InternalServerError' }))],
    ['foreign', new Error(SECRET)],
  ])('a 500 body (%s error) is generic and leaks nothing', (_label, error) => {
    const body = toHttpErrorBody(error);
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'Internal server error' });
  });
});

/** A fake HTTP adapter and ArgumentsHost: enough of Nest's contract for the filter. */
function httpHarness(type = 'http', headersSent = false) {
  const replies: Array<{ body: unknown; status: number | undefined }> = [];
  const adapter = {
    reply: jest.fn((_response: unknown, body: unknown, status?: number) => replies.push({ body, status })),
    isHeadersSent: jest.fn(() => headersSent),
    end: jest.fn(),
  };
  const response = { fake: 'response' };
  const host = {
    getType: () => type,
    getArgByIndex: (index: number) => (index === 1 ? response : undefined),
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({}) }),
  } as unknown as ArgumentsHost;
  const filter = new DynamoSingleTableExceptionFilter(adapter as unknown as HttpServer);
  return { filter, host, adapter, replies, response };
}

describe('DynamoSingleTableExceptionFilter', () => {
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('answers our errors with our body, without logging client errors', () => {
    const { filter, host, replies, response, adapter } = httpHarness();
    filter.catch(new EntityNotFoundError('User', { username: 'ada' }), host);
    expect(replies).toEqual([{ status: 404, body: toHttpErrorBody(new EntityNotFoundError('User', { username: 'ada' })) }]);
    expect(adapter.reply.mock.calls[0]?.[0]).toBe(response);
    expect(logged).not.toHaveBeenCalled();
  });

  it('answers our server-side errors with a generic 500 and logs the details', () => {
    const { filter, host, replies } = httpHarness();
    filter.catch(new DynamoDBRequestError('PutItem', Object.assign(new Error(SECRET), { name: 'InternalServerError' })), host);
    expect(replies).toEqual([{ status: 500, body: expect.objectContaining({ code: 'INTERNAL_ERROR', message: 'Internal server error' }) }]);
    expect(JSON.stringify(replies)).not.toContain('prod-users');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(SECRET), expect.any(String));
  });

  it('leaves HttpExceptions to Nest: their own status and body', () => {
    const { filter, host, replies } = httpHarness();
    filter.catch(new BadRequestException('If-Match must be an entity tag'), host);
    filter.catch(new HttpException({ custom: true }, 418), host);
    expect(replies).toEqual([
      { status: 400, body: { statusCode: 400, error: 'Bad Request', message: 'If-Match must be an entity tag' } },
      { status: 418, body: { custom: true } },
    ]);
  });

  it('leaves unknown errors to Nest: a generic, logged 500 with nothing of the error in it', () => {
    const { filter, host, replies } = httpHarness();
    filter.catch(new Error(SECRET), host);
    expect(replies).toEqual([{ status: 500, body: { statusCode: 500, message: 'Internal server error' } }]);
    expect(logged).toHaveBeenCalled();
  });

  it('keeps client errors of body-parser (malformed JSON) at their 4xx status', () => {
    const { filter, host, replies } = httpHarness();
    filter.catch(Object.assign(new Error('Unexpected token } in JSON'), { statusCode: 400, expose: true }), host);
    expect(replies).toEqual([{ status: 400, body: { statusCode: 400, message: 'Unexpected token } in JSON' } }]);
  });

  it('ends the response instead of replying when headers were already sent', () => {
    const { filter, host, adapter } = httpHarness('http', true);
    filter.catch(new VersionConflictError('User', 'ada', 1, 2), host);
    expect(adapter.reply).not.toHaveBeenCalled();
    expect(adapter.end).toHaveBeenCalledTimes(1);
  });

  it('rethrows outside HTTP (RPC, WebSockets, GraphQL)', () => {
    const { filter, host, adapter } = httpHarness('rpc');
    const error = new EntityNotFoundError('User', { username: 'ada' });
    expect(() => filter.catch(error, host)).toThrow(error);
    expect(adapter.reply).not.toHaveBeenCalled();
  });
});
