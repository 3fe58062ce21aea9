import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../src';
import type { Repository } from '../src';
import { localClientConfig } from '../src/testing';
import { cannedClientConfig, ok, serviceError } from './canned-http';
import type { CannedHttpHandler, Responder } from './canned-http';
import { partialUpdateOf, User } from './contenders/ours';
import { CountingHttpHandler } from './counting-http';
import { changeOf, SUBJECT, userData } from './fixture';
import { queryPage, responderFor } from './scenarios';
import type { Samples } from './scenarios';

/** Round trips of one API call of ours, with DynamoDB's behaviour (canned) and on dynalite. */
export interface RequestCount {
  readonly call: string;
  /** Requests sent, in order, against canned DynamoDB answers; null when not applicable. */
  readonly dynamodb: string[] | null;
  /** Requests sent against dynalite (which ignores ALL_OLD); null when not run there. */
  readonly dynalite: string[] | null;
}

interface Probe {
  readonly call: string;
  /** Canned DynamoDB behaviour for this call (GetItem answers with the subject where setup loads it). */
  readonly canned: Responder;
  readonly onDynalite: boolean;
  /** Setup (not counted), then the counted call. `fresh` is an id that does not exist yet. */
  readonly run: (users: Repository<User>, fresh: string) => Promise<() => Promise<unknown>>;
}

function probes(samples: Samples): Probe[] {
  const found = ok({ Item: samples.subject });
  const get = responderFor('get', samples);
  const loaded = (extra: Responder): Responder => (op, request) => (op === 'GetItem' ? found : extra(op, request));
  return [
    { call: 'getByStr', canned: get, onDynalite: true, run: async (users) => () => users.getByStr(SUBJECT.username) },
    { call: 'create', canned: responderFor('create', samples), onDynalite: true, run: async (users, id) => () => users.create({ ...SUBJECT, username: id }) },
    {
      call: 'save (2 fields changed)',
      canned: loaded(responderFor('create', samples)),
      onDynalite: true,
      run: async (users) => {
        const user = await users.getByStr(userData(1).username);
        return () => users.save(Object.assign(user, changeOf(1)));
      },
    },
    {
      call: 'delete',
      canned: loaded(() => ok({})),
      onDynalite: true,
      run: async (users) => {
        const user = await users.getByStr(userData(2).username);
        return () => users.delete(user);
      },
    },
    { call: 'getOrCreate (new id)', canned: responderFor('create', samples), onDynalite: true, run: async (users, id) => () => users.getOrCreate({ ...SUBJECT, username: id }) },
    { call: 'getOrCreate (existing id, engine honours ALL_OLD)', canned: responderFor('getOrCreate', samples), onDynalite: false, run: async (users) => () => users.getOrCreate(SUBJECT) },
    {
      call: 'getOrCreate (existing id, engine ignores ALL_OLD)',
      canned: loaded(() => serviceError('ConditionalCheckFailedException')),
      onDynalite: true,
      run: async (users) => () => users.getOrCreate(SUBJECT),
    },
    { call: 'count (25 entities)', canned: () => ok({ Count: 25, ScannedCount: 25 }), onDynalite: true, run: async (users) => () => users.count() },
    { call: 'query({ limit: 25 })', canned: () => queryPage(samples.items.slice(0, 25)), onDynalite: true, run: async (users) => () => users.query({ limit: 25 }).toArray() },
  ];
}

/** `repository.update(strId, patch)` joins the table once the repository has it. */
function withUpdate(list: Probe[], users: Repository<User>, samples: Samples): Probe[] {
  if (!partialUpdateOf(users)) return list;
  const probe: Probe = {
    call: 'update (2 fields)',
    canned: responderFor('update', samples),
    onDynalite: true,
    run: async (repository) => {
      const update = partialUpdateOf(repository) as NonNullable<ReturnType<typeof partialUpdateOf>>;
      return () => update(SUBJECT.username, changeOf(2));
    },
  };
  return [...list.slice(0, 3), probe, ...list.slice(3)];
}

export async function countRequests(handler: CannedHttpHandler, samples: Samples, endpoint: string | undefined): Promise<RequestCount[]> {
  const canned = new EntityManager({ client: new DynamoDBClient(cannedClientConfig(handler)), tableName: 'bench' }).getRepository(User);
  const list = withUpdate(probes(samples), canned, samples);
  const results = new Map<string, RequestCount>();
  let serial = 0;
  for (const probe of list) {
    handler.responder = probe.canned;
    const call = await probe.run(canned, `fresh-canned-${serial++}`);
    results.set(probe.call, { call: probe.call, dynamodb: await handler.record(call), dynalite: null });
  }
  if (endpoint) await countOnDynalite(endpoint, list, results);
  return list.map((probe) => results.get(probe.call) ?? { call: probe.call, dynamodb: null, dynalite: null });
}

async function countOnDynalite(endpoint: string, list: Probe[], results: Map<string, RequestCount>): Promise<void> {
  const counting = new CountingHttpHandler();
  const client = new DynamoDBClient(localClientConfig(endpoint, { requestHandler: counting }));
  const manager = new EntityManager({ client, tableName: 'bench-requests' });
  await manager.ensureTableExists();
  const users = manager.getRepository(User);
  for (let i = 0; i < 25; i += 1) await users.create(userData(i));
  let serial = 0;
  for (const probe of list) {
    if (!probe.onDynalite) continue;
    const call = await probe.run(users, `fresh-dynalite-${serial++}`);
    const previous = results.get(probe.call);
    results.set(probe.call, { call: probe.call, dynamodb: previous?.dynamodb ?? null, dynalite: await counting.record(call) });
  }
  client.destroy();
}
