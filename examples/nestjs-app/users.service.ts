import { Injectable } from '@nestjs/common';
import { EntityManager, EntityNotFoundError, isDynamoSingleTableError, parentStrIdOf } from 'dynamo-single-table';
import type { EntityInput, Repository, TransactionCanceledError } from 'dynamo-single-table';
import { InjectEntityManager, InjectRepository } from 'dynamo-single-table/nestjs';
import { Membership, User } from './entities';

/** DynamoDB's limit of items per TransactWriteItems: the user's delete and its memberships' must fit. */
const TRANSACTION_LIMIT = 100;
/** Membership deletes sent at once when they do not fit in one transaction. */
const DELETE_CONCURRENCY = 25;

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    @InjectRepository(Membership) private readonly memberships: Repository<Membership>,
    @InjectEntityManager() private readonly em: EntityManager,
  ) {}

  /** 409 (ENTITY_ALREADY_EXISTS) when the username is taken; 400 with violations when invalid. */
  create(input: EntityInput<User>): Promise<User> {
    return this.users.create(input);
  }

  /** 404 (ENTITY_NOT_FOUND) when there is none. */
  get(username: string): Promise<User> {
    return this.users.getByStr(username);
  }

  /**
   * One UpdateItem of just the given fields. With `expectedVersion`, DynamoDB applies it only if the
   * stored user is still at that version: of two concurrent callers holding the same version, one wins
   * and the other gets VERSION_CONFLICT (409).
   */
  update(username: string, patch: Partial<EntityInput<User>>, expectedVersion?: number): Promise<User> {
    return this.users.update(username, patch, { expectedVersion });
  }

  /**
   * Deletes the user and its memberships, so no group lists it any more. The groups it is in are one
   * Query of the byUser index (eventually consistent: a join a moment ago may not be there yet, and
   * GroupsService.members() leaves such a user out). Then one TransactWriteItems deletes the user
   * (404 when missing) and every membership, all or nothing. More than 99 memberships, or an engine
   * without transactions (dynalite, this example's embedded engine): the memberships go first, 25
   * DeleteItems at a time, then the user, so a failure in between leaves a user to delete again,
   * never a membership of a deleted user.
   */
  async remove(username: string): Promise<void> {
    const memberships = await this.memberships.query({ index: 'byUser', where: { username } }).toArray();
    if (memberships.length < TRANSACTION_LIMIT) {
      try {
        await this.em.transaction((tx) => {
          tx.deleteByStr(User, username);
          for (const membership of memberships) tx.deleteByStr(this.memberships.of(groupOf(membership)), username);
        });
        return;
      } catch (error) {
        if (!isDynamoSingleTableError(error, 'UNSUPPORTED_BY_ENGINE')) throw userNotFound(error) ?? error;
      }
    }
    for (let start = 0; start < memberships.length; start += DELETE_CONCURRENCY) {
      const chunk = memberships.slice(start, start + DELETE_CONCURRENCY);
      await Promise.all(chunk.map((membership) => this.memberships.of(groupOf(membership)).deleteByStr(username)));
    }
    if (!(await this.users.deleteByStr(username))) throw new EntityNotFoundError('User', { username });
  }
}

function groupOf(membership: Membership): string {
  return parentStrIdOf(membership) as string; // loaded from the index, so its group is known
}

/** The transaction's first item is the user's delete: its EntityNotFoundError is the 404 to answer. */
function userNotFound(error: unknown): EntityNotFoundError | undefined {
  if (!isDynamoSingleTableError(error, 'TRANSACTION_CANCELED')) return undefined;
  const failure = (error as TransactionCanceledError).failures.find((f) => f.index === 0);
  return failure?.error instanceof EntityNotFoundError ? failure.error : undefined;
}
