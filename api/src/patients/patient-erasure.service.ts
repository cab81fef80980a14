import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsentStatementsRepository } from '../access/consent-statements.repository.js';
import { AppConfig } from '../config/app-config.js';
import { PatientKeysService } from '../crypto/patient-keys.service.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { MAILER, type Mailer } from '../notifications/mail/mailer.port.js';
import { describeFailure, retryDelaySeconds } from '../notifications/mail-outbox.worker.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { erasureNotice } from './erasure-notice.js';
import { ErasureRequestsRepository } from './erasure-requests.repository.js';
import {
  type DueErasure,
  type FinishOutcome,
  type NoticeOutcome,
  PatientErasureRepository,
} from './patient-erasure.repository.js';

/** No admin of the patient's hospital can sign the ledger's record now (all suspended, or none). */
export class NoErasureSignerError extends Error {
  constructor(hospital: string) {
    super(`no active admin of ${hospital} can sign the erasure on the ledger`);
    this.name = 'NoErasureSignerError';
  }
}

/**
 * Carries out an erasure request whose effective time has come, in steps that a crash
 * between any two leaves resumable (each one conditional on the state the one before
 * left; ErasureWorker calls this again until it is done):
 *
 * 1. The ledger records the erasure (`erasure:RecordErasure`, signed by the admin who
 *    confirmed the request, or by another active admin of the hospital when that one can no
 *    longer sign); a CONFLICT means an earlier attempt recorded it, whose record is read back.
 * 2. In one PostgreSQL transaction: the patient's key-encryption key destroyed (every
 *    record of theirs unreadable, 410), their consent texts deleted, the titles, file names
 *    and plaintext digests of their reports scrubbed.
 * 3. In one transaction: the patient told by e-mail (no PHI), then their demographics
 *    replaced by a pseudonym, their sessions ended.
 */
@Injectable()
export class PatientErasureService {
  private readonly logger = new Logger(PatientErasureService.name);

  constructor(
    private readonly config: AppConfig,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly users: UsersRepository,
    private readonly requests: ErasureRequestsRepository,
    private readonly erasures: PatientErasureRepository,
    private readonly patientKeys: PatientKeysService,
    private readonly consentStatements: ConsentStatementsRepository,
    @Inject(MAILER) private readonly mailer: Mailer,
  ) {}

  /**
   * Takes a due request as far as it goes now; what the last step came to ('done' once the
   * request is carried out). Throws when a step failed (the caller notes it and tries later).
   */
  async carryOut(request: DueErasure): Promise<FinishOutcome> {
    if (request.state === 'confirmed') await this.record(request);
    if (request.state !== 'content-erased') {
      await this.erasures.eraseContent(request.id, request.patientId, async (manager) => {
        await this.patientKeys.destroy(request.patientId, manager);
        // The reasons and justifications written about the patient go with their key.
        await this.consentStatements.eraseOfPatient(manager, request.patientId);
      });
    }
    const outcome = await this.erasures.finish(request.id, (to, failedBefore) =>
      this.tell(request.id, to, failedBefore),
    );
    if (outcome === 'done') this.logger.log(`erasure request ${request.id} carried out`);
    return outcome;
  }

  /** Step 1: the ledger records the erasure, once; the request keeps its transaction. */
  private async record(request: DueErasure): Promise<void> {
    const patient = await this.users.findById(request.patientId);
    if (!patient) throw new Error(`the patient of erasure request ${request.id} has no account here`);
    const signer = await this.signerFor(request, patient);
    const actor = await this.identities.signingIdentity(signer.id, signer.hospital);
    try {
      const committed = await this.ledger.erasure.record(actor, request.patientId);
      await this.erasures.markRecorded(request.id, {
        txId: committed.transactionId,
        blockNumber: committed.blockNumber.toString(),
        erasedAt: committed.result.erasedAt,
      });
    } catch (error) {
      if (!(error instanceof ChaincodeRefusedError && error.code === 'CONFLICT')) throw error;
      // Recorded before: by an attempt that stopped before it could say so here.
      const recorded = await this.ledger.erasure.get(actor, request.patientId);
      const blockNumber = await this.ledger.system.blockOfTransaction(actor, recorded.txId);
      await this.erasures.markRecorded(request.id, {
        txId: recorded.txId,
        blockNumber: blockNumber.toString(),
        erasedAt: recorded.erasedAt,
      });
    }
  }

  /**
   * Who signs the ledger's record: the admin who confirmed, while active; else the
   * hospital's longest-standing active admin (the request was confirmed by two people
   * already; a suspended admin's certificate is revoked and could not sign).
   */
  private async signerFor(request: DueErasure, patient: UserEntity): Promise<{ id: string; hospital: string }> {
    const confirmer = await this.users.findById(request.confirmedBy);
    if (confirmer?.status === 'active' && confirmer.role === 'admin' && confirmer.hospital === patient.hospital) {
      return { id: confirmer.id, hospital: confirmer.hospital };
    }
    const [other] = await this.requests.activeAdminsOf(patient.hospital);
    if (!other) throw new NoErasureSignerError(patient.hospital);
    return { id: other, hospital: patient.hospital };
  }

  /** Step 3's e-mail to the patient; a failure is kept (its reason without the address) and tried again later. */
  private async tell(requestId: string, to: string, failedBefore: number): Promise<NoticeOutcome> {
    try {
      await this.mailer.send(erasureNotice(requestId, to));
      return { sent: true };
    } catch (error) {
      const reason = describeFailure(error, to);
      this.logger.warn(`the e-mail of erasure request ${requestId} was not sent: ${reason}`);
      return {
        sent: false,
        error: reason,
        retryAfterSeconds: retryDelaySeconds(failedBefore, {
          baseSeconds: this.config.MAIL_RETRY_BASE_SECONDS,
          maxSeconds: this.config.MAIL_RETRY_MAX_SECONDS,
        }),
      };
    }
  }
}
