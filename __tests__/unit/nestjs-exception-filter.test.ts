import { BadRequestException, HttpException, Logger } from '@nestjs/common';
import {
  BatchDeleteIncompleteError,
  CollectionTooLargeError,
  ConditionFailedError,
  ParentRequiredError,
  BatchGetIncompleteError,
  BatchSaveIncompleteError,
  DynamoDBRequestError,
  DynamoSingleTableError,
  EntityAlreadyExistsError,
  EntityNotFoundError,
  EntityValidationError,
  InvalidArgumentError,
  ItemTooLargeError,
  TableNotFoundError,
  TableNotReadyError,
  TransactionCanceledError,
  UniqueConstraintError,
  VersionConflictError,
} from '../../src';
import type { ErrorCode, PropertyViolation } from '../../src';
import { RETRY_AFTER_SECONDS, httpErrorHeaders, httpStatusOf, toHttpErrorBody } from '../../src/nestjs';
import { httpHarness } from '../support/nest-http-harness';

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

/** A request failure as the executor makes it, after the SDK's retries ran out. */
function requestFailed(awsErrorName: string, status = 400): DynamoDBRequestError {
  return new DynamoDBRequestError('PutItem', Object.assign(new Error(SECRET), { name: awsErrorName, $metadata: { httpStatusCode: status, attempts: 3 } }));
}

const tableNotFound = () =>
  new TableNotFoundError('GetItem', Object.assign(new Error(SECRET), { name: 'ResourceNotFoundException' }), { tableName: 'prod-users-7f3a' }, 'User');

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
    ['CONDITION_FAILED', new ConditionFailedError('Article', 'how-to-train', ['authorId']), 409],
    ['COLLECTION_TOO_LARGE', new CollectionTooLargeError('Article', 'how-to-train', 'rename', 151, 100), 409],
    ['PARENT_REQUIRED (a mistake in the code, not in the request)', new ParentRequiredError('Comment', 'Article', 'getByStr'), 500],
    ['TRANSACTION_CANCELED (conflicts only)', transactionCanceled('ConditionalCheckFailed', 'TransactionConflict'), 409],
    ['TRANSACTION_CANCELED (a condition failure and throttling: the condition decides)', transactionCanceled('ConditionalCheckFailed', 'ProvisionedThroughputExceeded'), 409],
    ['TRANSACTION_CANCELED (throttling only)', transactionCanceled('ProvisionedThroughputExceeded', 'ThrottlingError'), 503],
    ['TRANSACTION_CANCELED (throttling and conflicts)', transactionCanceled('TransactionConflict', 'ThrottlingError'), 503],
    ['TRANSACTION_CANCELED (a validation failure)', transactionCanceled('ConditionalCheckFailed', 'ValidationError'), 500],
    ['TRANSACTION_CANCELED (no reasons)', transactionCanceled(), 500],
    ['ITEM_TOO_LARGE', new ItemTooLargeError('User', 'ada', 500_000, 400_000), 413],
    ['ITEM_TOO_LARGE (an update DynamoDB refused)', new ItemTooLargeError('User', 'ada', undefined, 400_000), 413],
    ['ProvisionedThroughputExceededException', requestFailed('ProvisionedThroughputExceededException'), 503],
    ['ThrottlingException', requestFailed('ThrottlingException'), 503],
    ['RequestLimitExceeded', requestFailed('RequestLimitExceeded'), 503],
    ['BATCH_GET_INCOMPLETE (throttled)', new BatchGetIncompleteError('User', ['ada'], [undefined], requestFailed('ProvisionedThroughputExceededException')), 503],
    ['BATCH_SAVE_INCOMPLETE (kept unprocessed)', new BatchSaveIncompleteError('User', { saved: [], unsaved: [{}], outcomeUnknown: [], unsavedStrIds: ['ada'] }), 503],
    ['BATCH_DELETE_INCOMPLETE (throttled)', new BatchDeleteIncompleteError('User', ['ada'], [], requestFailed('ThrottlingException')), 503],
    ['BATCH_GET_INCOMPLETE (an internal server error)', new BatchGetIncompleteError('User', ['ada'], [undefined], requestFailed('InternalServerError', 500)), 500],
    ['BATCH_DELETE_INCOMPLETE (the table is missing)', new BatchDeleteIncompleteError('User', ['ada'], [], tableNotFound()), 500],
    ['TABLE_NOT_FOUND', tableNotFound(), 500],
    ['TABLE_NOT_READY', new TableNotReadyError(SECRET, 1000, 'CREATING'), 500],
    ['DYNAMODB_REQUEST_FAILED', new DynamoDBRequestError('PutItem', Object.assign(new Error(SECRET), { name: 'InternalServerError' })), 500],
    ['a code added later', errorWithCode('SOMETHING_NEW'), 500],
    ['a plain Error', new Error(SECRET), 500],
    ['a thrown string', SECRET, 500],
  ];

  it.each(cases.map(([label, error, status]) => [`${label} -> ${status}`, error, status] as const))('%s', (_label, error, status) => {
    expect(httpStatusOf(error)).toBe(status);
    expect(toHttpErrorBody(error).statusCode).toBe(status);
  });

  it('a 4xx body carries the code, the reason phrase and the message without the developer\'s hint', () => {
    const error = new VersionConflictError('User', 'ada', 1, 2);
    const message = 'User "ada" was expected at version 1 but it is now at version 2.';
    expect(toHttpErrorBody(error)).toEqual({ statusCode: 409, error: 'Conflict', code: 'VERSION_CONFLICT', message });
    expect(error.message).toBe(`${message} Reload it, apply your change again and retry.`);
    expect(toHttpErrorBody(new EntityNotFoundError('User', { username: 'ada' }))).toMatchObject({ error: 'Not Found', code: 'ENTITY_NOT_FOUND' });
    const failed = new ConditionFailedError('Article', 'how-to-train', ['authorId']);
    expect(toHttpErrorBody(failed)).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'CONDITION_FAILED',
      message: 'Article "how-to-train" was not written: its condition on authorId does not hold on the stored entity.',
    });
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

  it('a 413 body carries the code and the message (it describes the client\'s own entity)', () => {
    const error = new ItemTooLargeError('User', 'ada', 500_000, 400_000);
    expect(toHttpErrorBody(error)).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      code: 'ITEM_TOO_LARGE',
      message: 'User "ada" would be stored as 500000 bytes; DynamoDB items are limited to 400000 bytes.',
    });
    expect(httpErrorHeaders(error)).toEqual({});
  });

  it.each([
    ['a throttled request', requestFailed('ProvisionedThroughputExceededException')],
    ['a throttled transaction', transactionCanceled('ThrottlingError')],
    ['a throttled batch', new BatchGetIncompleteError('User', ['ada'], [undefined], requestFailed('ThrottlingException'))],
  ])('a 503 body (%s) is generic, leaks nothing, and comes with Retry-After', (_label, error) => {
    expect(toHttpErrorBody(error)).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'SERVICE_UNAVAILABLE',
      message: `Service temporarily unavailable. Retry after ${RETRY_AFTER_SECONDS} second(s).`,
    });
    expect(httpErrorHeaders(error)).toEqual({ 'Retry-After': String(RETRY_AFTER_SECONDS) });
    expect(RETRY_AFTER_SECONDS).toBe(1);
  });

  it.each([
    ['ours', new DynamoDBRequestError('PutItem', Object.assign(new Error(SECRET), { name: 'InternalServerError' }))],
    ['a missing table', tableNotFound()],
    ['foreign', new Error(SECRET)],
  ])('a 500 body (%s error) is generic and leaks nothing', (_label, error) => {
    const body = toHttpErrorBody(error);
    expect(body).toEqual({ statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'Internal server error' });
  });
});

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

  it('answers throttling that outlived the retries with 503 and Retry-After, and logs it', () => {
    const { filter, host, replies, headers } = httpHarness();
    filter.catch(requestFailed('ProvisionedThroughputExceededException'), host);
    expect(replies).toEqual([{ status: 503, body: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }) }]);
    expect(headers).toEqual([['Retry-After', '1']]);
    expect(JSON.stringify(replies)).not.toContain('prod-users');
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('ProvisionedThroughputExceededException'), expect.any(String));
  });

  it('answers a missing table with a generic 500, no Retry-After, and logs which table', () => {
    const { filter, host, replies, headers } = httpHarness();
    filter.catch(tableNotFound(), host);
    expect(replies).toEqual([{ status: 500, body: expect.objectContaining({ code: 'INTERNAL_ERROR', message: 'Internal server error' }) }]);
    expect(JSON.stringify(replies)).not.toContain('prod-users');
    expect(headers).toEqual([]);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('TABLE_NOT_FOUND: DynamoDB GetItem for User failed: table "prod-users-7f3a"'), expect.any(String));
  });

  it('answers an oversized item with 413 and its message, without logging', () => {
    const { filter, host, replies, headers } = httpHarness();
    filter.catch(new ItemTooLargeError('User', 'ada', 500_000, 400_000), host);
    expect(replies).toEqual([{ status: 413, body: expect.objectContaining({ code: 'ITEM_TOO_LARGE', error: 'Payload Too Large' }) }]);
    expect(headers).toEqual([]);
    expect(logged).not.toHaveBeenCalled();
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
