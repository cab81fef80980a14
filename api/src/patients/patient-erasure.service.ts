import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsentStatementsRepository } from '../access/consent-statements.repository.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ConflictError, DomainError, NotFoundError } from '../common/domain-error.js';
import { PatientKeysService } from '../crypto/patient-keys.service.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { UsersRepository } from '../users/users.repository.js';
import { type ErasureRow, PatientErasureRepository } from './patient-erasure.repository.js';

/** The patient belongs to another hospital: only an admin of their own hospital may erase their content. */
export class PatientOfAnotherHospitalError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}

/** A completed erasure: when the ledger recorded it, in which transaction, and how many reports it made unreadable. */
export interface PatientErasure {
  patientId: string;
  erasedAt: string;
  txId: string;
  blockNumber: string | null;
  reportsErased: number;
}

/**
 * Erasure of a patient's content, in an order that a crash at any point cannot break:
 * the request is written first; then the ledger records the erasure (as the admin, so
 * that the chaincode checks the admin's own certificate); then, in one PostgreSQL
 * transaction, the patient's key-encryption key is destroyed and the PHI of their report
 * metadata scrubbed. A retry, or the recovery pass, picks up where it stopped; the
 * ledger's CONFLICT for a second recording means that step is already done.
 */
@Injectable()
export class PatientErasureService {
  private readonly logger = new Logger(PatientErasureService.name);

  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly users: UsersRepository,
    private readonly erasures: PatientErasureRepository,
    private readonly patientKeys: PatientKeysService,
    private readonly consentStatements: ConsentStatementsRepository,
  ) {}

  /** Erases a patient's content as an admin of their hospital; the same request again returns the same result. */
  async erase(admin: AuthenticatedUser, patientId: string): Promise<PatientErasure> {
    const patient = await this.users.findById(patientId);
    if (!patient || patient.role !== 'patient') throw new NotFoundError('no patient has this id');
    if (patient.hospital !== admin.hospital) {
      throw new PatientOfAnotherHospitalError("only an admin of the patient's own hospital may erase their content");
    }
    const request = await this.erasures.start(patientId, admin.id);
    return this.complete(request, { id: admin.id, hospital: admin.hospital });
  }

  /** Completes a request left unfinished, signing as the admin who made it (for the recovery pass). */
  async resume(request: ErasureRow): Promise<PatientErasure | null> {
    const admin = await this.users.findById(request.requestedBy);
    if (!admin) return null;
    return this.complete(request, { id: admin.id, hospital: admin.hospital });
  }

  private async complete(request: ErasureRow, signer: { id: string; hospital: string }): Promise<PatientErasure> {
    const { patientId } = request;
    if (request.state === 'requested') await this.record(patientId, signer);
    if (request.state !== 'done') {
      await this.erasures.complete(patientId, async (manager) => {
        await this.patientKeys.destroy(patientId, manager);
        // The reasons and justifications written about the patient go with their key.
        await this.consentStatements.eraseOfPatient(manager, patientId);
      });
    }
    const done = await this.erasures.find(patientId);
    if (done?.state !== 'done' || !done.txId || !done.erasedAt || done.reportsErased === null) {
      // Only when another request discarded this one at the same moment (the ledger refused it).
      throw new ConflictError('the erasure of this patient did not complete; ask again');
    }
    return {
      patientId,
      erasedAt: done.erasedAt.toISOString(),
      txId: done.txId,
      blockNumber: done.blockNumber,
      reportsErased: done.reportsErased,
    };
  }

  /** Step 2: the ledger records the erasure, once; the row keeps its transaction. */
  private async record(patientId: string, signer: { id: string; hospital: string }): Promise<void> {
    const actor = await this.identities.signingIdentity(signer.id, signer.hospital);
    try {
      const committed = await this.ledger.erasure.record(actor, patientId);
      await this.erasures.markRecorded(patientId, {
        txId: committed.transactionId,
        blockNumber: committed.blockNumber.toString(),
        erasedAt: committed.result.erasedAt,
      });
    } catch (error) {
      if (error instanceof ChaincodeRefusedError && error.code === 'CONFLICT') {
        // Recorded before: by an attempt that stopped before it could say so here, or by another admin.
        const recorded = await this.ledger.erasure.get(actor, patientId);
        const blockNumber = await this.ledger.system.blockOfTransaction(actor, recorded.txId);
        await this.erasures.markRecorded(patientId, {
          txId: recorded.txId,
          blockNumber: blockNumber.toString(),
          erasedAt: recorded.erasedAt,
        });
        return;
      }
      if (error instanceof ChaincodeRefusedError) {
        // A refusal is final: nothing was erased, so no request stays behind.
        await this.erasures.discard(patientId, signer.id);
      } else {
        this.logger.warn(`erasure of ${patientId} not recorded yet: ${(error as Error).message}`);
        await this.erasures.noteFailure(patientId, (error as Error).message).catch(() => undefined);
      }
      throw error;
    }
  }
}
