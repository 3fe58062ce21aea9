import { Injectable } from '@nestjs/common';
import { isDynamoSingleTableError } from 'dynamo-single-table';
import type { EntityInput, Repository } from 'dynamo-single-table';
import { InjectRepository } from 'dynamo-single-table/nestjs';
import { Group, User } from './entities';

/** Concurrent joins of one group are rare; a few optimistic retries absorb them. */
const JOIN_ATTEMPTS = 5;

@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(Group) private readonly groups: Repository<Group>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  create(input: EntityInput<Group>): Promise<Group> {
    return this.groups.create(input);
  }

  get(name: string): Promise<Group> {
    return this.groups.getByStr(name);
  }

  /**
   * Adds a user to a group; idempotent. Read-modify-write guarded by the group's version, so two
   * concurrent joins never overwrite each other's member: the loser reloads and tries again.
   */
  async addMember(name: string, username: string): Promise<Group> {
    await this.users.getByStr(username); // 404 for an unknown user
    for (let attempt = 1; ; attempt += 1) {
      const group = await this.groups.getByStr(name);
      if (group.members.includes(username)) return group;
      try {
        return await this.groups.update(name, { members: [...group.members, username] }, { expectedVersion: group.version });
      } catch (error) {
        if (!isDynamoSingleTableError(error, 'VERSION_CONFLICT') || attempt === JOIN_ATTEMPTS) throw error;
      }
    }
  }

  /** The members as users, in join order: one BatchGetItem (users deleted since joining are left out). */
  async members(name: string): Promise<User[]> {
    const group = await this.groups.getByStr(name);
    const users = await this.users.getMany(group.members);
    return users.filter((user): user is User => user !== undefined);
  }
}
