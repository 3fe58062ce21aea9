/**
 * The exception filter's server-side answers over real HTTP (Express adapter), against each engine:
 * throttling that outlived the retries is a 503 with Retry-After (it used to be a 500), and a table
 * deleted under the running app is a generic 500 that names nothing internal.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { AppModule } from '../../examples/nestjs-app/app.module';
import { describeEachEngine, waitForTableDeleted } from '../support/engines';
import { useNestApp } from '../support/nest-app';

describeEachEngine('NestJS filter: server-side failures over HTTP', (engine) => {
  const app = useNestApp(engine, (database) => AppModule.register(database), { tableSuffix: 'errors', maxAttempts: 1 });
  const { faults } = app;

  async function get(path: string) {
    const response = await fetch(`${app.baseUrl()}${path}`);
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  }

  it('throttling that outlived the retries: 503 with Retry-After: 1 and a generic body', async () => {
    faults.inject({ operation: 'GetItem', fault: { kind: 'throttle' } });
    const answer = await get('/users/ada');
    expect(answer).toEqual({
      status: 503,
      retryAfter: '1',
      body: { statusCode: 503, error: 'Service Unavailable', code: 'SERVICE_UNAVAILABLE', message: 'Service temporarily unavailable. Retry after 1 second(s).' },
    });
  });

  it('a client error carries no Retry-After', async () => {
    expect(await get('/users/nobody')).toMatchObject({ status: 404, retryAfter: null, body: { code: 'ENTITY_NOT_FOUND' } });
  });

  it('a table deleted under the running app: a generic 500 naming nothing internal', async () => {
    const tableName = app.tableName();
    await engine().client.send(new DeleteTableCommand({ TableName: tableName }));
    await waitForTableDeleted(engine().client, tableName);
    const answer = await get('/users/ada');
    expect(answer).toEqual({
      status: 500,
      retryAfter: null,
      body: { statusCode: 500, error: 'Internal Server Error', code: 'INTERNAL_ERROR', message: 'Internal server error' },
    });
    expect(JSON.stringify(answer)).not.toContain(tableName);
  });
});
