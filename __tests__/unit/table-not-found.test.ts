import 'reflect-metadata';
import { RequestExecutor } from '../../src/client/executor';
import { requestTarget } from '../../src/client/request-error';
import { DynamoDBRequestError, TableNotFoundError, isDynamoSingleTableError } from '../../src';
import { awsError, fakeClient } from '../support/fake-client';

describe('requestTarget: the table (and index) a request names', () => {
  it.each([
    ['GetItem', { TableName: 't1', Key: {} }, { tableName: 't1' }],
    ['Query of an index', { TableName: 't1', IndexName: 'type-uid-index' }, { tableName: 't1', indexName: 'type-uid-index' }],
    ['BatchGetItem', { RequestItems: { t1: { Keys: [] } } }, { tableName: 't1' }],
    ['BatchWriteItem over two tables', { RequestItems: { t1: [], t2: [] } }, { tableName: 't1, t2' }],
    [
      'TransactWriteItems',
      { TransactItems: [{ Put: { TableName: 't1' } }, { ConditionCheck: { TableName: 't1' } }, { Delete: { TableName: 't2' } }, { Update: { TableName: 't1' } }] },
      { tableName: 't1, t2' },
    ],
    ['TransactGetItems', { TransactItems: [{ Get: { TableName: 't1' } }] }, { tableName: 't1' }],
    ['nothing named', {}, undefined],
  ])('%s', (_label, input, target) => {
    expect(requestTarget(input)).toEqual(target);
  });
});

describe('RequestExecutor: a missing table is a TableNotFoundError', () => {
  const missing = () => awsError('ResourceNotFoundException', { message: 'Requested resource not found' });

  it('names the table, the entity and the fix, and keeps the AWS details', async () => {
    const { client } = fakeClient(() => {
      throw missing();
    });
    const error = await new RequestExecutor(client).send('GetItem', { TableName: 'app', Key: {} }, 'User').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TableNotFoundError);
    expect(error).toBeInstanceOf(DynamoDBRequestError); // every instanceof check of request failures still holds
    expect(isDynamoSingleTableError(error, 'TABLE_NOT_FOUND')).toBe(true);
    expect(error).toMatchObject({
      code: 'TABLE_NOT_FOUND',
      tableName: 'app',
      indexName: undefined,
      entity: 'User',
      operation: 'GetItem',
      awsErrorName: 'ResourceNotFoundException',
      httpStatusCode: 400,
      requestId: 'req-1',
      retryable: false,
    });
    expect((error as Error).message).toBe(
      'DynamoDB GetItem for User failed: table "app" does not exist in the region and account of this client. ' +
        'Call em.ensureTableExists() at start-up (it creates the table and its index and waits until they are ACTIVE), ' +
        'or create the table with the layout described in the README.',
    );
    expect((error as Error).cause).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('names the index too when the request had one (DynamoDB says the same for a missing index)', async () => {
    const { client } = fakeClient(() => {
      throw missing();
    });
    const error = await new RequestExecutor(client).send('Query', { TableName: 'app', IndexName: 'type-uid-index' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ tableName: 'app', indexName: 'type-uid-index' });
    expect((error as Error).message).toMatch(/^DynamoDB Query failed: table "app" does not exist \(or has no index "type-uid-index"\) in /);
  });

  it('leaves every other failure a plain DynamoDBRequestError', async () => {
    const { client } = fakeClient(() => {
      throw awsError('ValidationException');
    });
    const error = await new RequestExecutor(client).send('GetItem', { TableName: 'app', Key: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DynamoDBRequestError);
    expect(error).not.toBeInstanceOf(TableNotFoundError);
    expect((error as DynamoDBRequestError).code).toBe('DYNAMODB_REQUEST_FAILED');
  });
});
