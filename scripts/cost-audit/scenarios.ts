/**
 * The calls the cost audit measures: each a setup (not counted) and the counted call, on a 1 KB
 * entity (1,000 bytes of user data), with the minimum DynamoDB allows for the same guarantee.
 */
import { IsEmail } from 'class-validator';
import { BaseEntity, EntityManager, Field, StrId, Table, Unique } from 'dynamo-single-table';
import type { Repository } from 'dynamo-single-table';

/** 1,000 bytes of user data: attribute names and values, as DynamoDB counts them. */
const USER_DATA_BYTES = 1000;

@Table('member')
export class Member extends BaseEntity {
  @StrId() username!: string;
  @Field() @IsEmail() email!: string;
  @Field() karma: number = 0;
  @Field() bio: string = '';
}

@Table('account')
export class Account extends BaseEntity {
  @StrId() username!: string;
  @Field() @Unique() @IsEmail() email!: string;
  @Field() karma: number = 0;
  @Field() bio: string = '';
}

/** A member whose user data (names and values of username, email, karma, bio) is exactly 1,000 bytes. */
export function memberData(username: string): { username: string; email: string; karma: number; bio: string } {
  const email = `${username}@example.com`;
  const fixed = 'username'.length + username.length + 'email'.length + email.length + 'karma'.length + 1 + 'bio'.length;
  return { username, email, karma: 0, bio: 'x'.repeat(USER_DATA_BYTES - fixed) };
}

export interface Minimum {
  requests: number;
  rru: number;
  wru: number;
  /** Why this is the minimum for the same guarantee. */
  why: string;
}

export interface AuditContext {
  em: EntityManager;
  members: Repository<Member>;
  accounts: Repository<Account>;
  /** A fresh username for each call. */
  fresh: () => string;
}

export interface Scenario {
  call: string;
  minimum: Minimum;
  /** Setup (not counted); returns the counted call. */
  prepare: (context: AuditContext) => Promise<() => Promise<unknown>>;
}

const created = async (context: AuditContext) => context.members.create(memberData(context.fresh()));

/** How many members `count()` and the listings read. */
export const LISTED = 1000;

export const SCENARIOS: Scenario[] = [
  {
    call: 'getByStr',
    minimum: { requests: 1, rru: 1, wru: 0, why: 'one consistent GetItem of a 1 KB item' },
    prepare: async (context) => {
      const member = await created(context);
      return () => context.members.getByStr(member.username);
    },
  },
  {
    call: 'create',
    minimum: { requests: 1, rru: 0, wru: 2, why: 'the item, and its copy in one index that lists the type' },
    prepare: async (context) => {
      const username = context.fresh();
      return () => context.members.create(memberData(username));
    },
  },
  {
    call: 'save (one field changed)',
    minimum: { requests: 1, rru: 0, wru: 1, why: 'the item only: no index key changes' },
    prepare: async (context) => {
      const member = await created(context);
      member.karma = 1;
      return () => context.members.save(member);
    },
  },
  {
    call: 'update (one field)',
    minimum: { requests: 1, rru: 0, wru: 1, why: 'the item only: no index key changes' },
    prepare: async (context) => {
      const member = await created(context);
      return () => context.members.update(member.username, { karma: 5 });
    },
  },
  {
    call: 'increment',
    minimum: { requests: 1, rru: 0, wru: 1, why: 'the item only: no index key changes' },
    prepare: async (context) => {
      const member = await created(context);
      return () => context.members.increment(member.username, 'karma', 1);
    },
  },
  {
    call: 'delete',
    minimum: { requests: 1, rru: 0, wru: 2, why: 'the item and its type-index entry' },
    prepare: async (context) => {
      const member = await created(context);
      return () => context.members.delete(member);
    },
  },
  {
    call: 'getOrCreate (existing id)',
    minimum: { requests: 1, rru: 0, wru: 1, why: 'the refused conditional put of a 1 KB item: no read, race-free' },
    prepare: async (context) => {
      const member = await created(context);
      return () => context.members.getOrCreate(memberData(member.username));
    },
  },
  {
    call: 'getOrCreate (existing id), { readFirst: true }',
    minimum: { requests: 1, rru: 1, wru: 0, why: 'a consistent read finds it (when most calls find it)' },
    prepare: async (context) => {
      const member = await created(context);
      return () => context.members.getOrCreate(memberData(member.username), { readFirst: true });
    },
  },
  {
    call: `count() of ${LISTED} entities`,
    minimum: { requests: 1, rru: 9, wru: 0, why: 'a keys-only type index: about 140 bytes per entity, eventually consistent' },
    prepare: async (context) => () => context.members.count(),
  },
  {
    call: 'query({ limit: 25 }).page()',
    minimum: { requests: 1, rru: 4, wru: 0, why: '26 items of 1 KB, eventually consistent (the 26th tells whether more remain)' },
    prepare: async (context) => () => context.members.query({ limit: 25 }).page(),
  },
  {
    call: 'getMany(25 ids)',
    minimum: { requests: 1, rru: 25, wru: 0, why: '25 items read strongly consistently' },
    prepare: async (context) => {
      const { items } = await context.members.query({ limit: 25 }).page();
      return () => context.members.getMany(items.map((member) => member.username));
    },
  },
  {
    call: 'getMany(25 ids, { consistent: false })',
    minimum: { requests: 1, rru: 12.5, wru: 0, why: '25 items, eventually consistent where the caller allows' },
    prepare: async (context) => {
      const { items } = await context.members.query({ limit: 25 }).page();
      return () => context.members.getMany(items.map((member) => member.username), { consistent: false });
    },
  },
  {
    call: 'scan({ limit: 25, allowScan: true }).page()',
    minimum: { requests: 1, rru: 4, wru: 0, why: 'the page asked for: 26 items of 1 KB, eventually consistent' },
    prepare: async (context) => () => context.members.scan({ limit: 25, allowScan: true }).page(),
  },
  {
    call: 'save of a @Unique entity (unique value unchanged)',
    minimum: { requests: 1, rru: 0, wru: 1, why: 'a plain conditional put: no guard changes' },
    prepare: async (context) => {
      const account = await context.accounts.create(memberData(context.fresh()));
      account.karma = 1;
      return () => context.accounts.save(account);
    },
  },
  {
    call: 'getOrCreate of an existing @Unique entity',
    minimum: { requests: 1, rru: 0, wru: 6, why: 'the refused transaction (item and guard, twice) already returns the item' },
    prepare: async (context) => {
      const account = await context.accounts.create(memberData(context.fresh()));
      return () => context.accounts.getOrCreate(memberData(account.username));
    },
  },
];
