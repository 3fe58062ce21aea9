import { Injectable } from '@nestjs/common';
import { EntityNotFoundError } from 'dynamo-single-table';
import type { EntityInput, Repository } from 'dynamo-single-table';
import { InjectRepository } from 'dynamo-single-table/nestjs';
import { User } from './entities';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

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

  async remove(username: string): Promise<void> {
    if (!(await this.users.deleteByStr(username))) throw new EntityNotFoundError('User', { username });
  }
}
