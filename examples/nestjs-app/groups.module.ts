import { Module } from '@nestjs/common';
import { DynamoSingleTableModule } from 'dynamo-single-table/nestjs';
import { Group, User } from './entities';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';

/** Registers User too: forFeature in several modules hands out the same repository singleton. */
@Module({
  imports: [DynamoSingleTableModule.forFeature([Group, User])],
  controllers: [GroupsController],
  providers: [GroupsService],
})
export class GroupsModule {}
