import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ActivationSentDto } from '../auth/account-passwords.dto.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { PageQueryDto } from '../common/page-query.dto.js';
import { CreateStaffDto, UpdateUserStatusDto, UserIdParams, UserListDto } from './admin.dto.js';
import { AdminService } from './admin.service.js';
import { UserDto } from './user.dto.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  /**
   * Creates a doctor, auditor or admin of the admin's own hospital, with a ledger identity
   * from its CA, and no password: the account is `pending` until its owner chooses one
   * from the one-time activation link e-mailed to them. Admins never set passwords: a body
   * with `password` is refused.
   */
  @Roles('admin')
  @Post('users')
  @RateLimit('ledger-write')
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(
    [400, 'Invalid input (the failing fields are listed), a `password` (admins never set passwords)'],
    [409, 'EMAIL_TAKEN: an account has this e-mail address; or the certificate authority refused the enrollment'],
    413,
  )
  async createUser(@CurrentUser() caller: AuthenticatedUser, @Body() body: CreateStaffDto): Promise<UserDto> {
    return UserDto.from(await this.admin.createStaff(caller, body));
  }

  /** Users of the admin's hospital, oldest first. */
  @Roles('admin')
  @Get('users')
  @ApiOkResponse({ type: UserListDto })
  @ApiErrors([400, '`limit` out of range, or a cursor this API did not issue'])
  async listUsers(@CurrentUser() caller: AuthenticatedUser, @Query() query: PageQueryDto): Promise<UserListDto> {
    const page = await this.admin.listUsers(caller, query.limit, query.cursor);
    return { items: page.items.map((user) => UserDto.from(user)), nextCursor: page.nextCursor };
  }

  /**
   * Sends a pending account of the admin's hospital a new activation e-mail; its older
   * links stop working at once.
   */
  @Roles('admin')
  @Post('users/:id/activation')
  @RateLimit('ledger-write')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: ActivationSentDto })
  @ApiErrors(
    [400, 'The id is not a UUID'],
    [404, 'No user of the admin’s hospital has this id'],
    [409, 'ACCOUNT_NOT_PENDING: the account is active or suspended, not waiting for its activation'],
  )
  async resendActivation(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: UserIdParams,
  ): Promise<ActivationSentDto> {
    return { expiresAt: (await this.admin.resendActivation(caller, params.id)).toISOString() };
  }

  /** Suspends (sessions end, certificates revoked) or reactivates (a fresh certificate) a user of the admin's hospital. */
  @Roles('admin')
  @Patch('users/:id')
  @RateLimit('ledger-write')
  @ApiOkResponse({ type: UserDto })
  @ApiErrors(
    [400, 'The id is not a UUID, or the status is not one of the statuses'],
    [403, 'SELF_SUSPENSION: an admin cannot suspend their own account'],
    [409, 'ACCOUNT_PENDING: a pending account becomes active when its owner chooses a password'],
    [404, 'No user of the admin’s hospital has this id'],
    413,
  )
  async setStatus(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: UserIdParams,
    @Body() body: UpdateUserStatusDto,
  ): Promise<UserDto> {
    return UserDto.from(await this.admin.setStatus(caller, params.id, body.status));
  }
}
