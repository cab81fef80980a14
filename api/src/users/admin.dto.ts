import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsString, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { USER_STATUSES, type UserStatus } from './user.entity.js';
import { UserDto } from './user.dto.js';

/** Roles an admin creates; patients register themselves. */
export const STAFF_ROLES = ['doctor', 'auditor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export class CreateStaffDto {
  @ApiProperty() @IsEmail() @MaxLength(254) email!: string;
  @ApiProperty({ minLength: 12, maxLength: 128 }) @IsString() @MaxLength(1024) password!: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(200) @Matches(/^[^\p{Cc}\p{Cs}]+$/u) fullName!: string;
  @ApiProperty({ enum: STAFF_ROLES }) @IsIn(STAFF_ROLES) role!: StaffRole;
  /** Required for doctors. */
  @ApiProperty({ required: false })
  @ValidateIf((dto: CreateStaffDto) => dto.role === 'doctor' || dto.licenseNumber !== undefined)
  @IsString()
  @Matches(/^[A-Za-z0-9-]{3,32}$/, { message: 'licenseNumber must be 3 to 32 letters, digits or dashes' })
  licenseNumber?: string;
}

export class UpdateUserStatusDto {
  @ApiProperty({ enum: USER_STATUSES }) @IsIn(USER_STATUSES) status!: UserStatus;
}

export class UserIdParams {
  @IsUUID() id!: string;
}

export class UserListDto {
  @ApiProperty({ type: [UserDto] }) items!: UserDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
