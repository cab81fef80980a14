import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { TEXT_PATTERNS } from '../common/validation.js';
import { ROLES, type Role } from './user.entity.js';
import { UserDto } from './user.dto.js';

/** `?query=&role=` of an admin's user search. */
export class UserSearchQuery {
  @ApiProperty({
    required: false,
    maxLength: 200,
    pattern: TEXT_PATTERNS.printable,
    description:
      'Every word somewhere in the name, or part of the e-mail address, the whole id, a date of birth (YYYY-MM-DD) ' +
      'or the start of a licence number. Empty or absent: the first 25 by name.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'query must not contain control characters' })
  query?: string;

  @ApiProperty({ required: false, enum: ROLES, description: 'Only accounts of this role' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;
}

export class UserSearchResultDto {
  @ApiProperty({ type: [UserDto], description: 'At most 25, by name' }) items!: UserDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: refine the query for others' })
  nextCursor!: null;
}
