/**
 * The NestJS example app (examples/nestjs-app) over real HTTP on an ephemeral port, against each
 * engine: status codes and bodies of the exception filter, If-Match updates and their races, group
 * memberships as edge items (joins, member lists, a deleted user leaving every group).
 */
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager, parentStrIdOf } from '../../src';
import { AppModule } from '../../examples/nestjs-app/app.module';
import { Group, Membership, User } from '../../examples/nestjs-app/entities';
import { describeEachEngine } from '../support/engines';
import { faultyClient } from '../support/faults';
import { allItems } from '../support/tables';
import { recordCommands } from '../support/recording';
import type { SentCommand as Sent } from '../support/recording';



interface Answer {
  status: number;
  etag: string | null;
  body: any;
}

describeEachEngine('NestJS example app over HTTP', (engine) => {
  let app: INestApplication | undefined;
  let baseUrl = '';
  let em: EntityManager;
  let client: DynamoDBClient | undefined;
  let sent: Sent[] = [];

  beforeAll(async () => {
    const tableName = engine().tableName('app');
    // A client of the app's own (no faults injected), so the commands it sends can be recorded.
    client = faultyClient(engine(), { maxAttempts: 3 }).client;
    sent = recordCommands(client);
    app = await NestFactory.create(AppModule.register({ client, tableName }), { logger: ['error'] });
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    // A second, independent view of the same table, to check what was really stored.
    em = new EntityManager({ client: engine().client, tableName });
  });
  afterAll(async () => {
    await app?.close();
    client?.destroy();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, etag: response.headers.get('etag'), body: text ? JSON.parse(text) : undefined };
  }

  it('creates a user (201 with an ETag) and reads it back by username', async () => {
    const created = await call('POST', '/users', { username: 'ada', email: 'ada@example.com', displayName: 'Ada' });
    expect(created).toMatchObject({ status: 201, etag: '"1"', body: { username: 'ada', email: 'ada@example.com', version: 1 } });
    const read = await call('GET', '/users/ada');
    expect(read).toMatchObject({ status: 200, etag: '"1"', body: { username: 'ada', displayName: 'Ada', uid: created.body.uid } });
  });

  it('answers 400 with every violation for invalid input, and stores nothing', async () => {
    const answer = await call('POST', '/users', { username: 'X!', email: 'not-an-email' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(answer.body.violations.map((v: { property: string }) => v.property).sort()).toEqual(['email', 'username']);
    expect(answer.body.violations.find((v: { property: string }) => v.property === 'email').constraints).toEqual({
      isEmail: 'email must be an email',
    });
    await expect(em.getRepository(User).findByStr('X!')).resolves.toBeUndefined();
  });

  it('answers 400 for unknown fields and for a patch of the username', async () => {
    await call('POST', '/users', { username: 'grace', email: 'grace@example.com' });
    const unknown = await call('PATCH', '/users/grace', { role: 'admin' });
    expect(unknown).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', violations: [{ property: 'role' }] } });
    const rename = await call('PATCH', '/users/grace', { username: 'hopper' });
    expect(rename).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', violations: [{ property: 'username' }] } });
  });

  it('answers 404 for a missing user, on read, update and delete', async () => {
    for (const [method, body] of [['GET'], ['PATCH', { displayName: 'x' }], ['DELETE']] as const) {
      const answer = await call(method, '/users/nobody', body);
      expect(answer).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found', code: 'ENTITY_NOT_FOUND' } });
    }
  });

  it('answers 409 to a duplicate username and keeps the first user', async () => {
    const first = await call('POST', '/users', { username: 'dup', email: 'first@example.com' });
    const second = await call('POST', '/users', { username: 'dup', email: 'second@example.com' });
    expect(second).toMatchObject({ status: 409, body: { statusCode: 409, error: 'Conflict', code: 'ENTITY_ALREADY_EXISTS' } });
    // The summary only: the developer's hint ("Use getOrCreate()...") is not for the client.
    expect(second.body.message).toBe('User with username "dup" already exists.');
    const stored = await em.getRepository(User).getByStr('dup');
    expect([stored.email, stored.uid, stored.version]).toEqual(['first@example.com', first.body.uid, 1]);
  });

  it('PATCH with If-Match applies at the current version and answers 409 to a stale one', async () => {
    await call('POST', '/users', { username: 'linus', email: 'linus@example.com' });
    const fresh = await call('PATCH', '/users/linus', { displayName: 'Linus' }, { 'if-match': '"1"' });
    expect(fresh).toMatchObject({ status: 200, etag: '"2"', body: { displayName: 'Linus', version: 2 } });
    const stale = await call('PATCH', '/users/linus', { displayName: 'Stale' }, { 'if-match': '"1"' });
    expect(stale).toMatchObject({ status: 409, body: { code: 'VERSION_CONFLICT' } });
    expect(stale.body.message).toBe('User "linus" was expected at version 1 but it is now at version 2.');
    const stored = await em.getRepository(User).getByStr('linus');
    expect([stored.displayName, stored.version]).toEqual(['Linus', 2]);
    // Without If-Match the update is unconditional; a malformed one is the client's error.
    expect((await call('PATCH', '/users/linus', { displayName: 'L.' })).body.version).toBe(3);
    expect(await call('PATCH', '/users/linus', { displayName: 'x' }, { 'if-match': 'W/"3"' })).toMatchObject({ status: 400 });
  });

  it('of two concurrent PATCHes with the same If-Match, exactly one wins and the other gets 409', async () => {
    for (let round = 0; round < 5; round += 1) {
      const username = `race_${round}`;
      await call('POST', '/users', { username, email: `${username}@example.com` });
      const answers = await Promise.all(
        ['left', 'right'].map((side) => call('PATCH', `/users/${username}`, { displayName: side }, { 'if-match': '"1"' })),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const winner = answers.find((a) => a.status === 200) as Answer;
      expect(answers.find((a) => a.status === 409)?.body.code).toBe('VERSION_CONFLICT');
      const stored = await em.getRepository(User).getByStr(username);
      expect([stored.displayName, stored.version]).toEqual([winner.body.displayName, 2]);
    }
  });

  it('deletes a user: 204, then 404', async () => {
    await call('POST', '/users', { username: 'temp', email: 'temp@example.com' });
    expect((await call('DELETE', '/users/temp')).status).toBe(204);
    expect((await call('GET', '/users/temp')).status).toBe(404);
    await expect(em.getRepository(User).findByStr('temp')).resolves.toBeUndefined();
  });

  it('adds users to a group, idempotently, and lists its members', async () => {
    const names = ['m_one', 'm_two', 'm_three'];
    for (const username of names) await call('POST', '/users', { username, email: `${username}@example.com` });
    expect(await call('POST', '/groups', { name: 'crew', title: 'Crew' })).toMatchObject({ status: 201, body: { name: 'crew', members: [] } });
    for (const username of names) expect((await call('PUT', `/groups/crew/members/${username}`)).status).toBe(200);
    const sorted = [...names].sort(); // members list in username order: their sort keys in the group's partition
    const again = await call('PUT', '/groups/crew/members/m_one');
    // Joining writes a membership item, not the group: the group stays at version 1.
    expect([again.status, again.body.members, again.body.version]).toEqual([200, sorted, 1]);
    sent.length = 0;
    expect((await call('GET', '/groups/crew')).body).toMatchObject({ name: 'crew', title: 'Crew', members: sorted, version: 1 });
    expect(sent.map((s) => [s.command, s.input.ConsistentRead])).toEqual([['Query', true]]); // the group and its members
    sent.length = 0;
    const members = await call('GET', '/groups/crew/members');
    expect(sent.map((s) => s.command)).toEqual(['Query', 'BatchGetItem']);
    expect(members.status).toBe(200);
    expect(members.body.map((u: { username: string }) => u.username)).toEqual(sorted);
    const stored = await em.getRepository(Membership).of('crew').query().toArray();
    expect(stored.map((m) => [m.username, parentStrIdOf(m)])).toEqual(sorted.map((username) => [username, 'crew']));
    expect((await call('PUT', '/groups/crew/members/nobody')).status).toBe(404);
    expect((await call('PUT', '/groups/nowhere/members/m_one')).status).toBe(404);
    expect((await call('GET', '/groups/nowhere/members')).status).toBe(404);
    await expect(em.getRepository(Membership).of('nowhere').query().toArray()).resolves.toEqual([]);
  });

  it('concurrent joins of one group all land, each its own membership item', async () => {
    const names = ['c_one', 'c_two', 'c_three', 'c_four'];
    for (const username of names) await call('POST', '/users', { username, email: `${username}@example.com` });
    await call('POST', '/groups', { name: 'rush' });
    const joins = await Promise.all([...names, ...names].map((username) => call('PUT', `/groups/rush/members/${username}`)));
    expect(joins.map((j) => j.status)).toEqual(Array(8).fill(200));
    const stored = await em.getRepository(Membership).of('rush').query().toArray();
    expect(stored.map((m) => m.username)).toEqual([...names].sort());
    expect((await em.getRepository(Group).getByStr('rush')).version).toBe(1);
  });

  it('deleting a user removes it from the member lists of its groups', async () => {
    for (const username of ['del_a', 'del_b']) await call('POST', '/users', { username, email: `${username}@example.com` });
    for (const name of ['g-one', 'g-two']) await call('POST', '/groups', { name });
    for (const [name, username] of [['g-one', 'del_a'], ['g-one', 'del_b'], ['g-two', 'del_a']]) {
      expect((await call('PUT', `/groups/${name}/members/${username}`)).status).toBe(200);
    }
    sent.length = 0;
    expect((await call('DELETE', '/users/del_a')).status).toBe(204);
    if (engine().capabilities.transactions) {
      // The user and both memberships in one TransactWriteItems.
      const transactions = sent.filter((s) => s.command === 'TransactWriteItems');
      expect(transactions.map((s) => (s.input.TransactItems as unknown[]).length)).toEqual([3]);
      expect(sent.filter((s) => s.command === 'DeleteItem')).toEqual([]);
    }
    expect((await call('GET', '/groups/g-one')).body.members).toEqual(['del_b']);
    expect((await call('GET', '/groups/g-two')).body.members).toEqual([]);
    expect((await call('GET', '/groups/g-one/members')).body.map((u: { username: string }) => u.username)).toEqual(['del_b']);
    await expect(em.getRepository(Membership).query({ index: 'byUser', where: { username: 'del_a' } }).toArray()).resolves.toEqual([]);
    await expect(em.getRepository(User).findByStr('del_a')).resolves.toBeUndefined();
    expect(JSON.stringify(await allItems(em))).not.toContain('del_a');
    // Deleting again: 404, and nothing else changes.
    expect((await call('DELETE', '/users/del_a')).status).toBe(404);
    expect((await call('GET', '/groups/g-one')).body.members).toEqual(['del_b']);
  });

  it('deleting a user in more groups than one transaction holds deletes its memberships in steps, then the user', async () => {
    const groups = Array.from({ length: 100 }, (_, i) => `big-${String(i).padStart(3, '0')}`);
    await call('POST', '/users', { username: 'joiner', email: 'joiner@example.com' });
    await em.getRepository(Group).saveMany(groups.map((name) => ({ name })));
    for (const name of groups) await em.getRepository(Membership).of(name).create({ username: 'joiner' });
    sent.length = 0;
    expect((await call('DELETE', '/users/joiner')).status).toBe(204);
    expect(sent.filter((s) => s.command === 'TransactWriteItems')).toEqual([]);
    expect(sent.filter((s) => s.command === 'DeleteItem')).toHaveLength(101);
    await expect(em.getRepository(Membership).query({ index: 'byUser', where: { username: 'joiner' } }).toArray()).resolves.toEqual([]);
    await expect(em.getRepository(User).findByStr('joiner')).resolves.toBeUndefined();
    expect(JSON.stringify(await allItems(em))).not.toContain('joiner');
  }, 60_000);

  it('leaves errors that are not ours to Nest: malformed JSON stays a 400', async () => {
    const answer = await call('POST', '/users', '{"username": ');
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBeUndefined();
  });
});
