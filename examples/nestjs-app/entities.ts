import { IsEmail, IsOptional, Length, Matches } from 'class-validator';
import { Field, Index, StrId, Table } from 'dynamo-single-table';

/**
 * Plain classes used through repositories (no Active Record): nothing global to configure, so each
 * Nest application (and each testing module) gets its own connection.
 */
@Table('user')
export class User {
  @StrId() @Matches(/^[a-z0-9_]{3,30}$/, { message: 'username must be 3-30 lower-case letters, digits or _' })
  username!: string;

  @Field() @IsEmail() email!: string;

  @Field() @IsOptional() @Length(1, 100) displayName?: string;

  /** Managed by the library: set on create, bumped by every write. */
  uid?: string;
  version?: number;
}

@Table('group')
export class Group {
  @StrId() @Matches(/^[a-z0-9-]{2,40}$/, { message: 'name must be 2-40 lower-case letters, digits or -' })
  name!: string;

  @Field() @IsOptional() @Length(1, 100) title?: string;

  uid?: string;
  version?: number;
}

/**
 * A user's membership of a group: an edge item in the group's partition (PK = the group's key, SK =
 * `membership#<username>`), so a group's members are one strongly consistent Query of it, and in the
 * byUser index under the username, so a user's groups are one Query of that index (eventually
 * consistent). Not in the type index: it is only ever read through its group or byUser.
 */
@Table('membership', { parent: () => Group, typeIndex: 'none' })
@Index('byUser', { partition: ['username'], sort: ['joinedAt'] })
export class Membership {
  @StrId() username!: string;

  @Field() joinedAt: Date = new Date();

  uid?: string;
  version?: number;
}
