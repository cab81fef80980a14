import { Module } from '@nestjs/common';
import { LedgerCheckpointRepository } from '../ledger-events/ledger-checkpoint.repository.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { ReconciliationRepository } from './reconciliation.repository.js';
import { ReconciliationService } from './reconciliation.service.js';

/**
 * The reconciliation of the ledger projection with the ledger (`npm run audit:reconcile`
 * runs it), and its recorded runs, which the status page reports.
 */
@Module({
  imports: [LedgerModule],
  providers: [ReconciliationRepository, ReconciliationService, LedgerCheckpointRepository],
  exports: [ReconciliationRepository, ReconciliationService],
})
export class ReconciliationModule {}
