import 'reflect-metadata';
import type { GlobalSecondaryIndexDescription, TableDescription } from '@aws-sdk/client-dynamodb';
import { Field, getEntityMetadata, StrId, Table, TableSchemaMismatchError, UnsupportedByEngineError } from '../../src';
import { Index } from '../../src/decorators';
import { RequestExecutor } from '../../src/client/executor';
import { gsiLayout, tableLayoutOfEntities } from '../../src/metadata/table-layout';
import { layoutRecordProblems, recordedIndexOf, recordIndexesInput } from '../../src/operations/layout-record';
import { reindexKeyChanges, reindexUpdateInput } from '../../src/operations/reindex-commands';
import { addIndexInput, createTableInput, missingIndexes, tableConflicts } from '../../src/operations/table-schema';
import { ensureTable } from '../../src/runners/table-setup';
import { awsError, fakeClient } from '../support/fake-client';

@Table('note')
@Index('byOwner', { partition: ['owner'], sort: ['at'] })
@Index('byTag', { partition: ['tag'], projection: 'keys' })
@Index('byRank', { partition: ['rank'] })
class Note {
  @StrId() id!: string;
  @Field() owner?: string;
  @Field() at?: Date;
  @Field() tag?: string;
  @Field() rank?: number;
}

const END = ' #';
const previousTable = (): TableDescription => {
  const input = createTableInput('app', { billingMode: 'PAY_PER_REQUEST' });
  return {
    TableName: 'app',
    TableStatus: 'ACTIVE',
    BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
    KeySchema: input.KeySchema,
    AttributeDefinitions: input.AttributeDefinitions,
    GlobalSecondaryIndexes: input.GlobalSecondaryIndexes?.map((i) => ({ ...i, IndexStatus: 'ACTIVE' })) as GlobalSecondaryIndexDescription[],
  };
};

describe('adding a GSI: UpdateTable input', () => {
  it('an on-demand table: the table\'s attribute definitions plus the new keys, no throughput', () => {
    expect(addIndexInput(previousTable(), gsiLayout('all', 1))).toEqual({
      TableName: 'app',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
        { AttributeName: '_type', AttributeType: 'S' },
        { AttributeName: 'uid', AttributeType: 'S' },
        { AttributeName: '_gsi1pk', AttributeType: 'S' },
        { AttributeName: '_gsi1sk', AttributeType: 'S' },
      ],
      GlobalSecondaryIndexUpdates: [
        {
          Create: {
            IndexName: 'gsi1',
            KeySchema: [
              { AttributeName: '_gsi1pk', KeyType: 'HASH' },
              { AttributeName: '_gsi1sk', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        },
      ],
    });
  });

  it('a provisioned table: the table\'s capacity by default, the given one when set', () => {
    const table = { ...previousTable(), BillingModeSummary: undefined, ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 } };
    const create = (capacity = {}) => addIndexInput(table, gsiLayout('keys', 2), capacity).GlobalSecondaryIndexUpdates?.[0]?.Create;
    expect(create()).toMatchObject({ IndexName: 'gsik2', Projection: { ProjectionType: 'KEYS_ONLY' }, ProvisionedThroughput: { ReadCapacityUnits: 7, WriteCapacityUnits: 3 } });
    expect(create({ readCapacity: 1, writeCapacity: 2 })?.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 1, WriteCapacityUnits: 2 });
  });

  it('missing indexes are not conflicts; a layout name with another projection is', () => {
    const layout = tableLayoutOfEntities();
    expect(layout.indexes.map((i) => i.name)).toEqual(['type-uid-index', 'gsi1', 'gsi2', 'gsik1']);
    expect(tableConflicts(previousTable(), layout)).toEqual([]);
    expect(missingIndexes(previousTable(), layout).map((i) => i.name)).toEqual(['gsi1', 'gsi2', 'gsik1']);
    const wrong = previousTable();
    wrong.GlobalSecondaryIndexes?.push({ IndexName: 'gsi2', KeySchema: [{ AttributeName: '_gsi2pk', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } });
    expect(tableConflicts(wrong, layout)).toEqual(['index gsi2 key is _gsi2pk:HASH:?, expected _gsi2pk:HASH:S,_gsi2sk:RANGE:S']);
  });
});

describe('the layout record', () => {
  const meta = () => getEntityMetadata(Note);

  it('records each index with its GSI and key definition, only where no one recorded it', () => {
    expect(meta().indexes.map((i) => [i.name, i.gsi])).toEqual([['byOwner', 'gsi1'], ['byTag', 'gsik1'], ['byRank', 'gsi2']]);
    expect(recordIndexesInput('app', meta(), meta().indexes.slice(0, 2))).toEqual({
      TableName: 'app',
      Key: { PK: { S: '_layout' }, SK: { S: 'note' } },
      UpdateExpression: 'SET #i0 = :i0, #i1 = :i1',
      ConditionExpression: 'attribute_not_exists(#i0) AND attribute_not_exists(#i1)',
      ExpressionAttributeNames: { '#i0': 'index:byOwner', '#i1': 'index:byTag' },
      ExpressionAttributeValues: {
        ':i0': { M: { gsi: { S: 'gsi1' }, key: { S: 'partition [owner:string]; sort [at:date]; projection all' } } },
        ':i1': { M: { gsi: { S: 'gsik1' }, key: { S: 'partition [tag:string]; sort []; projection keys' } } },
      },
    });
  });

  it('names the entity, the index, both sides and the fix', () => {
    const [byOwner, , byRank] = meta().indexes;
    const recorded = new Map([
      ['byOwner', { gsi: 'gsi2', key: recordedIndexOf(byOwner!).key }],
      ['byRank', { gsi: 'gsi2', key: 'partition [rank:bigint]; sort []; projection all' }],
    ]);
    expect(layoutRecordProblems(meta(), recorded)).toEqual([
      "Note @Index('byOwner') is recorded in gsi2 (slot 2) but now takes gsi1 (slot 1), away from the keys its items carry (did the @Index " +
        "decorators move?). Pin it with slot: 2 (@Index('byOwner', { ..., slot: 2 })) or restore the decorator order",
      "Note @Index('byRank') was recorded with key partition [rank:bigint]; sort []; projection all (in gsi2) and is now declared with " +
        'partition [rank:number]; sort []; projection all (in gsi2); the stored index keys follow the old definition. A changed key is a ' +
        'new index: give it a new name, then run em.reindex(Note)',
    ]);
    expect(layoutRecordProblems(meta(), new Map([['byRank', recordedIndexOf(byRank!)]]))).toEqual([]);
  });
});

describe('reindex: UpdateItem input', () => {
  const meta = () => getEntityMetadata(Note);
  const item = {
    PK: { S: 'note#n1' },
    SK: { S: 'note' },
    _type: { S: 'note' },
    uid: { S: '0193f000-0000-7000-8000-000000000001' },
    version: { N: '4' },
    owner: { S: 'ann' },
    rank: { N: '2' },
    _gsik1pk: { S: 'note#byTag#old' + END },
    _gsik1sk: { S: '0193f000-0000-7000-8000-000000000001' },
  };

  it('sets the keys that differ, removes the ones no index uses, conditioned on uid and version, without moving the version', () => {
    const changes = reindexKeyChanges(meta(), item);
    expect(reindexUpdateInput('app', item, changes)).toEqual({
      TableName: 'app',
      Key: { PK: { S: 'note#n1' }, SK: { S: 'note' } },
      UpdateExpression: 'SET #s0 = :s0, #s1 = :s1, #s2 = :s2, #s3 = :s3 REMOVE #r0, #r1',
      ConditionExpression: '#uid = :uid AND #version = :version',
      ExpressionAttributeNames: { '#uid': 'uid', '#version': 'version', '#s0': '_gsi1pk', '#s1': '_gsi1sk', '#s2': '_gsi2pk', '#s3': '_gsi2sk', '#r0': '_gsik1pk', '#r1': '_gsik1sk' },
      ExpressionAttributeValues: {
        ':uid': { S: '0193f000-0000-7000-8000-000000000001' },
        ':version': { N: '4' },
        ':s0': { S: `note#byOwner#ann${END}` },
        ':s1': { S: ' !' }, // MISSING: no `at`
        ':s2': { S: `note#byRank#c000000000000000${END}` },
        ':s3': { S: '-' }, // no sort fields
      },
    });
  });

  it('nothing to change once the keys are written; an item without a version is matched by its absence', () => {
    const indexed = { ...item, ...reindexKeyChanges(meta(), item).set };
    delete (indexed as Partial<typeof indexed>)._gsik1pk;
    delete (indexed as Partial<typeof indexed>)._gsik1sk;
    expect(reindexKeyChanges(meta(), indexed)).toEqual({ set: {}, remove: [], problems: [] });
    const { version: _version, ...legacy } = item;
    expect(reindexUpdateInput('app', legacy, reindexKeyChanges(meta(), legacy)).ConditionExpression).toBe('#uid = :uid AND attribute_not_exists(#version)');
  });
});

/** A fake engine holding one table, whose added indexes go CREATING -> ACTIVE while backfilling -> ACTIVE. */
function fakeEngine(table: TableDescription, options: { busyOnce?: boolean; ignoresIndexCreation?: boolean } = {}) {
  let busy = options.busyOnce ?? false;
  const advance = (index: GlobalSecondaryIndexDescription) => {
    if (index.IndexStatus === 'CREATING') Object.assign(index, { IndexStatus: 'ACTIVE', Backfilling: true });
    else if (index.Backfilling) index.Backfilling = false;
  };
  return fakeClient(({ operation, input }) => {
    switch (operation) {
      case 'DescribeTable': {
        const snapshot = structuredClone(table);
        table.GlobalSecondaryIndexes?.forEach(advance);
        return { Table: snapshot };
      }
      case 'UpdateTable': {
        if (busy) {
          busy = false;
          throw awsError('ResourceInUseException');
        }
        if (!options.ignoresIndexCreation) {
          const create = (input.GlobalSecondaryIndexUpdates as Array<{ Create: GlobalSecondaryIndexDescription }>)[0]!.Create;
          table.GlobalSecondaryIndexes?.push({ ...create, IndexStatus: 'CREATING' });
          table.AttributeDefinitions = input.AttributeDefinitions as TableDescription['AttributeDefinitions'];
        }
        return { TableDescription: table };
      }
      case 'Query':
        return { Items: [] };
      default:
        return {};
    }
  });
}

describe('ensureTable on an existing table', () => {
  const updates = (sent: Array<{ operation: string; input: Record<string, unknown> }>) =>
    sent.filter((s) => s.operation === 'UpdateTable').map((s) => (s.input.GlobalSecondaryIndexUpdates as Array<{ Create: { IndexName: string } }>)[0]!.Create.IndexName);

  it('adds the missing GSIs one at a time, each waited for until ACTIVE and backfilled, then records the layout', async () => {
    const { client, sent } = fakeEngine(previousTable(), { busyOnce: true });
    await ensureTable(new RequestExecutor(client), 'app', { timeoutMs: 5000 });
    expect(updates(sent)).toEqual(['gsi1', 'gsi1', 'gsi2', 'gsik1']);
    const operations = sent.map((s) => s.operation);
    expect(operations.slice(0, 3)).toEqual(['DescribeTable', 'Query', 'UpdateTable']);
    // After each accepted creation: CREATING, then ACTIVE but backfilling, then ready.
    const second = operations.indexOf('UpdateTable', 3);
    expect(operations.slice(second, second + 5)).toEqual(['UpdateTable', 'DescribeTable', 'DescribeTable', 'DescribeTable', 'UpdateTable']);
    expect(operations.slice(-2)).toEqual(['DescribeTable', 'UpdateItem']);
  });

  it('a GSI of another shape: TableSchemaMismatchError, and no UpdateTable', async () => {
    const table = previousTable();
    table.GlobalSecondaryIndexes?.push({ IndexName: 'gsik1', KeySchema: [{ AttributeName: '_gsik1pk', KeyType: 'HASH' }, { AttributeName: '_gsik1sk', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' }, IndexStatus: 'ACTIVE' });
    const { client, sent } = fakeEngine(table);
    await expect(ensureTable(new RequestExecutor(client), 'app', {})).rejects.toThrow(TableSchemaMismatchError);
    expect(sent.map((s) => s.operation)).toEqual(['DescribeTable']);
  });

  it('an engine that accepts the request and creates nothing: UnsupportedByEngineError after the first UpdateTable', async () => {
    const { client, sent } = fakeEngine(previousTable(), { ignoresIndexCreation: true });
    const error = await ensureTable(new RequestExecutor(client), 'app', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedByEngineError);
    expect(updates(sent)).toEqual(['gsi1']);
    expect(sent.some((s) => s.operation === 'UpdateItem')).toBe(false);
  });
});
