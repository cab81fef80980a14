import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { NotFoundError } from '../common/domain-error.js';
import { Public } from '../common/public.decorator.js';
import { UserDto } from '../users/user.dto.js';
import { ROLES } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
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
import { UnauthenticatedError } from './auth.errors.js';
import { AuthService, type ClientInfo } from './auth.service.js';
import type { AuthenticatedUser } from './authenticated-user.js';
import { LedgerCheckService } from './ledger-check.service.js';
import { CurrentUser } from './current-user.decorator.js';
import { Roles } from './roles.decorator.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly usersService: UsersService,
    private readonly users: UsersRepository,
    private readonly ledgerChecks: LedgerCheckService,
  ) {}

  /** Patients register themselves; the account gets its own ledger identity from the hospital's CA. */
  @Public()
  @Post('register')
  @ApiCreatedResponse({ type: UserDto })
  async register(@Body() body: RegisterDto): Promise<UserDto> {
    return UserDto.from(await this.usersService.createAccount({ ...body, role: 'patient' }));
  }

  /** Signs in: a short-lived access token, an opaque single-use refresh token and the account. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResultDto })
  @ApiTooManyRequestsResponse({ description: 'Too many failed sign-ins for this account or address; see Retry-After' })
  async login(@Body() body: LoginDto, @Req() request: Request): Promise<LoginResultDto> {
    const { user, ...tokens } = await this.auth.login(body.email, body.password, clientOf(request));
    return { ...tokens, user: UserDto.from(user) };
  }

  /** Exchanges a refresh token for a new pair; a spent token presented again ends its whole session. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() body: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends the current session: its access token is refused from the next request on. */
  @Roles(...ROLES)
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse()
  logout(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    return this.auth.logout(caller);
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
  @HttpCode(200)
  @ApiOkResponse({ type: LedgerCheckDto })
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
  async endSession(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<void> {
    if (!(await this.auth.endSession(caller, id))) throw new NotFoundError('no live session of yours with this id');
  }
}

function clientOf(request: Request): ClientInfo {
  return { ip: request.ip ?? request.socket.remoteAddress ?? 'unknown', userAgent: request.get('user-agent') ?? null };
}
