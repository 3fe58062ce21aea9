/**
 * Regressions: a table deleted under a live EntityManager. Requests on it used to fail with a raw-named
 * DynamoDBRequestError (ResourceNotFoundException), ensureTableExists() on a table being deleted used
 * to poll until its timeout (or report a false schema mismatch on dynalite, which drops the index
 * from a DELETING table's description), and a manager whose ensureTableExists() had succeeded kept
 * answering from memory after the table was gone.
 */
import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../../src';
import { describeEachEngine, testWhen, waitForTableDeleted } from '../support/engines';
import { isEngineWanted } from '../support/engine-env';
import { faultyClient } from '../support/faults';
import { localClientConfig } from '../../src/testing';
import { Group, User } from '../fixtures/entities';

/** Makes the client's next `times` DescribeTable calls answer DELETING (the real request still goes out). */
function reportDeleting(client: DynamoDBClient, times: number): void {
  let reported = 0;
  client.middlewareStack.add(
    ((next: (args: { input: { TableName?: string } }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: { TableName?: string } }) => {
        if (context.commandName !== 'DescribeTableCommand' || reported >= times) return next(args);
        reported += 1;
        await next(args).catch(() => undefined);
        return { response: {}, output: { $metadata: {}, Table: { TableName: args.input.TableName, TableStatus: 'DELETING' } } };
      }) as never,
    { step: 'initialize', name: 'reportDeleting' },
  );
}

const codeOf = (error: unknown) => (error as { code?: string }).code;

describeEachEngine('a deleted table', (engine) => {
  async function deleteTable(tableName: string): Promise<void> {
    await engine().client.send(new DeleteTableCommand({ TableName: tableName }));
    await waitForTableDeleted(engine().client, tableName);
  }

  describe('requests on it are a TableNotFoundError naming the table and the fix', () => {
    let em: EntityManager;
    beforeAll(async () => {
      em = new EntityManager({ client: engine().client, tableName: engine().tableName('gone') });
      await em.ensureTableExists();
      await em.getRepository(User).create({ username: 'before', email: 'before@example.com' });
      await em.getRepository(Group).create({ name: 'before' });
      await deleteTable(em.tableName);
    });
    const users = () => em.getRepository(User);

    it.each<[string, () => Promise<unknown>, string | undefined]>([
      ['getByStr', () => users().getByStr('before'), undefined],
      ['findByStr', () => users().findByStr('before'), undefined],
      ['create', () => users().create({ username: 'after', email: 'after@example.com' }), undefined],
      ['getOrCreate', () => users().getOrCreate({ username: 'after', email: 'after@example.com' }), undefined],
      ['save of a new entity', () => em.getRepository(Group).save(Object.assign(new Group(), { name: 'new' })), undefined],
      ['deleteByStr', () => users().deleteByStr('before'), undefined],
      ['update', () => users().update('before', { age: 3 }), undefined],
      ['query', () => users().query().toArray(), 'type-uid-index'],
      ['count', () => users().count(), 'type-uid-index'],
      ['scan', () => users().scan({ allowScan: true }).toArray(), undefined],
      ['getByUid', () => users().getByUid('0190b2a4-4c1e-7a3b-8c2d-1e2f3a4b5c6d'), 'type-uid-index'],
    ])('%s', async (_label, act, indexName) => {
      const error = await Promise.resolve().then(act).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('TABLE_NOT_FOUND');
      expect(error).toMatchObject({ tableName: em.tableName, indexName });
      expect((error as Error).message).toContain(JSON.stringify(em.tableName));
      expect((error as Error).message).toContain('em.ensureTableExists()');
    });

    it('getMany: the batch error carries the TableNotFoundError as its cause', async () => {
      const error = await users().getMany(['before']).catch((e: unknown) => e);
      expect(codeOf((error as { cause?: unknown }).cause ?? error)).toBe('TABLE_NOT_FOUND');
    });

    testWhen((caps) => caps.transactions, 'needs TransactWriteItems', 'a transaction', async () => {
      const error = await em.transaction((tx) => tx.create(Group, { name: 'tx' })).catch((e: unknown) => e);
      expect(codeOf(error)).toBe('TABLE_NOT_FOUND');
      expect(error).toMatchObject({ tableName: em.tableName });
    });
  });

  it('the same manager recreates the table on its next ensureTableExists(), and works again', async () => {
    const em = new EntityManager({ client: engine().client, tableName: engine().tableName('recreated') });
    await em.ensureTableExists();
    await em.getRepository(User).create({ username: 'first-life', email: 'a@example.com' });
    await deleteTable(em.tableName);
    await em.ensureTableExists();
    await expect(em.getRepository(User).findByStr('first-life')).resolves.toBeUndefined();
    await em.getRepository(User).create({ username: 'second-life', email: 'b@example.com' });
    await expect(em.getRepository(User).count()).resolves.toBe(1);
  });

  it('ensureTableExists() while DescribeTable says DELETING waits for the deletion, then creates', async () => {
    const tableName = engine().tableName('deleting');
    const first = new EntityManager({ client: engine().client, tableName });
    await first.ensureTableExists();
    await first.getRepository(User).create({ username: 'old', email: 'old@example.com' });
    const { client, faults } = faultyClient(engine(), { maxAttempts: 1 });
    try {
      await engine().client.send(new DeleteTableCommand({ TableName: tableName }));
      reportDeleting(client, 3);
      const em = new EntityManager({ client, tableName });
      await em.ensureTableExists({ timeoutMs: 20_000 });
      expect(faults.count('DescribeTable')).toBeGreaterThanOrEqual(4);
      expect(faults.count('CreateTable')).toBe(1);
      const { Table } = await engine().client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      await expect(em.getRepository(User).findByStr('old')).resolves.toBeUndefined();
    } finally {
      client.destroy();
    }
  });
});

/**
 * A real DELETING state: dynalite's own deletion delay (the shared lanes delete at once). dynalite
 * drops the index from a DELETING table's description, which once read as a schema mismatch.
 */
(isEngineWanted('dynalite') ? describe : describe.skip)('ensureTableExists() on dynalite with a 300 ms deletion', () => {
  interface Server {
    listen(port: number, host: string, done: () => void): void;
    address(): { port: number };
    close(done: () => void): void;
  }
  let server: Server;
  let client: DynamoDBClient;
  beforeAll(async () => {
    const dynalite = (await import('dynalite' as string)) as { default: (options: object) => Server };
    server = dynalite.default({ createTableMs: 0, deleteTableMs: 300, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new DynamoDBClient(localClientConfig(`http://127.0.0.1:${server.address().port}`));
  });
  afterAll(async () => {
    client.destroy();
    await new Promise<void>((resolve) => server.close(resolve));
  });

  it('waits while the table is DELETING, then creates it', async () => {
    const em = new EntityManager({ client, tableName: 'being-deleted' });
    await em.ensureTableExists();
    await em.getRepository(User).create({ username: 'old', email: 'old@example.com' });
    const deleting = await client.send(new DeleteTableCommand({ TableName: 'being-deleted' }));
    expect(deleting.TableDescription?.TableStatus).toBe('DELETING');
    const started = Date.now();
    await new EntityManager({ client, tableName: 'being-deleted' }).ensureTableExists({ timeoutMs: 5000 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: 'being-deleted' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    await expect(em.getRepository(User).findByStr('old')).resolves.toBeUndefined();
  });
});
