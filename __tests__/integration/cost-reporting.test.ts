import { EntityManager } from '../../src';
import type { CallCost, RequestCost, TracerLike } from '../../src';
import { describeEachEngine, testWhen } from '../support/engines';
import { User } from '../fixtures/entities';

/** A manager whose cost hooks record into arrays that each test empties first. */
function useRecordingManager(engine: Parameters<Parameters<typeof describeEachEngine>[1]>[0]) {
  const requests: RequestCost[] = [];
  const calls: CallCost[] = [];
  const warnings: unknown[] = [];
  let manager: EntityManager | undefined;
  beforeAll(async () => {
    manager = new EntityManager({
      client: engine().client,
      tableName: engine().tableName('costs'),
      costs: { request: (cost) => requests.push(cost), call: (cost) => calls.push(cost) },
      logger: { warn: (message, context) => warnings.push({ message, context }) },
    });
    await manager.ensureTableExists();
  });
  beforeEach(() => {
    requests.length = 0;
    calls.length = 0;
    warnings.length = 0;
  });
  return { em: () => manager!, requests, calls, warnings };
}

const email = 'cost@example.com';

describeEachEngine('cost reporting', (engine) => {
  const { em, requests, calls } = useRecordingManager(engine);
  const users = () => em().getRepository(User);

  it('reports one call per API call with the requests it sent and their units', async () => {
    await users().create({ username: 'cr-1', email });
    await users().getByStr('cr-1');
    expect(calls.map((call) => [call.call, call.entity, call.requests, call.failed])).toEqual([
      ['create', 'User', 1, false],
      ['getByStr', 'User', 1, false],
    ]);
    expect(requests.map((request) => request.operation)).toEqual(['PutItem', 'GetItem']);
    const [put, get] = requests;
    expect([put.writeUnits > 0, put.readUnits, get.readUnits > 0, get.writeUnits]).toEqual([true, 0, true, 0]);
    expect(calls[1]).toMatchObject({ readUnits: get.readUnits, writeUnits: 0, retries: 0 });
    expect(calls[1].durationMs).toBeGreaterThan(0);
  });

  testWhen((caps) => caps.billedCapacity, "needs DynamoDB's capacity billing", 'units follow the billing rules', async () => {
    await users().create({ username: 'cr-units', email, tags: ['x'.repeat(1500)] });
    await users().getByStr('cr-units');
    await users().saveMany(Array.from({ length: 3 }, (_, index) => ({ username: `cr-units-${index}`, email })));
    // A 1.5 KB item: 2 write units for the put (and as many for its type-index copy on DynamoDB),
    // 1 read unit for a consistent GetItem; three small items in one batch: 3 units or more.
    const [put, get, batch] = requests;
    expect(put.writeUnits).toBeGreaterThanOrEqual(2);
    expect([get.readUnits, get.writeUnits]).toEqual([1, 0]);
    expect(batch.writeUnits).toBeGreaterThanOrEqual(3);
  });

  it('a refused conditional write is reported, failed and charged', async () => {
    await users().create({ username: 'cr-2', email });
    calls.length = 0;
    requests.length = 0;
    await expect(users().create({ username: 'cr-2', email })).rejects.toThrow();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call: 'create', failed: true });
    expect(requests[0]).toMatchObject({ operation: 'PutItem', failed: true });
    expect(requests[0].writeUnits).toBeGreaterThanOrEqual(1);
  });

  it('a listing is one call across its pages, however it is consumed', async () => {
    await users().saveMany(Array.from({ length: 5 }, (_, index) => ({ username: `cr-list-${index}`, email })));
    calls.length = 0;
    const all = await users().query({ limit: 2 }).toArray();
    expect(all).toHaveLength(2);
    for await (const user of users().query()) if (user.username === 'cr-list-1') break;
    await users().query({ limit: 2 }).page();
    expect(calls.map((call) => call.call)).toEqual(['query', 'query', 'query']);
    expect(calls.every((call) => call.requests >= 1 && call.readUnits > 0 && !call.failed)).toBe(true);
  });

  it('Active Record joins the repository call: one call, not two', async () => {
    User.useEntityManager(em());
    await User.create({ username: 'cr-ar', email });
    await User.getByStr('cr-ar');
    expect(calls.map((call) => call.call)).toEqual(['create', 'getByStr']);
  });

  testWhen((caps) => caps.transactions, 'needs transactions', 'a transaction is one call', async () => {
    await em().transaction((tx) => {
      tx.create(User, { username: 'cr-tx-1', email });
      tx.create(User, { username: 'cr-tx-2', email });
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call: 'transaction', requests: 1, failed: false });
    // Two transactional writes of items under 1 KB: at least 2 units each.
    expect(calls[0].writeUnits).toBeGreaterThanOrEqual(4);
  });

  it('a batch is one call summing its requests', async () => {
    const many = Array.from({ length: 30 }, (_, index) => ({ username: `cr-batch-${index}`, email }));
    await users().saveMany(many);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ call: 'saveMany', requests: 2 });
    expect(calls[0].writeUnits).toBe(requests[0].writeUnits + requests[1].writeUnits);
  });

  it('a scoped repository (of) and concurrent calls are metered apart', async () => {
    await Promise.all([users().create({ username: 'cr-c1', email }), users().create({ username: 'cr-c2', email })]);
    expect(calls.map((call) => [call.call, call.requests])).toEqual([
      ['create', 1],
      ['create', 1],
    ]);
  });
});

describeEachEngine('cost reporting: hooks that throw', (engine) => {
  it('are logged and change nothing', async () => {
    const warnings: string[] = [];
    const em = new EntityManager({
      client: engine().client,
      tableName: engine().tableName('cost-throw'),
      costs: {
        request: () => { throw new Error('request hook'); },
        call: () => { throw new Error('call hook'); },
      },
      logger: { warn: (message) => warnings.push(message) },
    });
    await em.ensureTableExists();
    const created = await em.getRepository(User).create({ username: 'cr-throw', email });
    expect(created.version).toBe(1);
    expect(warnings.length).toBeGreaterThanOrEqual(2);
  });
});

interface RecordedSpan {
  name: string;
  attributes: Record<string, unknown>;
  status?: { code: number; message?: string };
  exceptions: unknown[];
  ended: boolean;
}

/** A tracer of the shape of OpenTelemetry's, recording its spans. */
function recordingTracer(spans: RecordedSpan[]): TracerLike {
  return {
    startSpan(name, options) {
      const span: RecordedSpan = { name, attributes: { ...options?.attributes }, exceptions: [], ended: false };
      spans.push(span);
      return {
        setAttributes: (attributes) => Object.assign(span.attributes, attributes),
        setStatus: (status) => (span.status = status),
        recordException: (exception) => span.exceptions.push(exception),
        end: () => {
          span.ended = true;
        },
      };
    },
  };
}

describeEachEngine('cost reporting: OpenTelemetry spans', (engine) => {
  const spans: RecordedSpan[] = [];
  let em: EntityManager;
  beforeAll(async () => {
    em = new EntityManager({ client: engine().client, tableName: engine().tableName('spans'), tracer: recordingTracer(spans) });
    await em.ensureTableExists();
  });
  beforeEach(() => {
    spans.length = 0;
  });

  it('one ended span per call, named by entity and call, with what it cost', async () => {
    await em.getRepository(User).create({ username: 'sp-1', email });
    await em.getRepository(User).getByStr('sp-1');
    await em.getRepository(User).query({ limit: 1 }).toArray();
    expect(spans.map((span) => [span.name, span.ended, span.status])).toEqual([
      ['User.create', true, undefined],
      ['User.getByStr', true, undefined],
      ['User.query', true, undefined],
    ]);
    expect(spans[1].attributes).toMatchObject({ 'db.system': 'dynamodb', 'db.operation.name': 'getByStr', 'dynamo_single_table.entity': 'User', 'dynamo_single_table.requests': 1 });
    expect(spans[1].attributes['dynamo_single_table.read_units']).toBeGreaterThan(0);
  });

  it('a failed call: its span records the error and an error status', async () => {
    await expect(em.getRepository(User).getByStr('sp-missing')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
    expect(spans).toHaveLength(1);
    expect(spans[0]).toMatchObject({ name: 'User.getByStr', ended: true, status: { code: 2 } });
    expect(spans[0].exceptions).toHaveLength(1);
  });
});

describe('without costs and tracer', () => {
  it('repositories are not metered: their methods are the prototype methods', () => {
    const em = new EntityManager({ client: { send: () => undefined } as never, tableName: 'no-metering' });
    const users = em.getRepository(User);
    expect(Object.prototype.hasOwnProperty.call(users, 'getByStr')).toBe(false);
  });
});
