import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { LedgerCheckpointRepository } from './ledger-checkpoint.repository.js';
import { LedgerEventListener } from './ledger-event-listener.js';

/** The reader of the ledger's chaincode events: what the ledger records reaches users as notifications. */
@Module({
  imports: [LedgerModule, NotificationsModule],
  providers: [LedgerCheckpointRepository, LedgerEventListener],
})
export class LedgerEventsModule {}
