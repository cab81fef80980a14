import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { UsersRepository } from '../users/users.repository.js';
import { ReportsRepository, type UploadSaga } from './reports.repository.js';

/**
 * Finishes what a crash or an outage left half-done: an upload whose ledger record exists
 * is completed from its saga row; one whose content was stored but never recorded is
 * unpinned and rolled back. Runs at start and then periodically, on every replica (each
 * step is idempotent).
 */
@Injectable()
export class UploadRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UploadRecovery.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly reports: ReportsRepository,
    private readonly users: UsersRepository,
    private readonly identities: LedgerIdentityService,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.max(5, Math.floor(this.config.UPLOAD_RECOVERY_AFTER_SECONDS / 2)) * 1000;
    this.timer = setInterval(() => void this.recoverAll(), every).unref();
    void this.recoverAll();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One pass over the unfinished uploads; returns how many it settled. */
  async recoverAll(): Promise<number> {
    let settled = 0;
    try {
      for (const saga of await this.reports.openSagas(this.store.kind, this.config.UPLOAD_RECOVERY_AFTER_SECONDS)) {
        if (await this.recover(saga)) settled += 1;
      }
    } catch (error) {
      this.logger.warn(`upload recovery pass failed: ${(error as Error).message}`);
    }
    return settled;
  }

  private async recover(saga: UploadSaga): Promise<boolean> {
    try {
      if (saga.state === 'recorded') {
        await this.reports.complete(saga, saga.userId);
        return true;
      }
      if (saga.state === 'stored') {
        const author = await this.users.findById(saga.userId);
        if (!author) return false;
        const actor = await this.identities.signingIdentity(author.id, author.hospital);
        try {
          const record = await this.ledger.getReport(actor, saga.reportId);
          await this.reports.complete(
            { ...saga, steps: { ...saga.steps, txId: record.txId, recordedAt: record.recordedAt } },
            author.id,
          );
          return true;
        } catch (error) {
          if (!(error instanceof ChaincodeRefusedError && error.code === 'NOT_FOUND')) throw error;
        }
      }
      // Never recorded on the ledger: undo what was stored.
      if (saga.steps.cid) await this.store.unpin(saga.steps.cid);
      await this.reports.advance(saga.id, 'rolled_back', {}, 'rolled back by recovery: not recorded on the ledger');
      return true;
    } catch (error) {
      this.logger.warn(`upload ${saga.id} not settled yet: ${(error as Error).message}`);
      return false;
    }
  }
}
