import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';
import { PASSWORD_DESCRIPTION, PASSWORD_PATTERN } from '../users/password-policy.js';
import { ACCOUNT_TOKEN_PATTERN } from './account-tokens.js';

const TOKEN = new RegExp(ACCOUNT_TOKEN_PATTERN);

/** A new password: the policy's rules (the service checks the e-mail rule too). */
const NewPassword = () =>
  ApiProperty({ minLength: 12, maxLength: 128, pattern: PASSWORD_PATTERN, description: PASSWORD_DESCRIPTION });

/** The token of a link from an activation or reset e-mail. */
const LinkToken = () =>
  ApiProperty({
    pattern: ACCOUNT_TOKEN_PATTERN,
    description: 'The `token` of the link in the e-mail (43 characters)',
  });

export class ActivateAccountDto {
  @LinkToken() @IsString() @Matches(TOKEN, { message: 'token must be the token of an activation link' }) token!: string;
  @NewPassword() @IsString() @MaxLength(1024) password!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ format: 'email', maxLength: 254 }) @IsEmail() @MaxLength(254) email!: string;
}

export class PasswordResetConfirmDto {
  @LinkToken() @IsString() @Matches(TOKEN, { message: 'token must be the token of a reset link' }) token!: string;
  @NewPassword() @IsString() @MaxLength(1024) password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 1024 }) @IsString() @MaxLength(1024) currentPassword!: string;
  @NewPassword() @IsString() @MaxLength(1024) newPassword!: string;
}

/** The account is active: its owner signs in with the password they chose. */
export class AccountActivatedDto {
  /** The account's address, to sign in with. */
  @ApiProperty({ format: 'email' }) email!: string;
}

/** The one answer of a request whose outcome must not tell whether an address has an account. */
export class AcceptedDto {
  @ApiProperty({ enum: ['accepted'] }) status!: 'accepted';
  /** The same sentence, whatever became of the request. */
  @ApiProperty() message!: string;
}

/** POST /auth/password-reset's answer, for every address. */
export const PASSWORD_RESET_ACCEPTED: AcceptedDto = {
  status: 'accepted',
  message:
    'If this address belongs to an active account, a link to choose a new password is on its way to it. The link works once, for a limited time.',
};

/** POST /auth/register's answer, for every address. */
export const REGISTRATION_ACCEPTED: AcceptedDto = {
  status: 'accepted',
  message:
    'If this address had no account, your patient account is ready: sign in with this address and the password you chose. If it already had one, nothing was changed, and an e-mail to that address says so.',
};

/** POST /admin/users/{id}/activation's answer. */
export class ActivationSentDto {
  /** When the new link stops working; every older link of the account stopped now. */
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}
