/**
 * An API with its own error format, over real HTTP (Express adapter), against each engine: the
 * example's users module behind `DynamoSingleTableExceptionFilter.withBody`, registered through DI
 * (APP_FILTER, useClass), answering like the RealWorld API: 422 for invalid input and every error as
 * `{ errors: { body: [...] } }`. What the client reads is the error's summary, never the developer's
 * hint; a 503 keeps Retry-After; Nest's own exceptions keep Nest's body.
 */
import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { DynamoSingleTableError } from '../../src';
import { DynamoSingleTableExceptionFilter, DynamoSingleTableModule } from '../../src/nestjs';
import type { DynamoSingleTableModuleOptions, HttpErrorAnswer } from '../../src/nestjs';
import { UsersModule } from '../../examples/nestjs-app/users.module';
import { describeEachEngine } from '../support/engines';
import { useNestApp } from '../support/nest-app';

const RealWorldExceptionFilter = DynamoSingleTableExceptionFilter.withBody(
  (answer: HttpErrorAnswer) => ({
    errors: { body: answer.body.violations?.flatMap((violation) => Object.values(violation.constraints)) ?? [answer.body.message] },
  }),
  { status: (answer: HttpErrorAnswer, error: DynamoSingleTableError) => (error.code === 'VALIDATION_FAILED' ? 422 : answer.status) },
);

@Module({})
class RealWorldAppModule {
  static register(database: DynamoSingleTableModuleOptions): DynamicModule {
    return {
      module: RealWorldAppModule,
      imports: [DynamoSingleTableModule.forRoot({ ensureTable: true, ...database }), UsersModule],
      providers: [{ provide: APP_FILTER, useClass: RealWorldExceptionFilter }],
    };
  }
}

describeEachEngine('NestJS filter withBody: a RealWorld-style error format over HTTP', (engine) => {
  const app = useNestApp(engine, (database) => RealWorldAppModule.register(database), { tableSuffix: 'realworld', maxAttempts: 1 });
  const { faults } = app;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${app.baseUrl()}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), text, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  it('invalid input: 422 with every constraint message, and nothing else', async () => {
    const answer = await call('POST', '/users', { username: 'X!', email: 'not-an-email' });
    expect(answer.status).toBe(422);
    const messages = (answer.body as { errors: { body: string[] } }).errors.body;
    expect([...messages].sort()).toEqual(['email must be an email', 'username must be 3-30 lower-case letters, digits or _']);
    expect(Object.keys(answer.body as object)).toEqual(['errors']);
  });

  it("a duplicate: 409 with the summary, not the hint's getOrCreate()", async () => {
    expect((await call('POST', '/users', { username: 'dup', email: 'dup@example.com' })).status).toBe(201);
    const answer = await call('POST', '/users', { username: 'dup', email: 'other@example.com' });
    expect(answer).toMatchObject({ status: 409, body: { errors: { body: ['User with username "dup" already exists.'] } } });
    expect(answer.text).not.toContain('getOrCreate');
  });

  it('a stale If-Match: 409 saying which version, without "Reload it, apply your change again and retry."', async () => {
    await call('POST', '/users', { username: 'linus', email: 'linus@example.com' });
    expect((await call('PATCH', '/users/linus', { displayName: 'Linus' }, { 'if-match': '"1"' })).status).toBe(200);
    const stale = await call('PATCH', '/users/linus', { displayName: 'Stale' }, { 'if-match': '"1"' });
    expect(stale).toMatchObject({ status: 409, body: { errors: { body: ['User "linus" was expected at version 1 but it is now at version 2.'] } } });
    expect(stale.text).not.toContain('Reload');
  });

  it('a missing user: 404 in the same format', async () => {
    expect(await call('GET', '/users/nobody')).toMatchObject({ status: 404, retryAfter: null, body: { errors: { body: ['User with username "nobody" does not exist.'] } } });
  });

  it('throttling that outlived the retries: 503 with Retry-After, the generic text in the same format', async () => {
    faults.inject({ operation: 'GetItem', fault: { kind: 'throttle' } });
    expect(await call('GET', '/users/dup')).toMatchObject({
      status: 503,
      retryAfter: '1',
      body: { errors: { body: ['Service temporarily unavailable. Retry after 1 second(s).'] } },
    });
  });

  it("Nest's own exceptions keep Nest's body", async () => {
    const answer = await call('PATCH', '/users/linus', { displayName: 'x' }, { 'if-match': 'W/"3"' });
    expect(answer).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    expect(answer.body).not.toHaveProperty('errors');
  });
});
