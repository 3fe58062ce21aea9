import { Injectable } from '@nestjs/common';
import { EntityNotFoundError } from 'dynamo-single-table';
import type { EntityInput, Repository } from 'dynamo-single-table';
import { InjectRepository } from 'dynamo-single-table/nestjs';
import { Group, Membership, User } from './entities';

/** A group as the API shows it: its fields and its members' usernames, in username order. */
export type GroupView = Group & { members: string[] };

@Injectable()
export class GroupsService {
  constructor(
    @InjectRepository(Group) private readonly groups: Repository<Group>,
    @InjectRepository(Membership) private readonly memberships: Repository<Membership>,
    @InjectRepository(User) private readonly users: Repository<User>,
  ) {}

  async create(input: EntityInput<Group>): Promise<GroupView> {
    return { ...(await this.groups.create(input)), members: [] };
  }

  /** The group and its members in ONE strongly consistent Query of its partition (getWith); 404 when missing. */
  async get(name: string): Promise<GroupView> {
    const { entity, memberships } = await this.groups.getWith(name, { memberships: Membership });
    if (!entity) throw new EntityNotFoundError('Group', { name });
    return { ...entity, members: memberships.map((membership) => membership.username) };
  }

  /**
   * Adds a user to a group; idempotent. The membership is its own item, so concurrent joins of one
   * group never touch the same item: one conditional PutItem each (getOrCreate), nothing to retry.
   */
  async addMember(name: string, username: string): Promise<GroupView> {
    const [group] = await Promise.all([this.get(name), this.users.getByStr(username)]); // 404s
    const [, joined] = await this.memberships.of(name).getOrCreate({ username });
    return joined ? { ...group, members: [...group.members, username].sort() } : group;
  }

  /**
   * The members as users, in username order: the group's partition (one Query), then one BatchGetItem
   * of the users. A user deleted while joining (a race with its delete) is left out.
   */
  async members(name: string): Promise<User[]> {
    const { members } = await this.get(name);
    const users = await this.users.getMany(members);
    return users.filter((user): user is User => user !== undefined);
  }
}
