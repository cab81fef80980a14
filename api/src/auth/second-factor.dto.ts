import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { ApiSchemaRules } from '../common/openapi-document.js';
import { Omittable } from '../common/validation.js';
import { REFRESH_TOKEN_TRANSPORTS, type RefreshTokenTransport } from './refresh-token-cookie.js';
import { RECOVERY_CODE_COUNT } from './recovery-codes.js';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from './totp.js';

const CODE_PATTERN = new RegExp(`^[0-9]{${TOTP_DIGITS}}$`);
const CODE_DESCRIPTION = `The ${TOTP_DIGITS}-digit code the authenticator app shows now (TOTP, RFC 6238: SHA-1, ${TOTP_PERIOD_SECONDS} s steps); each code is accepted once.`;
const RECOVERY_CODE_PATTERN = /^[A-Za-z0-9 -]{10,24}$/;

/** The answer of a right password when the account has a second factor: no token yet. */
export class SecondFactorChallengeDto {
  @ApiProperty({ type: Boolean, enum: [true] }) secondFactorRequired!: true;
  /** Give it with a code to `POST /auth/login/second-factor`; it expires and is spent by that sign-in. */
  @ApiProperty() challengeId!: string;
  /** Seconds until the challenge expires. */
  @ApiProperty({ example: 300 }) expiresIn!: number;
}

/** The second step of a sign-in: the challenge and exactly one of `code` and `recoveryCode`. */
@ApiSchemaRules({ oneOf: [{ required: ['code'] }, { required: ['recoveryCode'] }] })
export class LoginWithSecondFactorDto {
  @ApiProperty({ minLength: 1, maxLength: 128 }) @IsString() @IsNotEmpty() @MaxLength(128) challengeId!: string;

  @ApiProperty({ required: false, pattern: CODE_PATTERN.source, example: '123456', description: CODE_DESCRIPTION })
  @Omittable()
  @IsString()
  @Matches(CODE_PATTERN, { message: `code must be ${TOTP_DIGITS} digits` })
  code?: string;

  @ApiProperty({
    required: false,
    pattern: RECOVERY_CODE_PATTERN.source,
    example: 'abcde-fghjk',
    description: 'One of the recovery codes given at enrolment, instead of a code; each works once.',
  })
  @Omittable()
  @IsString()
  @Matches(RECOVERY_CODE_PATTERN, { message: 'recoveryCode must look like abcde-fghjk' })
  recoveryCode?: string;

  @ApiProperty({
    enum: REFRESH_TOKEN_TRANSPORTS,
    default: 'body',
    required: false,
    description: 'As for `POST /auth/login`: `cookie` sets the refresh token as its HttpOnly cookie only.',
  })
  @Omittable()
  @IsIn(REFRESH_TOKEN_TRANSPORTS)
  refreshTokenTransport?: RefreshTokenTransport;
}

export class ConfirmSecondFactorDto {
  @ApiProperty({ pattern: CODE_PATTERN.source, example: '123456', description: CODE_DESCRIPTION })
  @IsString()
  @Matches(CODE_PATTERN, { message: `code must be ${TOTP_DIGITS} digits` })
  code!: string;
}

export class SecondFactorEnrolmentDto {
  /** `otpauth://totp/MedLedger:<e-mail>?secret=…&issuer=MedLedger&algorithm=SHA1&digits=6&period=30`, for a QR code. */
  @ApiProperty({ example: 'otpauth://totp/MedLedger:ada%40example.org?issuer=MedLedger&secret=JBSWY3DPEHPK3PXP' })
  otpauthUri!: string;
  /** The same secret in base32, to type into the app by hand. */
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' }) secret!: string;
}

export class RecoveryCodesDto {
  /** Shown this once: each signs in once instead of a code. Only their digests are kept. */
  @ApiProperty({ type: [String], minItems: RECOVERY_CODE_COUNT, maxItems: RECOVERY_CODE_COUNT })
  recoveryCodes!: string[];
}

export class SecondFactorStatusDto {
  /** Whether a second factor is confirmed: sign-in asks for a code. */
  @ApiProperty() enrolled!: boolean;
  /** Whether the role must have one (doctors, auditors, admins). */
  @ApiProperty() required!: boolean;
  /** Recovery codes not used yet. */
  @ApiProperty() recoveryCodesLeft!: number;
}
