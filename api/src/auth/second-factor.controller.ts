import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { InvalidInputError } from '../common/domain-error.js';
import { Public } from '../common/public.decorator.js';
import { UserDto } from '../users/user.dto.js';
import { ROLES } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { clientOf, deliver, SET_REFRESH_COOKIE } from './auth.controller.js';
import { LoginResultDto } from './auth.dto.js';
import { UnauthenticatedError } from './auth.errors.js';
import { AuthService } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { CurrentUser } from './current-user.decorator.js';
import { Roles } from './roles.decorator.js';
import { DuringSecondFactorEnrolment } from './second-factor-enrolment.decorator.js';
import {
  ConfirmSecondFactorDto,
  LoginWithSecondFactorDto,
  RecoveryCodesDto,
  SecondFactorEnrolmentDto,
  SecondFactorStatusDto,
} from './second-factor.dto.js';
import { type SecondFactorProof, SecondFactorService } from './second-factor.service.js';

/** The second factor (TOTP with recovery codes): the second step of sign-in, and enrolment. */
@ApiTags('auth')
@Controller('auth')
export class SecondFactorController {
  constructor(
    private readonly auth: AuthService,
    private readonly secondFactors: SecondFactorService,
    private readonly users: UsersRepository,
  ) {}

  /**
   * Completes a sign-in that answered `{secondFactorRequired: true, challengeId}`: the
   * challenge with a code of the authenticator app or one of the recovery codes gives the
   * usual token answer (refreshTokenTransport as for login). A challenge expires after 5
   * minutes and is spent by the sign-in it completes; a code of a time step is accepted once,
   * a recovery code once; wrong codes are throttled per account.
   */
  @Public()
  @Post('login/second-factor')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResultDto, headers: SET_REFRESH_COOKIE })
  @ApiErrors(
    [400, 'Invalid input (the failing fields are listed), or not exactly one of code and recoveryCode'],
    [
      401,
      'INVALID_SECOND_FACTOR_CHALLENGE: the challenge is unknown, expired or spent (sign in again); INVALID_SECOND_FACTOR_CODE: the code is wrong or was used; INVALID_CREDENTIALS: the account is no longer active',
    ],
    413,
    [429, 'RATE_LIMITED: too many wrong codes for this account; try again after Retry-After'],
    503,
  )
  async login(
    @Body() body: LoginWithSecondFactorDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResultDto> {
    const { user, ...tokens } = await this.auth.loginWithSecondFactor(
      body.challengeId,
      proofOf(body),
      clientOf(request),
    );
    return {
      ...deliver(tokens, body.refreshTokenTransport ?? 'body', request, response),
      secondFactorRequired: false,
      user: UserDto.from(user),
    };
  }

  /** Whether the caller has a second factor, whether their role must, and how many recovery codes are left. */
  @Roles(...ROLES)
  @DuringSecondFactorEnrolment()
  @Get('second-factor')
  @ApiOkResponse({ type: SecondFactorStatusDto })
  async status(@CurrentUser() caller: AuthenticatedUser): Promise<SecondFactorStatusDto> {
    return this.secondFactors.status(await this.accountOf(caller));
  }

  /**
   * Starts TOTP enrolment: a new secret (sealed at rest) as an `otpauth://` URI for a QR code
   * and in base32 for typing by hand; starting again replaces a secret not yet confirmed.
   * Mandatory for doctors, auditors and admins (their sessions reach nothing else until it is
   * confirmed), optional for patients.
   */
  @Roles(...ROLES)
  @DuringSecondFactorEnrolment()
  @Post('second-factor')
  @ApiCreatedResponse({ type: SecondFactorEnrolmentDto })
  @ApiErrors([409, 'SECOND_FACTOR_ALREADY_ENROLLED: the account has a confirmed second factor'])
  async start(@CurrentUser() caller: AuthenticatedUser): Promise<SecondFactorEnrolmentDto> {
    return this.secondFactors.startEnrolment(await this.accountOf(caller));
  }

  /**
   * Confirms the enrolment with a code of the app and returns 10 recovery codes, shown this
   * once. From then on sign-in asks for a code; this session reaches every route of its
   * role, and the account's other sessions end.
   */
  @Roles(...ROLES)
  @DuringSecondFactorEnrolment()
  @Post('second-factor/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiErrors(
    400,
    [403, 'INVALID_SECOND_FACTOR_CODE: the code is not the app’s current one'],
    [
      409,
      'NO_SECOND_FACTOR_ENROLMENT: no enrolment was started (or it was started again meanwhile); SECOND_FACTOR_ALREADY_ENROLLED: it is confirmed already',
    ],
    413,
    [429, 'RATE_LIMITED: too many wrong codes for this account; try again after Retry-After'],
  )
  async confirm(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: ConfirmSecondFactorDto,
  ): Promise<RecoveryCodesDto> {
    return { recoveryCodes: await this.secondFactors.confirmEnrolment(caller, body.code) };
  }

  private async accountOf(caller: AuthenticatedUser) {
    const user = await this.users.findById(caller.id);
    if (!user) throw new UnauthenticatedError('the account no longer exists');
    return user;
  }
}

/** The proof of a sign-in's second step: exactly one of a code and a recovery code. */
function proofOf(body: LoginWithSecondFactorDto): SecondFactorProof {
  if (body.code !== undefined && body.recoveryCode === undefined) return { code: body.code };
  if (body.recoveryCode !== undefined && body.code === undefined) return { recoveryCode: body.recoveryCode };
  throw new InvalidInputError('give exactly one of code and recoveryCode', {
    details: { errors: [{ field: 'code', messages: ['exactly one of code, recoveryCode'] }] },
  });
}
