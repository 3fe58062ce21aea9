import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EntityManager, EntityValidationError, Field, StrId, Table } from '../../src';
import { describeEachEngine } from '../support/engines';
import { faultyClient } from '../support/faults';
import type { FaultInjector } from '../support/faults';
import { allItems, useEntityManager } from '../support/tables';
import { User } from '../fixtures/entities';

@Table('blob')
class Blob {
  @StrId() id!: string;
  @Field() file?: Buffer;
  @Field() data?: unknown;
}

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i += 1) value = { n: value };
  return value;
}

describeEachEngine('hostile input: a typed error before any request, nothing written', (engine) => {
  const em = useEntityManager(engine);
  const users = () => em().getRepository(User);
  /** The same table through a client that counts HTTP requests: refused calls must send none. */
  let counted: { client: DynamoDBClient; faults: FaultInjector; manager: EntityManager };

  beforeAll(() => {
    const { client, faults } = faultyClient(engine(), { maxAttempts: 1 });
    counted = { client, faults, manager: new EntityManager({ client, tableName: em().tableName }) };
  });
  afterAll(() => counted.client.destroy());
  beforeEach(() => counted.faults.reset());

  async function expectRefusedUnsent(acts: Array<() => Promise<unknown>>, property: string): Promise<void> {
    const before = await allItems(em());
    for (const act of acts) {
      const error = await act().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EntityValidationError);
      expect((error as EntityValidationError).violations.map((v) => v.property)).toContain(property);
    }
    expect(counted.faults.requests).toEqual({});
    expect(await allItems(em())).toEqual(before);
  }

  // dynalite stores both as 'admin\ufffd' (they would read, block and delete it); moto answers HTTP 500.
  it.each(['admin\ud800', 'admin\udc00'])('the str id %j is refused by every call that takes one', async (id) => {
    await users().getOrCreate({ username: 'admin\ufffd', email: 'replacement@example.com' });
    const repo = counted.manager.getRepository(User);
    await expectRefusedUnsent(
      [
        () => repo.create({ username: id, email: 'a@example.com' }),
        () => repo.getOrCreate({ username: id, email: 'a@example.com' }),
        () => repo.getByStr(id),
        () => repo.findByStr(id),
        () => repo.deleteByStr(id),
        () => repo.update(id, { nickname: 'x' }),
        () => repo.getMany([id]),
      ],
      'username',
    );
    expect((await users().getByStr('admin\ufffd')).email).toBe('replacement@example.com');
  });

  it.each([
    ['a lone surrogate in a string field', { nickname: 'x\ud800' }, 'nickname'],
    ['a lone surrogate deep in a free-form value', { settings: { a: [{ b: 'y\udc00' }] } }, 'settings.a.0.b'],
    ['a lone-surrogate map key', { settings: { ['k\udfff']: 1 } }, 'settings.k\udfff'],
    ['a __proto__ key (JSON.parse makes it an own key)', { settings: JSON.parse('{"a":1,"__proto__":{"isAdmin":true}}') }, 'settings.__proto__'],
    ['an empty map key', { settings: { '': 1 } }, 'settings.'],
    ['32 nested maps', { settings: nested(32) }, `settings${'.n'.repeat(31)}`],
  ])('%s', async (_, fields, property) => {
    const repo = counted.manager.getRepository(User);
    await expectRefusedUnsent(
      [() => repo.create({ username: 'hostile', email: 'h@example.com', ...fields }), () => repo.update('hostile', fields)],
      property,
    );
  });

  it('a cyclic value', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const repo = counted.manager.getRepository(User);
    const create = () => repo.create({ username: 'cyclic', email: 'c@example.com', settings: cyclic });
    await expectRefusedUnsent([create], `settings${'.self'.repeat(31)}`);
  });

  it('31 nested maps are stored and read back', async () => {
    await users().create({ username: 'deep', email: 'd@example.com', settings: nested(31) as Record<string, unknown> });
    expect((await users().getByStr('deep')).settings).toEqual(nested(31));
  });

  it('free-form numbers come back as numbers, bigints no double equals as bigints', async () => {
    const settings = { a: 12345678901234567000, b: -9.936823498258001e33, c: 2 ** 60, d: 0.1, e: -0, big: 2n ** 64n + 1n };
    await users().create({ username: 'numbers', email: 'n@example.com', settings });
    const loaded = (await users().getByStr('numbers')).settings ?? {};
    expect(loaded).toEqual({ ...settings, e: 0 });
    expect(Object.is(loaded.e, 0)).toBe(true);
    const { big, ...numbers } = loaded;
    expect(typeof big).toBe('bigint');
    expect(JSON.parse(JSON.stringify(numbers))).toEqual({ a: 12345678901234567000, b: -9.936823498258001e33, c: 2 ** 60, d: 0.1, e: 0 });
  });

  it('a Buffer field reads back as a Buffer, free-form binary as a Uint8Array', async () => {
    const blobs = em().getRepository(Blob);
    await blobs.create({ id: 'b', file: Buffer.from('hello'), data: { raw: Buffer.from([1, 2]) } });
    const loaded = await blobs.getByStr('b');
    expect(Buffer.isBuffer(loaded.file)).toBe(true);
    expect(loaded.file?.toString()).toBe('hello');
    const raw = (loaded.data as { raw: Uint8Array }).raw;
    expect([raw instanceof Uint8Array, Buffer.isBuffer(raw), [...raw]]).toEqual([true, false, [1, 2]]);
  });

  it('epochSeconds keeps whole seconds (rounded down), as documented', async () => {
    await users().create({ username: 'ttl', email: 't@example.com', expiresAt: new Date('2030-01-01T00:00:00.789Z') });
    expect((await users().getByStr('ttl')).expiresAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
  });
});
