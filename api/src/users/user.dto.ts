import { ApiProperty } from '@nestjs/swagger';
import type { UserEntity } from './user.entity.js';
import { ROLES, type Role, USER_STATUSES, type UserStatus } from './user.entity.js';

/** An account as the API shows it: never the password hash, never key material. */
export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() fullName!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ example: 'hospital-a' }) hospital!: string;
  @ApiProperty({ enum: USER_STATUSES }) status!: UserStatus;
  @ApiProperty({ required: false, nullable: true, format: 'date' }) dateOfBirth?: string | null;
  @ApiProperty({ required: false, nullable: true }) licenseNumber?: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;

  static from(user: UserEntity): UserDto {
    return {
      id: user.id,
      email: user.email,
      fullName: user.fullName,
      role: user.role,
      hospital: user.hospital,
      status: user.status,
      dateOfBirth: user.dateOfBirth,
      licenseNumber: user.licenseNumber,
      createdAt: user.createdAt.toISOString(),
    };
  }
}
