import { Module } from '@nestjs/common';
import { UserSearchController } from './user-search.controller.js';
import { UserSearchRepository } from './user-search.repository.js';
import { UserSearchService } from './user-search.service.js';

/** An admin's search of their hospital's accounts. */
@Module({
  controllers: [UserSearchController],
  providers: [UserSearchRepository, UserSearchService],
})
export class UserSearchModule {}
