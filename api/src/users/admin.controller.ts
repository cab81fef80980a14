import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import { CreateStaffDto, UpdateUserStatusDto, UserIdParams, UserListDto } from './admin.dto.js';
import { AdminService } from './admin.service.js';
import { UserDto } from './user.dto.js';

@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  /** Creates a doctor, auditor or admin of the admin's own hospital, with a ledger identity from its CA. */
  @Roles('admin')
  @Post('users')
  @ApiCreatedResponse({ type: UserDto })
  async createUser(@CurrentUser() caller: AuthenticatedUser, @Body() body: CreateStaffDto): Promise<UserDto> {
    return UserDto.from(await this.admin.createStaff(caller, body));
  }

  /** Users of the admin's hospital, oldest first. */
  @Roles('admin')
  @Get('users')
  @ApiOkResponse({ type: UserListDto })
  async listUsers(@CurrentUser() caller: AuthenticatedUser, @Query() query: PageQueryDto): Promise<UserListDto> {
    const page = await this.admin.listUsers(caller, query.limit, query.cursor);
    return { items: page.items.map((user) => UserDto.from(user)), nextCursor: page.nextCursor };
  }

  /** Suspends (sessions end, certificates revoked) or reactivates (a fresh certificate) a user of the admin's hospital. */
  @Roles('admin')
  @Patch('users/:id')
  @ApiOkResponse({ type: UserDto })
  async setStatus(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: UserIdParams,
    @Body() body: UpdateUserStatusDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.admin.setStatus(caller, params.id, body.status));
  }
}
