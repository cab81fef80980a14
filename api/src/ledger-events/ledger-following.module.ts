import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { LedgerCheckpointRepository } from './ledger-checkpoint.repository.js';
import { LedgerEventFollower } from './ledger-event-follower.js';

/**
 * The one way to follow the ledger's chaincode events (LedgerEventFollower, one checkpoint
 * per reader), for every reader's module; it imports no reader's feature, so a module a
 * reader's feature imports may import a reader's module without a cycle.
 */
@Module({
  imports: [LedgerModule],
  providers: [LedgerCheckpointRepository, LedgerEventFollower],
  exports: [LedgerCheckpointRepository, LedgerEventFollower],
})
export class LedgerFollowingModule {}
