import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Param, Patch, Post, Res } from '@nestjs/common';
import type { EntityInput } from 'dynamo-single-table';
import type { User } from './entities';
import { etagOf, expectedVersionFrom } from './if-match';
import { UsersService } from './users.service';

/** The subset of Express's response we use (passthrough mode: Nest still serializes the return value). */
interface HeaderSink {
  setHeader(name: string, value: string): void;
}

@Controller('users')
export class UsersController {
  // An explicit token: DI then does not hinge on emitted type metadata (nor on this import staying a value import).
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Post()
  async create(@Body() body: EntityInput<User>, @Res({ passthrough: true }) res: HeaderSink): Promise<User> {
    const user = await this.users.create(body);
    res.setHeader('ETag', etagOf(user));
    return user;
  }

  @Get(':username')
  async get(@Param('username') username: string, @Res({ passthrough: true }) res: HeaderSink): Promise<User> {
    const user = await this.users.get(username);
    res.setHeader('ETag', etagOf(user));
    return user;
  }

  /** Partial update; send `If-Match: "<version>"` (the ETag of your copy) to refuse lost updates. */
  @Patch(':username')
  async update(
    @Param('username') username: string,
    @Body() patch: Partial<EntityInput<User>>,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: HeaderSink,
  ): Promise<User> {
    const user = await this.users.update(username, patch, expectedVersionFrom(ifMatch));
    res.setHeader('ETag', etagOf(user));
    return user;
  }

  @Delete(':username')
  @HttpCode(204)
  remove(@Param('username') username: string): Promise<void> {
    return this.users.remove(username);
  }
}
