/**
 * Quickstart: create, read, update and delete a user on an embedded DynamoDB (dynalite), persisted
 * under .data/quickstart. Run with `npm start`; run it twice to see the data survive restarts.
 */
import { IsEmail, IsOptional, Length, Min } from 'class-validator';
import {
  BaseEntity,
  EntityManager,
  EntityValidationError,
  Field,
  StrId,
  Table,
  VersionConflictError,
} from 'dynamo-single-table';
import { startLocalDynamoDB } from 'dynamo-single-table/testing';

@Table('user')
class User extends BaseEntity {
  @StrId() @Length(3, 30) username!: string;
  @Field() @IsEmail() email!: string;
  @Field() activatedOn: Date = new Date();
  @Field() @IsOptional() @Min(0) karma?: number;
}

function step(title: string, detail?: unknown): void {
  console.log(`- ${title}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
}

async function main(): Promise<void> {
  const local = await startLocalDynamoDB({ path: '.data/quickstart' });
  try {
    const em = new EntityManager({ client: local.client, tableName: 'quickstart' });
    await em.ensureTableExists();
    BaseEntity.useEntityManager(em);
    step(`table "quickstart" ready on ${local.endpoint}`);

    const [john, created] = await User.getOrCreate({ username: 'john_doe', email: 'john@example.com' });
    step(created ? 'created john_doe' : 'john_doe already existed (data persisted from an earlier run)', {
      uid: john.uid,
      version: john.version,
    });

    const loaded = await User.getByStr('john_doe');
    step('read john_doe back with one GetItem', { email: loaded.email, activatedOn: loaded.activatedOn });

    loaded.karma = (loaded.karma ?? 0) + 1;
    await loaded.save();
    step('updated karma', { karma: loaded.karma, version: loaded.version });

    john.email = 'stale@example.com';
    await john.save().catch((error: unknown) => {
      if (!(error instanceof VersionConflictError)) throw error;
      step('a stale copy was refused', error.message);
    });

    await User.create({ username: 'jo', email: 'not-an-email' }).catch((error: unknown) => {
      if (!(error instanceof EntityValidationError)) throw error;
      step('invalid input was refused before any request', error.violations);
    });

    const temporary = await User.create({ username: 'temp_user', email: 'temp@example.com' });
    step('users in the table', await User.count());
    await temporary.delete();
    step('deleted temp_user', { stillThere: (await User.findByStr('temp_user')) !== undefined });
  } finally {
    await local.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
