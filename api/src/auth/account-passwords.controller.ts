import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { Public } from '../common/public.decorator.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';
import { ROLES } from '../users/user.entity.js';
import {
  AcceptedDto,
  AccountActivatedDto,
  ActivateAccountDto,
  ChangePasswordDto,
  PASSWORD_RESET_ACCEPTED,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
} from './account-passwords.dto.js';
import { AccountPasswordsService } from './account-passwords.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { Roles } from './roles.decorator.js';

const INVALID_LINK = 'INVALID_LINK: the link is unknown, used, replaced by a newer one or expired (one answer for all)';
const PASSWORD_REFUSED =
  'INVALID_INPUT: invalid input, or a password the policy refuses (the failing fields are listed)';

/** Passwords that only their owners know: activation, reset by e-mailed link, change. */
@ApiTags('auth')
@Controller('auth')
export class AccountPasswordsController {
  constructor(private readonly passwords: AccountPasswordsService) {}

  /**
   * Sets the first password of an account an admin created, with the token of the link in
   * its activation e-mail (single use, expiring); the account becomes active and its owner
   * signs in with it.
   */
  @Public()
  @Post('activate')
  @RateLimit('account-links')
  @HttpCode(200)
  @ApiOkResponse({ type: AccountActivatedDto })
  @ApiErrors([400, PASSWORD_REFUSED], [404, INVALID_LINK], 413, 503)
  async activate(@Body() body: ActivateAccountDto): Promise<AccountActivatedDto> {
    return this.passwords.activate(body.token, body.password);
  }

  /**
   * Asks for a password-reset link: 202 and the same body for every address, whether it
   * has an account or not; an active account's owner gets the link by e-mail.
   */
  @Public()
  @Post('password-reset')
  @RateLimit('account-links')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiErrors(400, 413)
  requestPasswordReset(@Body() body: PasswordResetRequestDto): AcceptedDto {
    this.passwords.requestPasswordReset(body.email);
    return PASSWORD_RESET_ACCEPTED;
  }

  /** Sets a new password with the token of a reset link (single use, expiring); every session of the account ends. */
  @Public()
  @Post('password-reset/confirm')
  @RateLimit('account-links')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors([400, PASSWORD_REFUSED], [404, INVALID_LINK], 413, 503)
  async confirmPasswordReset(@Body() body: PasswordResetConfirmDto): Promise<void> {
    await this.passwords.confirmPasswordReset(body.token, body.password);
  }

  /**
   * Changes the caller's password, given the current one (wrong guesses are throttled as
   * sign-ins are); every other session of the caller ends, this one goes on.
   */
  @Roles(...ROLES)
  @Post('password')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(
    [400, 'The new password does not meet the policy, or is the current one (the failing fields are listed)'],
    [403, 'WRONG_PASSWORD: the current password is wrong'],
    413,
    [429, 'RATE_LIMITED: too many wrong passwords for this account from your address; try again after Retry-After'],
  )
  async changePassword(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ChangePasswordDto,
    @Req() request: Request,
  ): Promise<void> {
    // The client as AuthController's sign-in takes it: the throttle counts per account and address.
    const client = { ip: request.ip ?? request.socket.remoteAddress ?? 'unknown', userAgent: null };
    await this.passwords.changePassword(caller, body, client);
  }
}
