import { ApiProperty } from '@nestjs/swagger';
import { IsDateString, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { UserDto } from '../users/user.dto.js';
import { REFRESH_COOKIE, REFRESH_TOKEN_TRANSPORTS, type RefreshTokenTransport } from './refresh-token-cookie.js';
import type { SessionEntity } from './session.entity.js';

/** Names: printable text, no control characters. */
const PRINTABLE = /^[^\p{Cc}\p{Cs}]+$/u;

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.org' }) @IsEmail() @MaxLength(254) email!: string;
  /** 12 to 128 characters; not one repeated character; not containing the e-mail's name. */
  @ApiProperty({ minLength: 12, maxLength: 128 }) @IsString() @MaxLength(1024) password!: string;
  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE)
  fullName!: string;
  @ApiProperty({ format: 'date', example: '1990-12-10' })
  @IsDateString({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date like 1990-12-10' })
  dateOfBirth!: string;
  @ApiProperty({ example: 'hospital-a' }) @IsString() @IsNotEmpty() @MaxLength(64) hospital!: string;
}

const TRANSPORT_DESCRIPTION =
  `How the refresh token comes back: \`body\` (the default) in the JSON answer; \`cookie\` only as the ` +
  `HttpOnly cookie \`${REFRESH_COOKIE}\` (SameSite=Strict, Path=/api/v1/auth/refresh, Secure over https, ` +
  `Max-Age until the session's absolute expiry), and not in the body: for browsers.`;

export class LoginDto {
  @ApiProperty() @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(1024) password!: string;
  @ApiProperty({ enum: REFRESH_TOKEN_TRANSPORTS, default: 'body', required: false, description: TRANSPORT_DESCRIPTION })
  @IsOptional()
  @IsIn(REFRESH_TOKEN_TRANSPORTS)
  refreshTokenTransport?: RefreshTokenTransport;
}

export class RefreshDto {
  /** The refresh token; without it, the one in the refresh cookie. */
  @ApiProperty({ required: false }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(256) refreshToken?: string;
  @ApiProperty({
    enum: REFRESH_TOKEN_TRANSPORTS,
    required: false,
    description: `${TRANSPORT_DESCRIPTION} By default the way the presented token came; a token from the cookie is renewed into the cookie only (\`body\` is refused with 400).`,
  })
  @IsOptional()
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
}

export class LoginResultDto extends TokenPairDto {
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
