import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager } from '../../src';
import { describeEachEngine } from '../support/engines';
import type { TestEngine } from '../support/engines';
import { faultyClient } from '../support/faults';
import type { FaultInjector } from '../support/faults';
import { allItems, useEntityManager } from '../support/tables';
import { Group } from '../fixtures/entities';

const SIZES = [0, 1, 25, 26, 100, 101, 1000];

/** A second manager on the same table whose client counts the HTTP requests per operation. */
function countingManager(engine: TestEngine, tableName: string): { em: EntityManager; faults: FaultInjector; client: DynamoDBClient } {
  const { client, faults } = faultyClient(engine, { maxAttempts: 1 });
  return { em: new EntityManager({ client, tableName }), faults, client };
}

const nameOf = (i: number) => `item-${String(i).padStart(4, '0')}`;

describeEachEngine('Batch operations', (engine) => {
  for (const size of SIZES) {
    describe(`${size} entities`, () => {
      // A fresh table per size keeps moto's table small and lets each size fail on its own.
      const em = useEntityManager(engine, `n${size}`);

      it('saveMany stores each once, getMany reads them back in input order, deleteMany removes them', async () => {
        const { em: counted, faults, client } = countingManager(engine(), em().tableName);
        try {
          const groups = counted.getRepository(Group);
          const input = Array.from({ length: size }, (_, i) => ({ name: nameOf(i), title: `T${i}`, members: [`m${i}`] }));

          const saved = await groups.saveMany(input);
          expect(faults.count('BatchWriteItem')).toBe(Math.ceil(size / 25));
          expect(saved.map((g) => [g.name, g.version])).toEqual(input.map((g) => [g.name, 1]));
          const stored = await allItems(em());
          expect(stored).toHaveLength(size);
          const uidByPk = new Map(saved.map((g) => [`group#${g.name}`, g.uid]));
          for (const item of stored as Array<Record<string, any>>) {
            expect([item.uid.S, item.version.N]).toEqual([uidByPk.get(item.PK.S), '1']);
          }

          // Reversed, with a missing id after every 10th and one id twice.
          const ids = [...input].reverse().flatMap((g, i) => (i % 10 === 0 ? [g.name, `missing-${i}`] : [g.name]));
          if (size > 0) ids.push(nameOf(0));
          const found = await groups.getMany(ids);
          expect(found.map((g) => g?.name)).toEqual(ids.map((id) => (id.startsWith('missing') ? undefined : id)));
          const titleByName = new Map(input.map((g) => [g.name, g.title]));
          expect(found.map((g) => g?.title)).toEqual(ids.map((id) => titleByName.get(id)));
          if (size > 0) expect(found[found.length - 1]).toBe(found.find((g) => g?.name === nameOf(0)));
          expect(faults.count('BatchGetItem')).toBe(Math.ceil(new Set(ids).size / 100));

          // Half by instance, half by str id, plus ids that never existed.
          const half = Math.floor(size / 2);
          await groups.deleteMany([...saved.slice(0, half), ...saved.slice(half).map((g) => g.name), 'never-existed']);
          expect(faults.count('BatchWriteItem')).toBe(Math.ceil(size / 25) + Math.ceil((size + 1) / 25));
          expect(await allItems(em())).toEqual([]);
        } finally {
          client.destroy();
        }
      }, 120_000);
    });
  }

  describe('items near the size limit', () => {
    const em = useEntityManager(engine, 'large');

    // 60 x 300 KB = 18 MB: more than one BatchGetItem response may carry (16 MB on DynamoDB, less on
    // local engines), so the engine itself returns UnprocessedKeys and getMany must come back for them.
    it('getMany of items too large for one response follows UnprocessedKeys until all are read', async () => {
      const { em: counted, faults, client } = countingManager(engine(), em().tableName);
      try {
        const groups = counted.getRepository(Group);
        const big = 'x'.repeat(300_000);
        const saved = await groups.saveMany(Array.from({ length: 60 }, (_, i) => ({ name: nameOf(i), title: `${i}${big}` })));
        const found = await groups.getMany(saved.map((g) => g.name));
        expect(found.map((g) => g?.name)).toEqual(saved.map((g) => g.name));
        // Compared as one boolean: a diff of 18 MB of titles would drown the report.
        expect(found.every((g, i) => g?.title === saved[i]?.title)).toBe(true);
        expect(faults.count('BatchGetItem')).toBeGreaterThan(1);
      } finally {
        client.destroy();
      }
    }, 120_000);
  });
});
