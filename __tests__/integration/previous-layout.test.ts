import { PutItemCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../../src';
import { describeEachEngine } from '../support/engines';
import { faultyClient } from '../support/faults';
import { useEntityManager } from '../support/tables';
import { User } from '../fixtures/entities';

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
  const raw = async (username: string) =>
    (await em().client.send(new GetItemCommand({ TableName: em().tableName, Key: { PK: { S: `user#${username}` }, SK: { S: 'user' } } }))).Item;

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
