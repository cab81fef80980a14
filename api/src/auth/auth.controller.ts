import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiParam,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { NotFoundError } from '../common/domain-error.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { Public } from '../common/public.decorator.js';
import { UserDto } from '../users/user.dto.js';
import { ROLES } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import {
  LedgerCheckDto,
  LoginDto,
  LoginResultDto,
  RefreshDto,
  RegisterDto,
  SessionDto,
  SessionListDto,
  TokenPairDto,
} from './auth.dto.js';
import { AcceptedDto, REGISTRATION_ACCEPTED } from './account-passwords.dto.js';
import { UnauthenticatedError } from './auth.errors.js';
import { AuthService, type ClientInfo, type TokenPair } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { LedgerCheckService } from './ledger-check.service.js';
import { CurrentUser } from './current-user.decorator.js';
import {
  clearedRefreshCookie,
  presentedRefreshToken,
  REFRESH_COOKIE,
  refreshCookie,
  type RefreshTokenTransport,
} from './refresh-token-cookie.js';
import { RegistrationService } from './registration.service.js';
import { Roles } from './roles.decorator.js';
import { DuringSecondFactorEnrolment } from './second-factor-enrolment.decorator.js';
import { SecondFactorChallengeDto } from './second-factor.dto.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

/** The refresh cookie, as the OpenAPI document declares it on the answers that set it. */
export const SET_REFRESH_COOKIE = {
  'Set-Cookie': {
    description: `With refreshTokenTransport "cookie": \`${REFRESH_COOKIE}=<token>; Max-Age=<until the session's absolute expiry>; Path=/api/v1/auth/refresh; HttpOnly; SameSite=Strict\` (and Secure over https)`,
    schema: { type: 'string' },
  },
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly registrations: RegistrationService,
    private readonly users: UsersRepository,
    private readonly ledgerChecks: LedgerCheckService,
  ) {}

  /**
   * Patients register themselves; the account gets its own ledger identity from the
   * hospital's CA. The answer is the same (202, the same body, about the same time) whether
   * or not the address had an account: for one that had, nothing changes and its owner gets
   * an e-mail. The bootstrap admins' addresses are never registered.
   */
  @Public()
  @Post('register')
  @RateLimit('register')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto })
  @ApiErrors(
    [400, 'Invalid input (the failing fields are listed), a password the policy refuses, or an unknown hospital'],
    [409, 'The certificate authority refused the enrollment'],
    413,
    503,
  )
  async register(@Body() body: RegisterDto): Promise<AcceptedDto> {
    await this.registrations.register(body);
    return REGISTRATION_ACCEPTED;
  }

  /**
   * Signs in: a short-lived access token, an opaque single-use refresh token (in the body,
   * or with refreshTokenTransport "cookie" in an HttpOnly cookie) and the account. When the
   * account has a second factor, no token yet: `{secondFactorRequired: true, challengeId}`,
   * which `POST /auth/login/second-factor` completes with a code.
   */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiExtraModels(LoginResultDto, SecondFactorChallengeDto)
  @ApiOkResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(LoginResultDto) }, { $ref: getSchemaPath(SecondFactorChallengeDto) }] },
    headers: SET_REFRESH_COOKIE,
  })
  @ApiErrors(
    400,
    [401, 'INVALID_CREDENTIALS: the e-mail or password is wrong, or the account is not active'],
    413,
    [429, 'RATE_LIMITED: too many failed sign-ins; try again after Retry-After'],
    503,
  )
  async login(
    @Body() body: LoginDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LoginResultDto | SecondFactorChallengeDto> {
    const outcome = await this.auth.login(body.email, body.password, clientOf(request));
    if (outcome.secondFactorRequired) return outcome;
    const { user, secondFactorRequired, ...tokens } = outcome;
    return {
      ...deliver(tokens, body.refreshTokenTransport ?? 'body', request, response),
      secondFactorRequired,
      user: UserDto.from(user),
    };
  }

  /**
   * Exchanges a refresh token (from the body, else from the refresh cookie) for a new pair;
   * a spent token presented again ends its whole session. A refresh counts as activity for
   * the session's idle timeout. A refused refresh clears the refresh cookie.
   */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto, headers: SET_REFRESH_COOKIE })
  @ApiErrors(
    400,
    [
      401,
      'INVALID_REFRESH_TOKEN: no refresh token (neither in the body nor the cookie), an unknown or spent one (a spent one ends its session), a timed-out session or an inactive account; the refresh cookie is cleared',
    ],
    413,
    503,
  )
  async refresh(
    @Body() body: RefreshDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenPairDto> {
    try {
      const presented = presentedRefreshToken(body, request.headers.cookie);
      return deliver(await this.auth.refresh(presented.token), presented.transport, request, response);
    } catch (error) {
      // The browser forgets a token that no longer works, whichever way it came.
      if (error instanceof UnauthenticatedError) response.append('Set-Cookie', clearedRefreshCookie(request.secure));
      throw error;
    }
  }

  /** Ends the current session: its access token is refused from the next request on; the refresh cookie is cleared. */
  @Roles(...ROLES)
  @DuringSecondFactorEnrolment()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({
    headers: { 'Set-Cookie': { description: `Clears \`${REFRESH_COOKIE}\``, schema: { type: 'string' } } },
  })
  async logout(
    @CurrentUser() caller: AuthenticatedUser,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    await this.auth.logout(caller);
    response.append('Set-Cookie', clearedRefreshCookie(request.secure));
  }

  /** The caller's account. */
  @Roles(...ROLES)
  @Get('me')
  @ApiOkResponse({ type: UserDto })
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<UserDto> {
    const user = await this.users.findById(caller.id);
    if (!user) throw new UnauthenticatedError('the account no longer exists');
    return UserDto.from(user);
  }

  /**
   * Submits a no-op ledger transaction signed with the caller's own certificate and returns
   * what the chaincode saw: proof that the caller's ledger identity works end to end.
   */
  @Roles(...ROLES)
  @Post('me/ledger-check')
  @RateLimit('ledger-check')
  @HttpCode(200)
  @ApiOkResponse({ type: LedgerCheckDto })
  @ApiErrors([404, 'NO_LEDGER_IDENTITY: the account has no ledger identity'])
  async ledgerCheck(@CurrentUser() caller: AuthenticatedUser): Promise<LedgerCheckDto> {
    return this.ledgerChecks.check(caller);
  }

  /** The caller's live sessions. */
  @Roles(...ROLES)
  @Get('sessions')
  @ApiOkResponse({ type: SessionListDto })
  async sessions(@CurrentUser() caller: AuthenticatedUser): Promise<SessionListDto> {
    const sessions = await this.auth.listSessions(caller);
    return { items: sessions.map((session) => SessionDto.from(session, caller.sessionId)), nextCursor: null };
  }

  /** Ends one of the caller's sessions. */
  @Roles(...ROLES)
  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiErrors([400, 'The id is not a UUID'], [404, 'No live session of the caller has this id'])
  async endSession(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    if (!(await this.auth.endSession(caller, id))) throw new NotFoundError('no live session of yours with this id');
  }
}

/** The token answer, with the refresh token in the body or, for the portal, in its HttpOnly cookie only. */
export function deliver(
  tokens: TokenPair,
  transport: RefreshTokenTransport,
  request: Request,
  response: Response,
): TokenPairDto {
  const { refreshToken, refreshTokenExpiresIn, ...answer } = tokens;
  if (transport === 'body') return { ...answer, refreshToken };
  response.append('Set-Cookie', refreshCookie(refreshToken, refreshTokenExpiresIn, request.secure));
  return answer;
}

export function clientOf(request: Request): ClientInfo {
  return { ip: request.ip ?? request.socket.remoteAddress ?? 'unknown', userAgent: request.get('user-agent') ?? null };
}
