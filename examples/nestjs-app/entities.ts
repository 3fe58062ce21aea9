import { IsEmail, IsOptional, Length, Matches } from 'class-validator';
import { Field, StrId, Table } from 'dynamo-single-table';

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

  /** Usernames. Kept on the group item, changed with a version-guarded update (see GroupsService). */
  @Field({ type: () => String }) members: string[] = [];

  uid?: string;
  version?: number;
}
