import { Module } from '@nestjs/common';
import { LedgerFollowingModule } from '../ledger-events/ledger-following.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { LedgerProjection } from './ledger-projection.js';
import { ProjectionRepository } from './projection.repository.js';

/**
 * The ledger projection: the ledger's facts (no PHI) in PostgreSQL tables, written from the
 * chaincode events by the `projection` reader, for the audit trail's queries and the
 * reconciliation. How far it has come (ProjectionStatus) the system module provides
 * itself: a module imported for the metrics must not bring this reader along.
 */
@Module({
  imports: [LedgerModule, LedgerFollowingModule],
  providers: [LedgerProjection, ProjectionRepository],
})
export class ProjectionModule {}
