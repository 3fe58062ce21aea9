/**
 * Conformance of the embedded engine's TTL and online-index operations, in raw SDK requests, on every
 * lane. The embedded engine ('dynalite' lane) is held to DynamoDB's documented behaviour; where moto
 * answers otherwise, the moto answer is written down as an explicit, commented expectation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue, GlobalSecondaryIndexUpdate } from '@aws-sdk/client-dynamodb';
import { localClientConfig, startLocalDynamoDB } from '../../src/testing';
import type { LocalDynamoDB } from '../../src/testing';
import { createKeyValueTable, describeEachEngine, testWhen, waitForTableActive } from '../support/engines';
import { rejectionOf } from '../support/recording';

type Failure = Error & { $metadata?: { httpStatusCode?: number } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ttlSpec = (AttributeName: string, Enabled: boolean) => ({ TimeToLiveSpecification: { AttributeName, Enabled } });

async function updateTtl(client: DynamoDBClient, TableName: string, attribute: string, enabled: boolean) {
  return client.send(new UpdateTimeToLiveCommand({ TableName, ...ttlSpec(attribute, enabled) }));
}
async function describeTtl(client: DynamoDBClient, TableName: string) {
  return (await client.send(new DescribeTimeToLiveCommand({ TableName }))).TimeToLiveDescription;
}

/** Polls DescribeTable until the table and every index are ACTIVE; returns each status of `indexName` seen. */
async function waitForIndexes(client: DynamoDBClient, TableName: string, indexName: string): Promise<string[]> {
  const seen: string[] = [];
  for (let attempt = 0; attempt < 500; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const index = Table?.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    seen.push(index?.IndexStatus ?? 'GONE');
    if (Table?.TableStatus === 'ACTIVE' && (Table.GlobalSecondaryIndexes ?? []).every((other) => other.IndexStatus === 'ACTIVE')) return seen;
    await sleep(5);
  }
  throw new Error(`${TableName} did not settle: ${seen.slice(-3).join(', ')}`);
}

const createByGroup = (IndexName = 'byGroup'): GlobalSecondaryIndexUpdate[] => [
  {
    Create: {
      IndexName,
      KeySchema: [
        { AttributeName: 'group', KeyType: 'HASH' },
        { AttributeName: 'rank', KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['label'] },
    },
  },
];
const GROUP_DEFINITIONS = [
  { AttributeName: 'group', AttributeType: 'S' as const },
  { AttributeName: 'rank', AttributeType: 'N' as const },
];
const member = (id: string, group: string, rank: number): Record<string, AttributeValue> => ({
  PK: { S: id },
  SK: { S: 'item' },
  group: { S: group },
  rank: { N: String(rank) },
  label: { S: `label ${id}` },
  hidden: { S: 'not projected' },
});

async function queryGroup(client: DynamoDBClient, TableName: string, group: string, IndexName = 'byGroup') {
  const { Items } = await client.send(
    new QueryCommand({ TableName, IndexName, KeyConditionExpression: '#g = :g', ExpressionAttributeNames: { '#g': 'group' }, ExpressionAttributeValues: { ':g': { S: group } } }),
  );
  return Items ?? [];
}

describeEachEngine('TTL and online indexes in raw requests', (engine, lane) => {
  if (!lane.capabilities.onlineIndexCreation) {
    testWhen((c) => c.onlineIndexCreation, 'needs TTL and UpdateTable adding a GSI', 'raw UpdateTimeToLive, DescribeTimeToLive and UpdateTable index requests', () => undefined);
    return;
  }
  const embedded = lane.name === 'dynalite';

  test('UpdateTimeToLive answers the specification; DescribeTimeToLive reports DISABLED, then ENABLED on the attribute', async () => {
    const { client } = engine();
    const table = await createKeyValueTable(engine(), 'ttl');
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'DISABLED' });
    const answer = await updateTtl(client, table, 'expiresAt', true);
    expect(answer.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(await describeTtl(client, table)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    const disabled = await updateTtl(client, table, 'expiresAt', false);
    expect(disabled.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: false });
    const after = await describeTtl(client, table);
    // moto keeps the attribute name of a disabled setting; DynamoDB reports only the status.
    expect(after).toEqual(embedded ? { TimeToLiveStatus: 'DISABLED' } : { TimeToLiveStatus: 'DISABLED', AttributeName: 'expiresAt' });
  });

  test('UpdateTimeToLive refuses to enable twice, a second attribute, and to disable what is disabled', async () => {
    const { client } = engine();
    const table = await createKeyValueTable(engine(), 'ttl-errors');
    await updateTtl(client, table, 'expiresAt', true);
    const attempts = [
      () => updateTtl(client, table, 'expiresAt', true),
      () => updateTtl(client, table, 'otherAttribute', true),
      async () => {
        await updateTtl(client, table, 'expiresAt', false).catch(() => undefined);
        return updateTtl(client, table, 'expiresAt', false);
      },
    ];
    const failures = [];
    for (const attempt of attempts) failures.push((await rejectionOf(attempt)) as Failure | undefined);
    if (embedded) {
      expect(failures.map((failure) => [failure?.name, failure?.message])).toEqual([
        ['ValidationException', 'TimeToLive is already enabled'],
        ['ValidationException', 'TimeToLive is already enabled'],
        ['ValidationException', 'TimeToLive is already disabled'],
      ]);
    } else {
      // moto accepts every one of them: the last specification simply wins.
      expect(failures).toEqual([undefined, undefined, undefined]);
    }
  });

  test('TTL operations on a missing table fail with ResourceNotFoundException', async () => {
    const { client } = engine();
    const missing = engine().tableName('missing');
    const failures = [
      (await rejectionOf(() => updateTtl(client, missing, 'expiresAt', true))) as Failure,
      (await rejectionOf(() => describeTtl(client, missing))) as Failure,
    ];
    // moto names the error ResourceNotFound (no "Exception"), still a 400.
    const expected = embedded ? 'ResourceNotFoundException' : 'ResourceNotFound';
    expect(failures.map((failure) => [failure.name, failure.$metadata?.httpStatusCode])).toEqual([
      [expected, 400],
      [expected, 400],
    ]);
  });

  test('an item past its TTL stays readable until the engine deletes it (DynamoDB deletes eventually)', async () => {
    const { client } = engine();
    const table = await createKeyValueTable(engine(), 'ttl-stays');
    await updateTtl(client, table, 'expiresAt', true);
    const expired = { PK: { S: 'old' }, SK: { S: 'item' }, expiresAt: { N: String(Math.floor(Date.now() / 1000) - 60) } };
    await client.send(new PutItemCommand({ TableName: table, Item: expired }));
    // No lane deletes on its own here: the embedded engine sweeps only when asked (deleteExpiredItems, or
    // the ttlSweepMs option; see the embedded-engine tests below), and moto has no deterministic sweep.
    const { Items } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    expect(Items).toEqual([expired]);
  });

  test('UpdateTable creates a global secondary index over existing items and the writes made while it builds', async () => {
    const { client } = engine();
    const table = await createKeyValueTable(engine(), 'gsi-create');
    for (const [id, rank] of [['a', 1], ['b', 2], ['c', 3]] as const) await client.send(new PutItemCommand({ TableName: table, Item: member(id, 'g1', rank) }));
    await client.send(new PutItemCommand({ TableName: table, Item: { PK: { S: 'no-group' }, SK: { S: 'item' } } }));
    const { TableDescription } = await client.send(
      new UpdateTableCommand({ TableName: table, AttributeDefinitions: GROUP_DEFINITIONS, GlobalSecondaryIndexUpdates: createByGroup() }),
    );
    const answered = TableDescription?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'byGroup');
    // DynamoDB answers with the index CREATING (backfilling) on an UPDATING table; moto builds it at once.
    expect([TableDescription?.TableStatus, answered?.IndexStatus, answered?.Backfilling]).toEqual(embedded ? ['UPDATING', 'CREATING', true] : ['ACTIVE', 'ACTIVE', undefined]);
    // While it builds: a new member, a member moved to another group, a member removed.
    await Promise.all([
      client.send(new PutItemCommand({ TableName: table, Item: member('d', 'g1', 4) })),
      client.send(new PutItemCommand({ TableName: table, Item: member('b', 'g2', 2) })),
      client.send(new PutItemCommand({ TableName: table, Item: { PK: { S: 'c' }, SK: { S: 'item' } } })),
    ]);
    const statuses = await waitForIndexes(client, table, 'byGroup');
    expect(statuses.at(-1)).toBe('ACTIVE');
    expect(new Set(statuses.slice(0, -1))).toEqual(new Set(statuses.length > 1 ? ['CREATING'] : []));
    const projected = (id: string, group: string, rank: number) => ({ PK: { S: id }, SK: { S: 'item' }, group: { S: group }, rank: { N: String(rank) }, label: { S: `label ${id}` } });
    expect(await queryGroup(client, table, 'g1')).toEqual([projected('a', 'g1', 1), projected('d', 'g1', 4)]);
    expect(await queryGroup(client, table, 'g2')).toEqual([projected('b', 'g2', 2)]);
  });

  test('UpdateTable deletes a global secondary index: DELETING, then gone, its entries with it', async () => {
    const { client } = engine();
    const table = await createKeyValueTable(engine(), 'gsi-delete');
    await client.send(new PutItemCommand({ TableName: table, Item: member('a', 'g1', 1) }));
    await client.send(new UpdateTableCommand({ TableName: table, AttributeDefinitions: GROUP_DEFINITIONS, GlobalSecondaryIndexUpdates: createByGroup() }));
    await waitForIndexes(client, table, 'byGroup');
    const { TableDescription } = await client.send(new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byGroup' } }] }));
    const answered = TableDescription?.GlobalSecondaryIndexes?.find((index) => index.IndexName === 'byGroup');
    // DynamoDB answers DELETING; moto drops the index at once.
    expect([TableDescription?.TableStatus, answered?.IndexStatus]).toEqual(embedded ? ['UPDATING', 'DELETING'] : ['ACTIVE', undefined]);
    expect((await waitForIndexes(client, table, 'byGroup')).at(-1)).toBe('GONE');
    const query = (await rejectionOf(() => queryGroup(client, table, 'g1'))) as Failure;
    // DynamoDB: ValidationException for an index the table does not have; moto: ResourceNotFoundException.
    expect(query.name).toBe(embedded ? 'ValidationException' : 'ResourceNotFoundException');
    // A new index of the same name sees no entry of the old one: a member without `rank` is not in it.
    await client.send(new PutItemCommand({ TableName: table, Item: { PK: { S: 'z' }, SK: { S: 'item' }, group: { S: 'g1' } } }));
    const byGroupOnly = [{ Create: { IndexName: 'byGroup', KeySchema: [{ AttributeName: 'group', KeyType: 'HASH' as const }], Projection: { ProjectionType: 'KEYS_ONLY' as const } } }];
    await client.send(new UpdateTableCommand({ TableName: table, AttributeDefinitions: [GROUP_DEFINITIONS[0]], GlobalSecondaryIndexUpdates: byGroupOnly }));
    await waitForIndexes(client, table, 'byGroup');
    const keys = (await queryGroup(client, table, 'g1')).map((item) => item.PK?.S).sort();
    expect(keys).toEqual(['a', 'z']);
  });

  test('UpdateTable index requests DynamoDB refuses', async () => {
    const { client } = engine();
    const table = await createKeyValueTable(engine(), 'gsi-errors');
    const send = (updates: GlobalSecondaryIndexUpdate[], extra: Record<string, unknown> = { AttributeDefinitions: GROUP_DEFINITIONS }) =>
      rejectionOf(() => client.send(new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: updates, ...extra }))) as Promise<Failure | undefined>;
    const withThroughput = createByGroup('withThroughput');
    withThroughput[0]!.Create!.ProvisionedThroughput = { ReadCapacityUnits: 1, WriteCapacityUnits: 1 };
    const twoAtOnce = await send([...createByGroup('first'), ...createByGroup('second')]);
    const undefinedKey = await send(createByGroup('undefinedKey'), {});
    const onDemandThroughput = await send(withThroughput);
    const unknownDelete = await send([{ Delete: { IndexName: 'noSuchIndex' } }], {});
    const outcome = [twoAtOnce, undefinedKey, onDemandThroughput, unknownDelete].map((failure) => failure && [failure.name, failure.$metadata?.httpStatusCode]);
    if (embedded) {
      expect(outcome).toEqual([
        ['LimitExceededException', 400],
        ['ValidationException', 400],
        ['ValidationException', 400],
        ['ResourceNotFoundException', 400],
      ]);
      expect(undefinedKey?.message).toBe('One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [group, rank], AttributeDefinitions: []');
    } else {
      // moto creates both indexes, accepts undefined key attributes and throughput on an on-demand
      // table, and answers the deletion of an unknown index with an HTML error page (HTTP 500).
      expect(outcome.slice(0, 3)).toEqual([undefined, undefined, undefined]);
      expect(unknownDelete?.$metadata?.httpStatusCode).toBe(500);
    }
  });
});

/** What only the embedded engine offers: expiry on demand, and a store on disk that keeps both settings. */
describe('embedded engine: TTL sweeps and persistence', () => {
  let local: LocalDynamoDB;
  let counter = 0;
  const createTable = async (client: DynamoDBClient, extra: Record<string, unknown> = {}) => {
    counter += 1;
    const TableName = `ttl-indexes-${counter}`;
    const keys = [{ AttributeName: 'PK', AttributeType: 'S' as const }, { AttributeName: 'SK', AttributeType: 'S' as const }];
    await client.send(
      new CreateTableCommand({
        TableName,
        AttributeDefinitions: extra.GlobalSecondaryIndexes ? [...keys, ...GROUP_DEFINITIONS] : keys,
        KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }, { AttributeName: 'SK', KeyType: 'RANGE' }],
        BillingMode: 'PAY_PER_REQUEST',
        ...extra,
      }),
    );
    await waitForTableActive(client, TableName);
    return TableName;
  };
  const withGroupIndex = { GlobalSecondaryIndexes: [{ IndexName: 'byGroup', KeySchema: createByGroup()[0]!.Create!.KeySchema, Projection: { ProjectionType: 'ALL' as const } }] };
  beforeAll(async () => {
    local = await startLocalDynamoDB();
  });
  afterAll(async () => local.stop());

  test('deleteExpiredItems deletes exactly the items whose TTL Number is below now, from the table and its indexes', async () => {
    const { client } = local;
    const table = await createTable(client, withGroupIndex);
    const untracked = await createTable(client);
    await updateTtl(client, table, 'expiresAt', true);
    const now = Date.UTC(2030, 0, 1);
    const seconds = now / 1000;
    const items: Record<string, AttributeValue | undefined> = {
      expired1: { N: String(seconds - 1) },
      expired2: { N: String(seconds - 86_400) },
      future: { N: String(seconds + 3600) },
      inMilliseconds: { N: String(now - 1000) },
      sixYearsOld: { N: String(seconds - 6 * 365 * 86_400) },
      aString: { S: String(seconds - 60) },
      aNumberSet: { NS: [String(seconds - 60)] },
      noAttribute: undefined,
    };
    for (const [id, expiresAt] of Object.entries(items)) {
      await client.send(new PutItemCommand({ TableName: table, Item: { ...member(id, 'g1', 1), SK: { S: id }, ...(expiresAt ? { expiresAt } : {}) } }));
    }
    await client.send(new PutItemCommand({ TableName: untracked, Item: { ...member('old', 'g1', 1), expiresAt: { N: String(seconds - 60) } } }));
    expect(await local.deleteExpiredItems(new Date(now))).toBe(2);
    const remaining = ['aNumberSet', 'aString', 'future', 'inMilliseconds', 'noAttribute', 'sixYearsOld'];
    const { Items } = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    expect(Items?.map((item) => item.SK?.S).sort()).toEqual(remaining);
    expect((await queryGroup(client, table, 'g1')).map((item) => item.SK?.S).sort()).toEqual(remaining);
    expect((await client.send(new ScanCommand({ TableName: untracked }))).Count).toBe(1);
    expect(await local.deleteExpiredItems(new Date(now))).toBe(0);
    expect(await local.deleteExpiredItems(new Date(now + 2 * 3600 * 1000))).toBe(1);
  });

  test('with ttlSweepMs, expired items are deleted without being asked', async () => {
    const sweeping = await startLocalDynamoDB({ ttlSweepMs: 10 });
    try {
      const table = await createTable(sweeping.client);
      await updateTtl(sweeping.client, table, 'expiresAt', true);
      await sweeping.client.send(new PutItemCommand({ TableName: table, Item: { PK: { S: 'a' }, SK: { S: 'b' }, expiresAt: { N: String(Math.floor(Date.now() / 1000) - 1) } } }));
      let count: number | undefined;
      for (let attempt = 0; attempt < 200 && count !== 0; attempt += 1) {
        await sleep(10);
        count = (await sweeping.client.send(new ScanCommand({ TableName: table }))).Count;
      }
      expect(count).toBe(0);
    } finally {
      await sweeping.stop();
    }
  });

  test('a second index while one is being created: LimitExceededException; an existing name: ValidationException', async () => {
    // One attempt: the SDK retries LimitExceededException as throttling, and a retry may come after the build.
    const client = new DynamoDBClient(localClientConfig(local.endpoint, { maxAttempts: 1 }));
    const table = await createTable(client, withGroupIndex);
    const create = (IndexName: string) => client.send(new UpdateTableCommand({ TableName: table, AttributeDefinitions: GROUP_DEFINITIONS, GlobalSecondaryIndexUpdates: createByGroup(IndexName) }));
    const duplicate = (await rejectionOf(() => create('byGroup'))) as Failure;
    expect([duplicate.name, duplicate.message]).toEqual(['ValidationException', 'One or more parameter values were invalid: Index already exists: byGroup']);
    await create('second');
    const third = (await rejectionOf(() => create('third'))) as Failure;
    expect([third.name, third.message]).toEqual(['LimitExceededException', 'Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table']);
    await waitForIndexes(client, table, 'second');
    await create('third');
    expect(await waitForIndexes(client, table, 'third')).toContain('ACTIVE');
    client.destroy();
  });

  test('an on-disk store keeps the TTL setting and an added index across a restart', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dst-engine-'));
    try {
      const first = await startLocalDynamoDB({ path: dir });
      let table: string;
      try {
        table = await createTable(first.client);
        await first.client.send(new PutItemCommand({ TableName: table, Item: member('a', 'g1', 1) }));
        await updateTtl(first.client, table, 'expiresAt', true);
        await first.client.send(new UpdateTableCommand({ TableName: table, AttributeDefinitions: GROUP_DEFINITIONS, GlobalSecondaryIndexUpdates: createByGroup() }));
        await waitForIndexes(first.client, table, 'byGroup');
      } finally {
        await first.stop();
      }
      const second = await startLocalDynamoDB({ path: dir });
      try {
        expect(await describeTtl(second.client, table)).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
        const { Table } = await second.client.send(new DescribeTableCommand({ TableName: table }));
        expect(Table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.IndexStatus])).toEqual([['byGroup', 'ACTIVE']]);
        expect((await queryGroup(second.client, table, 'g1')).map((item) => item.PK?.S)).toEqual(['a']);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
