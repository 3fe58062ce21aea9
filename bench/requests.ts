import { DynamoDBClient, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ATTRIBUTE_NAMES as ATTR, EntityManager, getEntityMetadata } from '../src';
import type { Repository } from '../src';
import { localClientConfig } from '../src/testing';
import { cannedClientConfig, describeRequest, ok, serviceError } from './canned-http';
import type { CannedHttpHandler, Responder } from './canned-http';
import { Article, Comment, OURS_TABLE, partialUpdateOf, Player, Post, User } from './contenders/ours';
import { CountingHttpHandler } from './counting-http';
import { ARTICLE_COUNT, articleData, changeOf, COMMENT_COUNT, commentData, playerData, POST, SUBJECT, userData } from './fixture';
import { indexProbes } from './index-requests';
import { capturePuts, queryPage, responderFor } from './scenarios';
import type { Samples } from './scenarios';

/** Round trips of one API call of ours, with DynamoDB's behaviour (canned) and on dynalite. */
export interface RequestCount {
  readonly call: string;
  /** Requests sent, in order (`Query[gsi1 Limit=26]`: index, Select COUNT, Limit), against canned DynamoDB answers; null when not applicable. */
  readonly dynamodb: string[] | null;
  /** Requests sent against dynalite (which ignores ALL_OLD); null when not run there. */
  readonly dynalite: string[] | null;
}

/** What a probe works with, against canned answers or on dynalite. */
export interface Bench {
  readonly manager: EntityManager;
  readonly users: Repository<User>;
  readonly articles: Repository<Article>;
  readonly players: Repository<Player>;
  /** Removes every stored article's byAuthor keys (dynalite; the canned pages of the reindex have none). */
  readonly forgetArticleKeys: () => Promise<void>;
}

export interface Probe {
  readonly call: string;
  /** Canned DynamoDB behaviour for this call (GetItem answers with the subject where setup loads it). */
  readonly canned: Responder;
  readonly onDynalite: boolean;
  /** Setup (not counted), then the counted call. `fresh` is an id that does not exist yet. */
  readonly run: (bench: Bench, fresh: string) => Promise<() => Promise<unknown>>;
}

function probes(samples: Samples): Probe[] {
  const found = ok({ Item: samples.subject });
  const get = responderFor('get', samples);
  const loaded = (extra: Responder): Responder => (op, request) => (op === 'GetItem' ? found : extra(op, request));
  return [
    { call: 'getByStr', canned: get, onDynalite: true, run: async ({ users }) => () => users.getByStr(SUBJECT.username) },
    { call: 'create', canned: responderFor('create', samples), onDynalite: true, run: async ({ users }, id) => () => users.create({ ...SUBJECT, username: id }) },
    {
      call: 'save (2 fields changed)',
      canned: loaded(responderFor('create', samples)),
      onDynalite: true,
      run: async ({ users }) => {
        const user = await users.getByStr(userData(1).username);
        return () => users.save(Object.assign(user, changeOf(1)));
      },
    },
    {
      call: 'delete',
      canned: loaded(() => ok({})),
      onDynalite: true,
      run: async ({ users }) => {
        const user = await users.getByStr(userData(2).username);
        return () => users.delete(user);
      },
    },
    { call: 'getOrCreate (new id)', canned: responderFor('create', samples), onDynalite: true, run: async ({ users }, id) => () => users.getOrCreate({ ...SUBJECT, username: id }) },
    { call: 'getOrCreate (existing id, engine honours ALL_OLD)', canned: responderFor('getOrCreate', samples), onDynalite: false, run: async ({ users }) => () => users.getOrCreate(SUBJECT) },
    {
      call: 'getOrCreate (existing id, engine ignores ALL_OLD)',
      canned: loaded(() => serviceError('ConditionalCheckFailedException')),
      onDynalite: true,
      run: async ({ users }) => () => users.getOrCreate(SUBJECT),
    },
    { call: 'count (25 entities)', canned: () => ok({ Count: 25, ScannedCount: 25 }), onDynalite: true, run: async ({ users }) => () => users.count() },
    { call: 'query({ limit: 25 })', canned: () => queryPage(samples.items.slice(0, 25)), onDynalite: true, run: async ({ users }) => () => users.query({ limit: 25 }).toArray() },
    {
      call: `getWith (a post and its ${COMMENT_COUNT} comments)`,
      canned: responderFor('getWith', samples),
      onDynalite: true,
      run: async ({ manager }) => () => manager.getRepository(Post).getWith(POST.postId, { comments: Comment }),
    },
  ];
}

/** `repository.update(strId, patch)` joins the table once the repository has it. */
function withUpdate(list: Probe[], users: Repository<User>, samples: Samples): Probe[] {
  if (!partialUpdateOf(users)) return list;
  const probe: Probe = {
    call: 'update (2 fields)',
    canned: responderFor('update', samples),
    onDynalite: true,
    run: async ({ users: repository }) => {
      const update = partialUpdateOf(repository) as NonNullable<ReturnType<typeof partialUpdateOf>>;
      return () => update(SUBJECT.username, changeOf(2));
    },
  };
  return [...list.slice(0, 3), probe, ...list.slice(3)];
}

/** Players created for the keys-only index query: one page of 25. */
const PLAYER_COUNT = 25;

function benchOf(manager: EntityManager, forgetArticleKeys: () => Promise<void>): Bench {
  const [users, articles, players] = [manager.getRepository(User), manager.getRepository(Article), manager.getRepository(Player)];
  return { manager, users, articles, players, forgetArticleKeys };
}

export async function countRequests(handler: CannedHttpHandler, samples: Samples, endpoint: string | undefined): Promise<RequestCount[]> {
  const manager = new EntityManager({ client: new DynamoDBClient(cannedClientConfig(handler)), tableName: OURS_TABLE });
  const canned = benchOf(manager, async () => {});
  const players = await capturePuts(handler, 'dynamo-single-table', PLAYER_COUNT, (i) => canned.players.create(playerData(i)));
  const list = [...withUpdate(probes(samples), canned.users, samples), ...indexProbes(samples.articles, players)];
  const results = new Map<string, RequestCount>();
  let serial = 0;
  for (const probe of list) {
    handler.responder = probe.canned;
    const call = await probe.run(canned, `fresh-canned-${serial++}`);
    const sent: string[] = [];
    handler.responder = (operation, request) => {
      sent.push(describeRequest(operation, request));
      return probe.canned(operation, request);
    };
    await call();
    results.set(probe.call, { call: probe.call, dynamodb: sent, dynalite: null });
  }
  if (endpoint) await countOnDynalite(endpoint, list, results);
  return list.map((probe) => results.get(probe.call) ?? { call: probe.call, dynamodb: null, dynalite: null });
}

async function countOnDynalite(endpoint: string, list: Probe[], results: Map<string, RequestCount>): Promise<void> {
  const counting = new CountingHttpHandler();
  const client = new DynamoDBClient(localClientConfig(endpoint, { requestHandler: counting }));
  const tableName = 'bench-requests';
  const manager = new EntityManager({ client, tableName });
  await manager.ensureTableExists();
  const bench = benchOf(manager, () => forgetArticleKeys(client, tableName));
  for (let i = 0; i < 25; i += 1) await bench.users.create(userData(i));
  for (let i = 0; i < ARTICLE_COUNT; i += 1) await bench.articles.create(articleData(i));
  for (let i = 0; i < PLAYER_COUNT; i += 1) await bench.players.create(playerData(i));
  await manager.getRepository(Post).create(POST);
  for (let i = 0; i < COMMENT_COUNT; i += 1) await manager.getRepository(Comment).of(POST.postId).create(commentData(i));
  let serial = 0;
  for (const probe of list) {
    if (!probe.onDynalite) continue;
    const call = await probe.run(bench, `fresh-dynalite-${serial++}`);
    const previous = results.get(probe.call);
    results.set(probe.call, { call: probe.call, dynamodb: previous?.dynamodb ?? null, dynalite: await counting.record(call) });
  }
  client.destroy();
}

/** Setup of the reindex: the stored articles lose their index keys, like items written before the @Index existed. */
async function forgetArticleKeys(client: DynamoDBClient, tableName: string): Promise<void> {
  const meta = getEntityMetadata(Article);
  const names = Object.fromEntries(meta.indexes.flatMap((index) => [index.partitionAttribute, index.sortAttribute]).map((name, i) => [`#k${i}`, name]));
  const { Items = [] } = await client.send(
    new ScanCommand({
      TableName: tableName,
      FilterExpression: '#type = :type',
      ExpressionAttributeNames: { '#type': ATTR.type },
      ExpressionAttributeValues: { ':type': { S: meta.typeName } },
    }),
  );
  if (Items.length !== ARTICLE_COUNT) throw new Error(`expected ${ARTICLE_COUNT} stored articles, found ${Items.length}`);
  for (const item of Items) {
    const Key = { [ATTR.pk]: item[ATTR.pk] as AttributeValue, [ATTR.sk]: item[ATTR.sk] as AttributeValue };
    const UpdateExpression = `REMOVE ${Object.keys(names).join(', ')}`;
    await client.send(new UpdateItemCommand({ TableName: tableName, Key, UpdateExpression, ExpressionAttributeNames: names }));
  }
}
