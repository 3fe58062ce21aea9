import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MetadataError } from '../../src';
import {
  DEFAULT_CONNECTION_NAME,
  DynamoSingleTableModule,
  getClientToken,
  getEntityManagerToken,
  getRepositoryToken,
} from '../../src/nestjs';
import { Group, User } from '../fixtures/entities';

describe('NestJS injection tokens', () => {
  it('are pure functions of class and connection name', () => {
    expect(getRepositoryToken(User)).toBe(getRepositoryToken(User, DEFAULT_CONNECTION_NAME));
    expect(getRepositoryToken(User)).toBe('dynamo-single-table:default:user:UserRepository');
    expect(getRepositoryToken(User, 'archive')).toBe('dynamo-single-table:archive:user:UserRepository');
    expect(getEntityManagerToken()).toBe('dynamo-single-table:default:EntityManager');
    expect(getClientToken('archive')).toBe('dynamo-single-table:archive:DynamoDBClient');
  });

  it('differ per entity and per connection', () => {
    const tokens = [getRepositoryToken(User), getRepositoryToken(Group), getRepositoryToken(User, 'b'), getEntityManagerToken('b')];
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('refuse an undecorated class and an empty connection name', () => {
    class NotAnEntity {}
    expect(() => getRepositoryToken(NotAnEntity)).toThrow(MetadataError);
    expect(() => getEntityManagerToken('')).toThrow(TypeError);
  });
});

describe('DynamoSingleTableModule.forFeature', () => {
  it('provides and exports one repository per entity, from the connection entity manager', () => {
    const module = DynamoSingleTableModule.forFeature([User, Group], 'archive');
    const providers = module.providers as Array<{ provide: string; inject: string[] }>;
    expect(providers.map((p) => p.provide)).toEqual([getRepositoryToken(User, 'archive'), getRepositoryToken(Group, 'archive')]);
    expect(providers.every((p) => p.inject[0] === getEntityManagerToken('archive'))).toBe(true);
    expect(module.exports).toEqual(module.providers);
  });

  it('fails at import time for a class that is not an entity', () => {
    class Plain {}
    expect(() => DynamoSingleTableModule.forFeature([Plain])).toThrow(MetadataError);
  });
});

describe('entry points', () => {
  const srcRoot = path.resolve(__dirname, '../../src');
  function sourceFiles(directory: string): string[] {
    return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) return full === path.join(srcRoot, 'nestjs') ? [] : sourceFiles(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    });
  }

  it('only src/nestjs imports @nestjs/* (it is an optional peer dependency)', () => {
    const offenders = sourceFiles(srcRoot).filter((file) => /from ['"]@nestjs\/|require\(['"]@nestjs\/|import\(['"]@nestjs\//.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
