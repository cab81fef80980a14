import { Injectable, Logger } from '@nestjs/common';
import { RecoveryWorker } from '../common/recovery-worker.js';
import { AppConfig } from '../config/app-config.js';
import { type ErasureRow, PatientErasureRepository } from './patient-erasure.repository.js';
import { PatientErasureService } from './patient-erasure.service.js';

/**
 * Completes erasures that a crash or an outage left half-done, so that a patient whom the
 * ledger records as erased never keeps readable content because nobody asked again, after
 * the idle delay RECOVERY_AFTER_SECONDS.
 */
@Injectable()
export class ErasureRecovery extends RecoveryWorker<ErasureRow> {
  protected readonly logger = new Logger(ErasureRecovery.name);

  constructor(
    config: AppConfig,
    private readonly erasures: PatientErasureRepository,
    private readonly service: PatientErasureService,
  ) {
    super(config.RECOVERY_AFTER_SECONDS);
  }

  protected unfinished(): Promise<ErasureRow[]> {
    return this.erasures.open(this.idleSeconds);
  }

  protected async settle(request: ErasureRow): Promise<boolean> {
    return (await this.service.resume(request)) !== null;
  }

  protected describe(request: ErasureRow): string {
    return `erasure of ${request.patientId}`;
  }
}
