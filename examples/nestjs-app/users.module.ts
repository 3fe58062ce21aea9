import { Module } from '@nestjs/common';
import { DynamoSingleTableModule } from 'dynamo-single-table/nestjs';
import { Membership, User } from './entities';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [DynamoSingleTableModule.forFeature([User, Membership])],
  controllers: [UsersController],
  providers: [UsersService],
})
export class UsersModule {}
