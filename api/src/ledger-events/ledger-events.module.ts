import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { LedgerEventListener } from './ledger-event-listener.js';
import { LedgerFollowingModule } from './ledger-following.module.js';

/** The reader of the ledger's chaincode events by which what the ledger records reaches users as notifications. */
@Module({
  imports: [LedgerFollowingModule, NotificationsModule],
  providers: [LedgerEventListener],
})
export class LedgerEventsModule {}
