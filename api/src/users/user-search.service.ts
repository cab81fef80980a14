import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { Role, UserEntity } from './user.entity.js';
import { UserSearchRepository } from './user-search.repository.js';

/** Matches a search answers at most: enough to pick from, never the whole hospital. */
export const USER_SEARCH_LIMIT = 25;

/** An admin finds accounts of their own hospital only. */
@Injectable()
export class UserSearchService {
  constructor(private readonly users: UserSearchRepository) {}

  search(admin: AuthenticatedUser, query: string | undefined, role: Role | undefined): Promise<UserEntity[]> {
    return this.users.search(admin.hospital, { text: query ?? '', role }, USER_SEARCH_LIMIT);
  }
}
