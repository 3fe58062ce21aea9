import { Module } from '@nestjs/common';
import { DynamoSingleTableModule } from 'dynamo-single-table/nestjs';
import { Group, Membership, User } from './entities';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

/** Registers User and Membership too: forFeature in several modules hands out the same repository singletons. */
@Module({
  imports: [DynamoSingleTableModule.forFeature([Group, Membership, User])],
  controllers: [GroupsController],
  providers: [GroupsService],
})
export class GroupsModule {}
