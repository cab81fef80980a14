import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ApiHospitalProperty } from '../common/openapi-document.js';
import { CALENDAR_DATE_PATTERN, IsCalendarDate, Omittable, TEXT_PATTERNS } from '../common/validation.js';
import { PASSWORD_DESCRIPTION, PASSWORD_PATTERN } from '../users/password-policy.js';
import { UserDto } from '../users/user.dto.js';
import { REFRESH_COOKIE, REFRESH_TOKEN_TRANSPORTS, type RefreshTokenTransport } from './refresh-token-cookie.js';
import type { SessionEntity } from './session.entity.js';

/** Names: printable text, no control characters. */
const PRINTABLE = /^[^\p{Cc}\p{Cs}]+$/u;

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.org', format: 'email', maxLength: 254 })
  @IsEmail()
  @MaxLength(254)
  email!: string;
  @ApiProperty({ minLength: 12, maxLength: 128, pattern: PASSWORD_PATTERN, description: PASSWORD_DESCRIPTION })
  @IsString()
  @MaxLength(1024)
  password!: string;
  @ApiProperty({ example: 'Ada Lovelace', minLength: 1, maxLength: 200, pattern: TEXT_PATTERNS.printableNonEmpty })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE)
  fullName!: string;
  @ApiProperty({ format: 'date', pattern: CALENDAR_DATE_PATTERN, example: '1990-12-10' })
  @IsCalendarDate('dateOfBirth must be a date like 1990-12-10')
  dateOfBirth!: string;
  /** The hospital the patient registers at: one of GET /hospitals. */
  @ApiProperty({ example: 'hospital-a', minLength: 1, maxLength: 64 })
  @ApiHospitalProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  hospital!: string;
}

const TRANSPORT_DESCRIPTION =
  `How the refresh token comes back: \`body\` (the default) in the JSON answer; \`cookie\` only as the ` +
  `HttpOnly cookie \`${REFRESH_COOKIE}\` (SameSite=Strict, Path=/api/v1/auth/refresh, Secure over https, ` +
  `Max-Age until the session's absolute expiry), and not in the body: for browsers.`;

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254 }) @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ minLength: 1, maxLength: 1024 }) @IsString() @IsNotEmpty() @MaxLength(1024) password!: string;
  @ApiProperty({ enum: REFRESH_TOKEN_TRANSPORTS, default: 'body', required: false, description: TRANSPORT_DESCRIPTION })
  @Omittable()
  @IsIn(REFRESH_TOKEN_TRANSPORTS)
  refreshTokenTransport?: RefreshTokenTransport;
}

export class RefreshDto {
  /** The refresh token; without it, the one in the refresh cookie. */
  @ApiProperty({ required: false, minLength: 1, maxLength: 256 })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  refreshToken?: string;
  @ApiProperty({
    enum: REFRESH_TOKEN_TRANSPORTS,
    required: false,
    description: `${TRANSPORT_DESCRIPTION} By default the way the presented token came; a token from the cookie is renewed into the cookie only (\`body\` is refused with 400).`,
  })
  @Omittable()
  @IsIn(REFRESH_TOKEN_TRANSPORTS)
  refreshTokenTransport?: RefreshTokenTransport;
}

export class TokenPairDto {
  @ApiProperty() accessToken!: string;
  /** Opaque, single use: each refresh returns a new one. Absent when it went into the refresh cookie. */
  @ApiProperty({ required: false }) refreshToken?: string;
  /** Seconds until the access token expires. */
  @ApiProperty() expiresIn!: number;
  /** Seconds without a request (or a refresh) after which the session ends. */
  @ApiProperty() idleTimeoutSeconds!: number;
  /**
   * True for a staff member who has no confirmed second factor yet: the session reaches
   * `POST /auth/second-factor`, `POST /auth/second-factor/confirm`, `GET /auth/second-factor`
   * and `POST /auth/logout` only (every other route answers 403
   * SECOND_FACTOR_ENROLMENT_REQUIRED) until the factor is confirmed.
   */
  @ApiProperty() secondFactorEnrolmentRequired!: boolean;
}

/** A signed-in session: the tokens and the account (no second factor was asked, or it was given). */
export class LoginResultDto extends TokenPairDto {
  /** False: the sign-in is complete (see SecondFactorChallengeDto for the other answer). */
  @ApiProperty({ type: Boolean, enum: [false] }) secondFactorRequired!: false;
  @ApiProperty({ type: UserDto }) user!: UserDto;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ nullable: true }) ip!: string | null;
  @ApiProperty({ nullable: true }) userAgent!: string | null;
  /** Whether this is the session of the request's own access token. */
  @ApiProperty() current!: boolean;

  static from(session: SessionEntity, currentSessionId: string): SessionDto {
    return {
      id: session.id,
      createdAt: session.createdAt.toISOString(),
      lastSeenAt: session.lastSeenAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      ip: session.ip,
      userAgent: session.userAgent,
      current: session.id === currentSessionId,
    };
  }
}

export class SessionListDto {
  @ApiProperty({ type: [SessionDto] }) items!: SessionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class LedgerCheckDto {
  /** The caller's organisation, from the certificate that signed the transaction. */
  @ApiProperty({ example: 'HospitalAMSP' }) mspId!: string;
  /** `ehr.role` of that certificate. */
  @ApiProperty({ nullable: true }) role!: string | null;
  /** `ehr.uid` of that certificate: the caller's user id. */
  @ApiProperty({ nullable: true }) uid!: string | null;
  @ApiProperty() transactionId!: string;
  @ApiProperty() blockNumber!: string;
}
