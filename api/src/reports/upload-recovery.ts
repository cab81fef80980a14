import { Inject, Injectable, Logger } from '@nestjs/common';
import { RecoveryWorker } from '../common/recovery-worker.js';
import { AppConfig } from '../config/app-config.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { UsersRepository } from '../users/users.repository.js';
import { ReportsRepository, type UploadSaga } from './reports.repository.js';

/**
 * Finishes what a crash or an outage left half-done: an upload whose ledger record exists
 * is completed from its saga row; one whose content was stored but never recorded has its
 * report ID voided on the ledger, then its content unpinned, and is rolled back. Runs at
 * start and then periodically, on every replica (each step is idempotent).
 */
@Injectable()
export class UploadRecovery extends RecoveryWorker<UploadSaga> {
  protected readonly logger = new Logger(UploadRecovery.name);

  constructor(
    config: AppConfig,
    private readonly reports: ReportsRepository,
    private readonly users: UsersRepository,
    private readonly identities: LedgerIdentityService,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {
    super(config.RECOVERY_AFTER_SECONDS);
  }

  protected unfinished(): Promise<UploadSaga[]> {
    return this.reports.claimIdleSagas(this.store.kind, this.idleSeconds);
  }

  protected describe(saga: UploadSaga): string {
    return `upload ${saga.id}`;
  }

  protected async settle(saga: UploadSaga): Promise<boolean> {
    if (saga.state === 'recorded') return this.reports.complete(saga, saga.userId, ['recorded'], {});
    if (saga.state === 'stored') {
      // The RecordReport may be recorded, or still on its way: void the report ID first.
      // The ledger orders the two, so either the void wins (the ID can never be recorded
      // now, and the content may go) or the report does (and the upload is completed).
      const author = await this.users.findById(saga.userId);
      if (!author) return false;
      const actor = await this.identities.signingIdentity(author.id, author.hospital);
      try {
        await this.ledger.reports.void(actor, saga.reportId);
      } catch (error) {
        if (!(error instanceof ChaincodeRefusedError && error.code === 'CONFLICT')) throw error;
        const record = await this.ledger.reports.get(actor, saga.reportId);
        // On the ledger: its content must stay retrievable, then the upload is complete.
        await this.store.pin(saga.steps.cid!);
        const blockNumber = await this.ledger.system.blockOfTransaction(actor, record.txId);
        const recorded = { txId: record.txId, blockNumber: blockNumber.toString(), recordedAt: record.recordedAt };
        return this.reports.complete(saga, saga.userId, ['stored'], recorded);
      }
    }
    // Never recorded on the ledger: undo what was stored.
    const cid = saga.steps.cid;
    if (cid) await this.store.unpin(cid);
    const rolledBack = await this.reports.advance(
      saga,
      ['receiving', 'stored'],
      'rolled_back',
      {},
      'rolled back by recovery: not recorded on the ledger',
    );
    if (!rolledBack && cid) {
      // Someone else moved the upload meanwhile: if it is recorded now, its content must stay.
      if (await this.reports.isRecorded(saga)) await this.store.pin(cid);
    }
    return rolledBack;
  }
}
