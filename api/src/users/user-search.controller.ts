import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { Roles } from '../auth/roles.decorator.js';
import { ApiErrors } from '../common/api-errors.decorator.js';
import { UserSearchQuery, UserSearchResultDto } from './user-search.dto.js';
import { UserSearchService } from './user-search.service.js';
import { UserDto } from './user.dto.js';
import { RateLimit } from '../rate-limits/rate-limit.decorator.js';

@ApiTags('admin')
@Controller('admin/users/search')
export class UserSearchController {
  constructor(private readonly users: UserSearchService) {}

  /**
   * Accounts of the admin's hospital (staff and patients, or one role) matching a query:
   * the words of a name, part of an e-mail address, an id, a date of birth or a licence
   * number. At most 25, by name.
   */
  @Roles('admin')
  @Get()
  @RateLimit('search')
  @ApiOkResponse({ type: UserSearchResultDto })
  @ApiErrors([400, 'The query is longer than 200 characters or holds a control character, or an unknown role'])
  async search(@CurrentUser() admin: AuthenticatedUser, @Query() query: UserSearchQuery): Promise<UserSearchResultDto> {
    const found = await this.users.search(admin, query.query, query.role);
    return { items: found.map((user) => UserDto.from(user)), nextCursor: null };
  }
}
