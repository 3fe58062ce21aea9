import { PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../../src';
import type { Repository } from '../../src';
import * as uid from '../../src/keys/uid';
import { holdsWrite } from '../../src/marshalling/stored-item';
import { describeEachEngine } from '../support/engines';
import { faultyClient } from '../support/faults';
import { useEntityManager, useFaultyEntityManager } from '../support/tables';
import { User } from '../fixtures/entities';

/** The user item as stored, read past the library. */
async function storedUser(manager: EntityManager, username: string): Promise<Record<string, AttributeValue>> {
  const key = { PK: { S: `user#${username}` }, SK: { S: 'user' } };
  return (await manager.client.send(new GetItemCommand({ TableName: manager.tableName, Key: key }))).Item ?? {};
}

/**
 * Items written by 0.1.0 carry one `_writeId` (22 characters) and no `_w1`..`_w7`. They must read,
 * update, save and delete as before, start a write history on their next write, and recognise a
 * lost answer even then. Nothing needs migrating.
 */
describeEachEngine('items written by the previous layout (one _writeId, no history)', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);

  async function putLegacy(username: string, age: number) {
    const item = {
      PK: { S: `user#${username}` },
      SK: { S: 'user' },
      _type: { S: 'user' },
      uid: { S: '01937a3e-1c2b-7000-8000-00000000000a' },
      version: { N: '3' },
      _writeId: { S: 'AAAAAAAAAAAAAAAAAAAAAA' },
      username: { S: username },
      email: { S: 'old@example.com' },
      activatedOn: { S: '2026-01-01T00:00:00.000Z' },
      admin: { BOOL: false },
      tags: { L: [] },
      age: { N: String(age) },
    };
    await em().client.send(new PutItemCommand({ TableName: em().tableName, Item: item }));
  }
  const raw = (username: string) => storedUser(em(), username);

  it('reads, increments (starting the history) and saves an old item', async () => {
    await putLegacy('old-1', 1);
    const loaded = await users().getByStr('old-1');
    expect([loaded.age, loaded.version]).toEqual([1, 3]);
    const incremented = await users().increment('old-1', 'age', 2);
    expect([incremented.age, incremented.version]).toEqual([3, 4]);
    const item = await raw('old-1');
    expect(item?._w1).toEqual({ S: 'AAAAAAAAAAAAAAAAAAAAAA' });
    expect(item?._w2).toEqual({ S: '' }); // a slot with no write yet
    incremented.age = 10;
    await users().save(incremented);
    const saved = await raw('old-1');
    expect([saved?.age, saved?.version, saved?._w2]).toEqual([{ N: '10' }, { N: '5' }, { S: 'AAAAAAAAAAAAAAAAAAAAAA' }]);
    await users().delete(await users().getByStr('old-1'));
    await expect(users().findByStr('old-1')).resolves.toBeUndefined();
  });

  it('saves an old item loaded before any new write, keeping its old write id in the history', async () => {
    await putLegacy('old-2', 1);
    const loaded = await users().getByStr('old-2');
    loaded.age = 5;
    await users().save(loaded);
    const item = await raw('old-2');
    expect([item?.version, item?._w1]).toEqual([{ N: '4' }, { S: 'AAAAAAAAAAAAAAAAAAAAAA' }]);
  });

  it('a lost answer on an old item with another write in between is still applied once', async () => {
    await putLegacy('old-3', 0);
    const { client, faults } = faultyClient(engine(), { maxAttempts: 3 });
    try {
      const faulty = new EntityManager({ client, tableName: em().tableName }).getRepository(User);
      faults.inject({ operation: 'UpdateItem', fault: { kind: 'dropAfterApply', meanwhile: () => users().increment('old-3', 'age', 100) }, times: 1 });
      await faulty.increment('old-3', 'age', 1);
      expect((await users().getByStr('old-3')).age).toBe(101);
    } finally {
      client.destroy();
    }
  });

  it('lists old and new items together', async () => {
    await putLegacy('old-4', 0);
    await users().create({ username: 'new-4', email: 'new@example.com' });
    const names = (await users().query().toArray()).map((u) => u.username);
    expect(names).toEqual(expect.arrayContaining(['old-4', 'new-4']));
  });
});

/** A write id as the library made them before ids were 11 characters (12, base64url). */
const PREVIOUS_ID = 'q3JX0m2Yc9Ak';
const LEGACY_ID = 'AAAAAAAAAAAAAAAAAAAAAA'; // 0.1.0
const NEW_ID = /^[A-Za-z0-9_-]{11}$/;

/**
 * Write ids are 11 characters now, 12 before (22 in 0.1.0), and only ever compared as strings. While
 * a deploy rolls, a process of the previous version may write an item that this version then writes
 * again: the previous id must stay in the history, unchanged, and a retry that carries it must still
 * be recognised, by the engine's condition and by the comparison of the stored history.
 */
describeEachEngine('write histories holding ids of the previous formats', (engine) => {
  const em = useEntityManager(engine, 'ids');
  const { faults, faultyEm } = useFaultyEntityManager(engine, em);
  const users = (): Repository<User> => faultyEm().getRepository(User);
  const other = (): Repository<User> => em().getRepository(User);
  const raw = (username: string) => storedUser(em(), username);
  /** The next write id is PREVIOUS_ID, as a process of the previous version would make it. */
  const nextIdFromPreviousVersion = () => jest.spyOn(uid, 'newWriteId').mockReturnValueOnce(PREVIOUS_ID);
  const dropNext = (operation: string, meanwhile: () => Promise<unknown>) =>
    faults.inject({ operation, fault: { kind: 'dropAfterApply', meanwhile }, times: 1 });
  const increments = (strId: string, n: number) => async () => {
    for (let i = 0; i < n; i += 1) await other().increment(strId, 'age', 100);
  };
  afterEach(() => jest.restoreAllMocks());

  it('new writes carry 12- and 22-character ids down the history unchanged, in front of them their own 11-character ones', async () => {
    const history = { _writeId: { S: PREVIOUS_ID }, _w1: { S: LEGACY_ID }, ...Object.fromEntries(['_w2', '_w3', '_w4', '_w5', '_w6', '_w7'].map((w) => [w, { S: '' }])) };
    const item = { PK: { S: 'user#mixed' }, SK: { S: 'user' }, _type: { S: 'user' }, uid: { S: '01937a3e-1c2b-7000-8000-00000000000b' }, version: { N: '2' } };
    const fields = { username: { S: 'mixed' }, email: { S: 'old@example.com' }, activatedOn: { S: '2026-01-01T00:00:00.000Z' }, admin: { BOOL: false }, tags: { L: [] }, age: { N: '0' } };
    await em().client.send(new PutItemCommand({ TableName: em().tableName, Item: { ...item, ...history, ...fields } }));
    await other().increment('mixed', 'age', 1); // an update: the engine shifts the history
    const loaded = await other().getByStr('mixed');
    loaded.age = 5;
    await other().save(loaded); // a put: the library carries the history it loaded
    const stored = await raw('mixed');
    expect([stored._w2?.S, stored._w3?.S]).toEqual([PREVIOUS_ID, LEGACY_ID]);
    expect([stored._writeId?.S, stored._w1?.S]).toEqual([expect.stringMatching(NEW_ID), expect.stringMatching(NEW_ID)]);
    expect([holdsWrite(stored, PREVIOUS_ID), holdsWrite(stored, LEGACY_ID), holdsWrite(stored, PREVIOUS_ID.slice(1))]).toEqual([true, true, false]);
  });

  it('an update stored with a 12-character id whose answer was lost is applied once, though 11-character writes followed', async () => {
    await other().create({ username: 'prev-inc', email: 'a@example.com', age: 0 });
    nextIdFromPreviousVersion();
    dropNext('UpdateItem', increments('prev-inc', 3));
    await users().increment('prev-inc', 'age', 1);
    const stored = await raw('prev-inc');
    expect([stored.age, stored.version, stored._w3]).toEqual([{ N: '301' }, { N: '5' }, { S: PREVIOUS_ID }]);
    expect(faults.count('UpdateItem')).toBe(2);
  });

  it('a create stored with a 12-character id whose answer was lost reports success, though 11-character writes followed', async () => {
    nextIdFromPreviousVersion();
    dropNext('PutItem', increments('prev-create', 2));
    const user = await users().create({ username: 'prev-create', email: 'a@example.com', age: 0 });
    const stored = await raw('prev-create');
    expect([stored.uid, stored.age, stored.version, stored._w2]).toEqual([{ S: user.uid }, { N: '200' }, { N: '3' }, { S: PREVIOUS_ID }]);
  });
});
