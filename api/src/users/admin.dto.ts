import { ApiHideProperty, ApiProperty } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import { ApiSchemaRules } from '../common/openapi-document.js';
import { TEXT_PATTERNS } from '../common/validation.js';
import type { UserStatus } from './user.entity.js';
import { UserDto } from './user.dto.js';

/** Roles an admin creates; patients register themselves. */
export const STAFF_ROLES = ['doctor', 'auditor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

const LICENSE_NUMBER = /^[A-Za-z0-9-]{3,32}$/;

/** A doctor comes with a licence number. */
@ApiSchemaRules({
  anyOf: [
    { properties: { role: { enum: STAFF_ROLES.filter((role) => role !== 'doctor') } } },
    { required: ['licenseNumber'] },
  ],
})
export class CreateStaffDto {
  @ApiProperty({ format: 'email', maxLength: 254 }) @IsEmail() @MaxLength(254) email!: string;
  /**
   * Not a field of the account: refused with its own message (not in the OpenAPI document).
   * The user chooses their password from the activation e-mail.
   */
  @ApiHideProperty()
  @ValidateIf((dto: CreateStaffDto) => dto.password !== undefined)
  @ValidateBy({
    name: 'adminsNeverSetPasswords',
    validator: {
      validate: () => false,
      defaultMessage: () =>
        'admins never set passwords: the user chooses their own from the activation e-mail sent to their address',
    },
  })
  password?: unknown;
  @ApiProperty({ minLength: 1, maxLength: 200, pattern: TEXT_PATTERNS.printableNonEmpty })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}\p{Cs}]+$/u)
  fullName!: string;
  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role!: StaffRole;
  /** Required for doctors. */
  @ApiProperty({ required: false, pattern: LICENSE_NUMBER.source })
  @ValidateIf((dto: CreateStaffDto) => dto.role === 'doctor' || dto.licenseNumber !== undefined)
  @IsString()
  @Matches(LICENSE_NUMBER, { message: 'licenseNumber must be 3 to 32 letters, digits or dashes' })
  licenseNumber?: string;
}

/** What an admin may set: `pending` is the state of an account until its owner activates it, never an admin's choice. */
export const ADMIN_SET_STATUSES = ['active', 'suspended'] as const satisfies readonly UserStatus[];

export class UpdateUserStatusDto {
  /** `active` on a suspended account that was never activated makes it pending again. */
  @ApiProperty({ enum: ADMIN_SET_STATUSES })
  @IsIn(ADMIN_SET_STATUSES)
  status!: (typeof ADMIN_SET_STATUSES)[number];
}

export class UserIdParams {
  @IsUUID() id!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
