import { Body, Controller, Get, Inject, Param, Post, Put } from '@nestjs/common';
import type { EntityInput } from 'dynamo-single-table';
import type { Group, User } from './entities';
import { GroupsService } from './groups.service';
import type { GroupView } from './groups.service';

@Controller('groups')
export class GroupsController {
  // An explicit token: DI then does not hinge on emitted type metadata (nor on this import staying a value import).
  constructor(@Inject(GroupsService) private readonly groups: GroupsService) {}

  @Post()
  create(@Body() body: EntityInput<Group>): Promise<GroupView> {
    return this.groups.create(body);
  }

  @Get(':name')
  get(@Param('name') name: string): Promise<GroupView> {
    return this.groups.get(name);
  }

  /** PUT: adding a member twice is harmless, so the request may be retried blindly. */
  @Put(':name/members/:username')
  addMember(@Param('name') name: string, @Param('username') username: string): Promise<GroupView> {
    return this.groups.addMember(name, username);
  }

  @Get(':name/members')
  members(@Param('name') name: string): Promise<User[]> {
    return this.groups.members(name);
  }
}
