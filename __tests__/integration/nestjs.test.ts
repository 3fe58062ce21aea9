import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { Inject, Injectable, Module } from '@nestjs/common';
import type { ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import { isDynamoSingleTableError } from '../../src';
import type { EntityManager, Repository } from '../../src';
import {
  DynamoSingleTableModule,
  InjectEntityManager,
  InjectRepository,
  getClientToken,
  getEntityManagerToken,
  getRepositoryToken,
} from '../../src/nestjs';
import type { DynamoSingleTableModuleOptions, DynamoSingleTableOptionsFactory } from '../../src/nestjs';
import { describeEachEngine } from '../support/engines';
import type { TestEngine } from '../support/engines';
import { Group, User } from '../fixtures/entities';

/** A service as an application writes it: repositories and the entity manager injected by token. */
@Injectable()
class MembershipService {
  constructor(
    @InjectRepository(User) readonly users: Repository<User>,
    @InjectRepository(Group) readonly groups: Repository<Group>,
    @InjectEntityManager() readonly entityManager: EntityManager,
  ) {}

  async join(username: string, groupName: string): Promise<Group> {
    await this.users.getByStr(username);
    const [group] = await this.groups.getOrCreate({ name: groupName });
    return this.groups.update(groupName, { members: [...group.members, username] }, { expectedVersion: group.version });
  }
}

/** Moves users from one named connection (table) to another. */
@Injectable()
class ArchiveService {
  constructor(
    @InjectRepository(User, 'primary') readonly live: Repository<User>,
    @InjectRepository(User, 'archive') readonly archived: Repository<User>,
  ) {}

  async archive(username: string): Promise<void> {
    const user = await this.live.getByStr(username);
    await this.archived.create({ username: user.username, email: user.email, uid: user.uid });
    await this.live.deleteByStr(username);
  }
}

/** What @nestjs/config would provide: settings read by a factory through DI. */
class AppConfig {
  constructor(readonly tableName: string) {}
}

function compile(metadata: ModuleMetadata): Promise<TestingModule> {
  return Test.createTestingModule(metadata).setLogger(false as never).compile();
}

/** Settings for a client of the module's own, pointed at the lane's engine with the lane's credentials. */
async function ownClientConfig(engine: TestEngine): Promise<DynamoDBClientConfig> {
  const { config } = engine.client;
  return { endpoint: engine.endpoint, region: await config.region(), credentials: config.credentials, maxAttempts: await config.maxAttempts() };
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  return Table?.TableStatus === 'ACTIVE';
}

describeEachEngine('NestJS module', (engine) => {
  const opened: TestingModule[] = [];
  const open = async (metadata: ModuleMetadata) => {
    const moduleRef = await compile(metadata);
    opened.push(moduleRef);
    return moduleRef;
  };
  afterAll(async () => {
    await Promise.allSettled(opened.map((moduleRef) => moduleRef.close()));
  });

  it('a service gets working repositories and the entity manager, and the table is ensured first', async () => {
    const tableName = engine().tableName('service');
    const moduleRef = await open({
      imports: [
        DynamoSingleTableModule.forRoot({ client: engine().client, tableName, ensureTable: { billingMode: 'PAY_PER_REQUEST' } }),
        DynamoSingleTableModule.forFeature([User, Group]),
      ],
      providers: [MembershipService],
    });
    const service = moduleRef.get(MembershipService);
    await service.users.create({ username: 'ada', email: 'ada@example.com' });
    const group = await service.join('ada', 'admins');
    expect([group.members, group.version]).toEqual([['ada'], 2]);
    expect((await service.entityManager.getRepository(Group).getByStr('admins')).members).toEqual(['ada']);
    expect(service.entityManager.tableName).toBe(tableName);
    // Repositories are the connection's stateless singletons, whoever asks for them.
    expect(service.users).toBe(moduleRef.get(getEntityManagerToken(), { strict: false }).getRepository(User));
    expect(moduleRef.get(getRepositoryToken(User), { strict: false })).toBe(service.users);
    await expect(service.join('nobody', 'admins')).rejects.toMatchObject({ code: 'ENTITY_NOT_FOUND' });
  });

  it('forRootAsync builds the options with a factory that injects a config provider', async () => {
    const tableName = engine().tableName('async');
    @Module({ providers: [{ provide: AppConfig, useValue: new AppConfig(tableName) }], exports: [AppConfig] })
    class ConfigModule {}
    const moduleRef = await open({
      imports: [
        DynamoSingleTableModule.forRootAsync({
          imports: [ConfigModule],
          inject: [AppConfig],
          useFactory: async (config: AppConfig): Promise<DynamoSingleTableModuleOptions> => ({
            client: engine().client,
            tableName: config.tableName,
            ensureTable: true,
          }),
        }),
        DynamoSingleTableModule.forFeature([User]),
      ],
    });
    expect(moduleRef.get<EntityManager>(getEntityManagerToken(), { strict: false }).tableName).toBe(tableName);
    await expect(tableExists(engine().client, tableName)).resolves.toBe(true);
    const users = moduleRef.get<Repository<User>>(getRepositoryToken(User), { strict: false });
    await users.create({ username: 'async', email: 'async@example.com' });
    await expect(users.count()).resolves.toBe(1);
  });

  it('forRootAsync accepts an options class (useClass)', async () => {
    const tableName = engine().tableName('use-class');
    @Injectable()
    class OptionsFactory implements DynamoSingleTableOptionsFactory {
      createDynamoSingleTableOptions(): DynamoSingleTableModuleOptions {
        return { client: engine().client, tableName, ensureTable: true };
      }
    }
    const moduleRef = await open({ imports: [DynamoSingleTableModule.forRootAsync({ useClass: OptionsFactory })] });
    expect(moduleRef.get<EntityManager>(getEntityManagerToken(), { strict: false }).tableName).toBe(tableName);
  });

  it('two named connections (two tables, two clients) live side by side in one app', async () => {
    const primaryTable = engine().tableName('primary');
    const archiveTable = engine().tableName('archive');
    const moduleRef = await open({
      imports: [
        DynamoSingleTableModule.forRoot({ name: 'primary', client: engine().client, tableName: primaryTable, ensureTable: true }),
        DynamoSingleTableModule.forRoot({ name: 'archive', clientConfig: await ownClientConfig(engine()), tableName: archiveTable, ensureTable: true }),
        DynamoSingleTableModule.forFeature([User], 'primary'),
        DynamoSingleTableModule.forFeature([User], 'archive'),
      ],
      providers: [ArchiveService],
    });
    const service = moduleRef.get(ArchiveService);
    const created = await service.live.create({ username: 'old-timer', email: 'old@example.com' });
    await service.archive('old-timer');
    await expect(service.live.findByStr('old-timer')).resolves.toBeUndefined();
    expect((await service.archived.getByStr('old-timer')).uid).toBe(created.uid);
    const primary = moduleRef.get<EntityManager>(getEntityManagerToken('primary'), { strict: false });
    const archive = moduleRef.get<EntityManager>(getEntityManagerToken('archive'), { strict: false });
    expect([primary.tableName, archive.tableName]).toEqual([primaryTable, archiveTable]);
    expect(moduleRef.get(getClientToken('primary'), { strict: false })).toBe(engine().client);
    expect(moduleRef.get(getClientToken('archive'), { strict: false })).not.toBe(engine().client);
    // Nothing was registered under the default name.
    expect(() => moduleRef.get(getEntityManagerToken(), { strict: false })).toThrow();
  });

  it('two forRoot calls with one connection name refuse to start instead of shadowing each other', async () => {
    const moduleRef = await open({
      imports: [
        DynamoSingleTableModule.forRoot({ client: engine().client, tableName: engine().tableName('dup-a') }),
        DynamoSingleTableModule.forRoot({ client: engine().client, tableName: engine().tableName('dup-b') }),
      ],
    });
    const error = await moduleRef.init().catch((e: unknown) => e);
    expect(isDynamoSingleTableError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/forRoot was called 2 times for connection "default"/);
    const distinct = await open({
      imports: [
        DynamoSingleTableModule.forRoot({ client: engine().client, tableName: engine().tableName('dup-c') }),
        DynamoSingleTableModule.forRoot({ name: 'other', client: engine().client, tableName: engine().tableName('dup-d') }),
      ],
    });
    await expect(distinct.init()).resolves.toBe(distinct);
  });

  it('a test can override a repository provider by its token', async () => {
    const fakeUser = Object.assign(new User(), { username: 'fake', email: 'fake@example.com' });
    const fakeUsers = { getByStr: jest.fn(async () => fakeUser) };
    const moduleRef = await Test.createTestingModule({
      imports: [
        DynamoSingleTableModule.forRoot({ client: engine().client, tableName: engine().tableName('override') }),
        DynamoSingleTableModule.forFeature([User, Group]),
      ],
      providers: [MembershipService],
    })
      .overrideProvider(getRepositoryToken(User))
      .useValue(fakeUsers)
      .compile();
    opened.push(moduleRef);
    const service = moduleRef.get(MembershipService);
    expect(service.users).toBe(fakeUsers);
    await expect(service.users.getByStr('anyone')).resolves.toBe(fakeUser);
    expect(fakeUsers.getByStr).toHaveBeenCalledWith('anyone');
    // The other repository is still the real one.
    expect(service.groups).toBe(service.entityManager.getRepository(Group));
  });

  it('two testing modules in one process share nothing, and closing one leaves the other working', async () => {
    const tableA = engine().tableName('module-a');
    const tableB = engine().tableName('module-b');
    const build = async (tableName: string) =>
      compile({
        imports: [
          DynamoSingleTableModule.forRoot({ clientConfig: await ownClientConfig(engine()), tableName, ensureTable: true }),
          DynamoSingleTableModule.forFeature([User]),
        ],
      });
    const [a, b] = await Promise.all([build(tableA), build(tableB)]);
    const usersOf = (moduleRef: TestingModule) => moduleRef.get<Repository<User>>(getRepositoryToken(User), { strict: false });
    expect(usersOf(a)).not.toBe(usersOf(b));
    expect(a.get(getClientToken(), { strict: false })).not.toBe(b.get(getClientToken(), { strict: false }));
    await usersOf(a).create({ username: 'only-in-a', email: 'a@example.com' });
    await expect(usersOf(b).findByStr('only-in-a')).resolves.toBeUndefined();

    await a.close();
    await usersOf(b).create({ username: 'only-in-b', email: 'b@example.com' });
    await expect(usersOf(b).count()).resolves.toBe(1);

    // The same module again after a close: a fresh connection onto the same table.
    const again = await build(tableA);
    opened.push(b, again);
    expect(usersOf(again)).not.toBe(usersOf(a));
    expect((await usersOf(again).getByStr('only-in-a')).email).toBe('a@example.com');
  });

  it('closing destroys a client the module built, and only that one', async () => {
    const owned = await compile({
      imports: [DynamoSingleTableModule.forRoot({ clientConfig: await ownClientConfig(engine()), tableName: engine().tableName('owned'), ensureTable: true })],
    });
    const ownedClient = owned.get<DynamoDBClient>(getClientToken(), { strict: false });
    const destroyOwned = jest.spyOn(ownedClient, 'destroy');

    const passedTable = engine().tableName('passed');
    const passed = await compile({
      imports: [DynamoSingleTableModule.forRoot({ client: engine().client, tableName: passedTable, ensureTable: true })],
    });
    const destroyPassed = jest.spyOn(engine().client, 'destroy');
    try {
      await owned.close();
      await passed.close();
      await owned.close(); // closing twice is harmless
      expect(destroyOwned).toHaveBeenCalledTimes(1);
      expect(destroyPassed).not.toHaveBeenCalled();
      await expect(tableExists(engine().client, passedTable)).resolves.toBe(true);
    } finally {
      destroyPassed.mockRestore();
    }
  });

  it('refuses ambiguous options when the module is compiled', async () => {
    const both = compile({
      imports: [
        DynamoSingleTableModule.forRoot({ client: engine().client, clientConfig: {}, tableName: engine().tableName('both') }),
      ],
    });
    const error = await both.catch((e: unknown) => e);
    expect(isDynamoSingleTableError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect((error as Error).message).toMatch(/exactly one of client .* and clientConfig/);
  });

  it('forFeature of one entity in two modules hands out the same singleton', async () => {
    @Injectable()
    class Consumer {
      constructor(@Inject(getRepositoryToken(Group)) readonly groups: Repository<Group>) {}
    }
    @Module({ imports: [DynamoSingleTableModule.forFeature([Group])], providers: [Consumer], exports: [Consumer] })
    class FeatureModule {}
    const moduleRef = await open({
      imports: [
        DynamoSingleTableModule.forRoot({ client: engine().client, tableName: engine().tableName('feature') }),
        DynamoSingleTableModule.forFeature([User, Group]),
        FeatureModule,
      ],
      providers: [MembershipService],
    });
    const fromFeatureModule = moduleRef.get(Consumer).groups;
    expect(fromFeatureModule).toBe(moduleRef.get(MembershipService).groups);
    expect(fromFeatureModule).toBe(moduleRef.get<EntityManager>(getEntityManagerToken(), { strict: false }).getRepository(Group));
  });
});
