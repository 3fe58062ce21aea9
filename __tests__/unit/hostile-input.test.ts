import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { HttpResponse } from '@smithy/core/protocols';
import { EntityManager, EntityValidationError, Field, InvalidArgumentError, StrId, Table } from '../../src';
import { guardKeyProblem, strIdProblem, uniqueValueText } from '../../src/keys';
import { getEntityMetadata } from '../../src/metadata';
import { EntityMapper } from '../../src/marshalling/entity-mapper';
import { fakeClient } from '../support/fake-client';
import { Account, Address, User } from '../fixtures/entities';

const identity = { uid: '01a212e1-f9cb-7000-8e3e-c64da6114a1c', version: 1 };
const users = EntityMapper.of(User);

const summary = (error: EntityValidationError) => error.violations.map((v) => `${v.property}:${Object.keys(v.constraints)[0]}`);

/** `property:constraint` of each violation toItem reports, or [] when the entity is storable. */
function violationsOf(mapper: EntityMapper<object>, entity: object): string[] {
  try {
    mapper.toItem(entity, identity);
  } catch (error) {
    if (!(error instanceof EntityValidationError)) throw error;
    return summary(error);
  }
  return [];
}

function userWith(patch: Record<string, unknown>): User {
  return Object.assign(users.build({ username: 'u', email: 'u@example.com' }), patch);
}

const userViolations = (patch: Record<string, unknown>) => violationsOf(users as EntityMapper<object>, userWith(patch));

/** A repository whose client records every command: a refused call must leave `sent` empty. */
function recorded() {
  const { client, sent } = fakeClient(() => ({}));
  const em = new EntityManager({ client, tableName: 'app' });
  return { users: em.getRepository(User), accounts: em.getRepository(Account), sent };
}

describe('strings that are not well-formed UTF-16 (lone surrogates) are refused', () => {
  const lone = ['admin\ud800', 'admin\udfff', 'admin\udc00', 'a\udc00\ud800b', '\ud83d'];

  it.each(lone)('str id %j', (id) => {
    expect(strIdProblem(getEntityMetadata(User), id)).toMatch(/lone surrogate/);
  });

  it('accepts surrogate pairs and U+FFFD', () => {
    for (const id of ['admin\ud83d\ude00', 'admin\ufffd']) expect(strIdProblem(getEntityMetadata(User), id)).toBeUndefined();
  });

  it.each([
    ['create', (r: ReturnType<typeof recorded>) => r.users.create({ username: 'admin\ud800', email: 'a@example.com' })],
    ['getOrCreate', (r: ReturnType<typeof recorded>) => r.users.getOrCreate({ username: 'admin\udc00', email: 'a@example.com' })],
    ['getByStr', (r: ReturnType<typeof recorded>) => r.users.getByStr('admin\ud800')],
    ['findByStr', (r: ReturnType<typeof recorded>) => r.users.findByStr('admin\udfff')],
    ['deleteByStr', (r: ReturnType<typeof recorded>) => r.users.deleteByStr('admin\udc00')],
    ['update', (r: ReturnType<typeof recorded>) => r.users.update('admin\ud800', { nickname: 'x' })],
    ['getMany', (r: ReturnType<typeof recorded>) => r.users.getMany(['admin', 'admin\ud800'])],
  ])('%s with a lone-surrogate str id: EntityValidationError naming the str id, no request', async (_, act) => {
    const r = recorded();
    const error = await act(r).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntityValidationError);
    expect((error as EntityValidationError).violations[0]?.property).toBe('username');
    expect(r.sent).toEqual([]);
  });

  it.each([
    ['a string field', { nickname: 'x\ud800' }, ['nickname:unicode']],
    ['an array element', { tags: ['ok', '\udc00'] }, ['tags.1:unicode']],
    ['a nested class field', { address: Object.assign(new Address(), { city: 'P\ud800' }) }, ['address.city:unicode']],
    ['a free-form string', { settings: { a: { b: ['x', 'y\udfff'] } } }, ['settings.a.b.1:unicode']],
    ['a free-form map key', { settings: { ok: 1, ['k\ud800']: 1 } }, ['settings.k\ud800:unicode']],
  ])('%s', (_, patch, expected) => {
    expect(userViolations(patch)).toEqual(expected);
  });

  it('unique values: not guardable, findByUnique refuses without a request', async () => {
    const meta = getEntityMetadata(Account);
    expect(uniqueValueText('a\ud800@example.com')).toBeUndefined();
    expect(uniqueValueText('a\ud83d\ude00@example.com')).toBe('a\ud83d\ude00@example.com');
    expect(guardKeyProblem(meta, 'email', 'a\udc00@example.com')).toMatch(/lone surrogate/);
    expect(guardKeyProblem(meta, 'email', 'a@example.com')).toBeUndefined();
    const r = recorded();
    await expect(r.accounts.findByUnique('email', 'a\ud800@example.com')).rejects.toBeInstanceOf(InvalidArgumentError);
    for (const write of [
      () => r.accounts.create({ handle: 'h', email: 'a\ud800@example.com' }),
      () => r.accounts.update('h', { email: 'b\udc00@example.com' }),
    ]) {
      const error = await write().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EntityValidationError);
      expect(summary(error as EntityValidationError)).toEqual(['email:unicode']);
    }
    expect(r.sent).toEqual([]);
  });

  it('a validator that throws on a lone surrogate (validator.js uses encodeURI) still gives a typed error', async () => {
    const r = recorded();
    const error = await r.users.create({ username: 'u', email: 'x\udfff@example.com', age: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EntityValidationError);
    expect((error as EntityValidationError).violations[0]).toEqual({
      property: 'email',
      constraints: { unicode: expect.stringMatching(/lone surrogate/) },
    });
    expect(r.sent).toEqual([]);
  });
});

describe('__proto__ keys never set a prototype', () => {
  const hostile = () => JSON.parse('{"theme":"dark","__proto__":{"isAdmin":true}}') as Record<string, unknown>;

  it('refuses a __proto__ key in a free-form map on write, at any depth, naming its path', () => {
    expect(userViolations({ settings: hostile() })).toEqual(['settings.__proto__:mapKey']);
    expect(userViolations({ settings: { list: [1, { inner: hostile() }] } })).toEqual(['settings.list.1.inner.__proto__:mapKey']);
  });

  it('reads a stored __proto__ key as an own key, not as the prototype', () => {
    const stored = JSON.parse('{"M":{"theme":{"S":"dark"},"__proto__":{"M":{"isAdmin":{"BOOL":true}}}}}') as AttributeValue;
    const { settings } = users.fromItem({ uid: { S: identity.uid }, version: { N: '1' }, username: { S: 'u' }, settings: stored });
    expect(Object.getPrototypeOf(settings)).toBe(Object.prototype);
    expect((settings as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.keys(settings as object)).toEqual(['theme', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(settings, '__proto__')?.value).toEqual({ isAdmin: true });
  });

  it('plain input with __proto__ is an unknown property, at the top and in nested classes', () => {
    const input = JSON.parse(
      '{"username":"u","email":"u@example.com","__proto__":{"admin":true},"address":{"city":"P","__proto__":{"zip":"1"}}}',
    );
    const error = (() => {
      try {
        users.build(input);
      } catch (e) {
        return e as EntityValidationError;
      }
      return undefined;
    })();
    expect(error && summary(error)).toEqual([
      '__proto__:unknownProperty',
      'address.__proto__:unknownProperty',
    ]);
  });

  it('through the SDK: its deserializer keeps __proto__ an own key; entities and nested classes keep their prototypes', async () => {
    const body =
      '{"Item":{"PK":{"S":"user#u"},"SK":{"S":"user"},"uid":{"S":"' + identity.uid + '"},"version":{"N":"1"},"username":{"S":"u"},' +
      '"__proto__":{"M":{"admin":{"BOOL":true}}},' +
      '"address":{"M":{"city":{"S":"P"},"__proto__":{"M":{"zip":{"S":"evil"}}}}},' +
      '"settings":{"M":{"theme":{"S":"dark"},"__proto__":{"M":{"isAdmin":{"BOOL":true}}}}}}}';
    const client = cannedClient(body);
    const raw = await client.send(new GetItemCommand({ TableName: 'app', Key: {} }));
    expect(Object.getPrototypeOf(raw.Item?.settings?.M)).toBe(Object.prototype);
    expect(Object.keys(raw.Item?.settings?.M ?? {})).toEqual(['theme', '__proto__']);
    const user = await new EntityManager({ client, tableName: 'app' }).getRepository(User).getByStr('u');
    expect(Object.getPrototypeOf(user)).toBe(User.prototype);
    expect(user.admin).toBeUndefined();
    expect(Object.getPrototypeOf(user.address)).toBe(Address.prototype);
    expect(user.address?.zip).toBeUndefined();
    expect((user.settings as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(JSON.parse(JSON.stringify(user.settings))).toEqual({ theme: 'dark', ['__proto__']: { isAdmin: true } });
    client.destroy();
  });
});

/** A real DynamoDBClient whose HTTP layer answers every request with `body`. */
function cannedClient(body: string): DynamoDBClient {
  const requestHandler = {
    metadata: { handlerProtocol: 'http/1.1' },
    handle: async () => ({
      response: new HttpResponse({
        statusCode: 200,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: Buffer.from(body),
      }),
    }),
  };
  return new DynamoDBClient({
    region: 'local',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'k', secretAccessKey: 's' },
    maxAttempts: 1,
    requestHandler,
  });
}

function nested(levels: number, leaf: unknown, list = false): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i += 1) value = list ? [value] : { n: value };
  return value;
}

class TreeNode {
  @Field() label?: string;
  @Field({ type: () => TreeNode }) child?: TreeNode;
}

@Table('tree')
class Tree {
  @StrId() id!: string;
  @Field() root?: TreeNode;
}

const trees = EntityMapper.of(Tree);

function chain(levels: number): TreeNode {
  const root = new TreeNode();
  let node = root;
  for (let i = 1; i < levels; i += 1) node = node.child = new TreeNode();
  return root;
}

describe('nesting depth, cycles and empty map keys', () => {
  // DynamoDB: 32 levels, the top-level attribute being level 1, so a map or list may sit at level 31 at most.
  it('accepts 31 nested maps or lists in one attribute (itself included) and refuses 32, naming the path', () => {
    expect(userViolations({ settings: nested(31, 'leaf') })).toEqual([]);
    expect(userViolations({ settings: nested(30, [], true) })).toEqual([]);
    expect(userViolations({ settings: nested(32, 'leaf') })).toEqual([`settings${'.n'.repeat(31)}:nestingDepth`]);
    expect(userViolations({ settings: { a: nested(31, 'leaf', true) } })).toEqual([`settings.a${'.0'.repeat(30)}:nestingDepth`]);
  });

  it('counts nested classes and typed arrays too', () => {
    expect(violationsOf(trees as EntityMapper<object>, Object.assign(new Tree(), { id: 't', root: chain(31) }))).toEqual([]);
    expect(violationsOf(trees as EntityMapper<object>, Object.assign(new Tree(), { id: 't', root: chain(32) }))).toEqual([
      `root${'.child'.repeat(31)}:nestingDepth`,
    ]);
  });

  it('a cyclic or very deep value is a validation error, not a RangeError', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(userViolations({ settings: cyclic })).toEqual([`settings${'.self'.repeat(31)}:nestingDepth`]);
    expect(userViolations({ settings: nested(100_000, 1) })).toEqual([`settings${'.n'.repeat(31)}:nestingDepth`]);
    const loop = new TreeNode();
    loop.child = loop;
    expect(violationsOf(trees as EntityMapper<object>, Object.assign(new Tree(), { id: 't', root: loop }))).toHaveLength(1);
  });

  it('deep plain input for nested classes is a validation error, not a RangeError', () => {
    let root: Record<string, unknown> = { label: 'x' };
    for (let i = 0; i < 100_000; i += 1) root = { child: root };
    const input = { id: 't', root };
    expect(() => trees.build(input)).toThrow(EntityValidationError);
  });

  it('refuses an empty map key (DynamoDB: attribute names are at least one character)', () => {
    expect(userViolations({ settings: { '': 1 } })).toEqual(['settings.:mapKey']);
    expect(userViolations({ settings: { a: [{ '': null }] } })).toEqual(['settings.a.0.:mapKey']);
  });

  it('sends nothing when refused', async () => {
    const r = recorded();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const settings of [cyclic, nested(40, 1), { '': 1 }, JSON.parse('{"__proto__":{}}')]) {
      await expect(r.users.create({ username: 'u', email: 'u@example.com', settings })).rejects.toBeInstanceOf(EntityValidationError);
      await expect(r.users.update('u', { settings })).rejects.toBeInstanceOf(EntityValidationError);
    }
    expect(r.sent).toEqual([]);
  });
});
