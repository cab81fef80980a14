import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { DoctorNotFoundError, PatientNotFoundError } from '../access/access.errors.js';
import { NotFoundError } from '../common/domain-error.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { collectPages } from '../ledger/collect-pages.js';
import { type CareAssignmentRecord, type Committed, LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { UsersRepository } from '../users/users.repository.js';

/**
 * Care teams: an admin assigns a doctor of their own hospital to a patient (of any hospital:
 * a patient treated here), recorded on the ledger under the admin's own certificate.
 */
@Injectable()
export class CareService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly users: UsersRepository,
  ) {}

  async assign(
    admin: AuthenticatedUser,
    patientId: string,
    doctorId: string,
  ): Promise<Committed<CareAssignmentRecord>> {
    const [patient, doctor] = await Promise.all([this.users.findById(patientId), this.users.findById(doctorId)]);
    // Well-formed ids of no such person: 404, as every unknown id.
    const unknownPatient = () => new PatientNotFoundError('no patient has this id');
    // A patient of any hospital (one treated here joins a care team here); one of another
    // hospital's node is not among this node's users, and the ledger, which knows every
    // participant, answers for them.
    if (patient && patient.role !== 'patient') throw unknownPatient();
    if (!doctor || doctor.role !== 'doctor' || doctor.hospital !== admin.hospital) {
      throw new DoctorNotFoundError('no doctor of your hospital has this id');
    }
    const actor = await this.identities.signingIdentity(admin.id, admin.hospital);
    try {
      return await this.ledger.care.assign(actor, randomUUID(), patientId, doctorId);
    } catch (error) {
      // The doctor is this hospital's and known: a participant the ledger does not know is the patient.
      if (error instanceof ChaincodeRefusedError && error.code === 'NOT_FOUND') throw unknownPatient();
      throw error;
    }
  }

  async end(admin: AuthenticatedUser, assignmentId: string): Promise<Committed<CareAssignmentRecord>> {
    const actor = await this.identities.signingIdentity(admin.id, admin.hospital);
    return this.ledger.care.end(actor, assignmentId);
  }

  /** The care-team history of a patient, as the caller (the patient, or an admin of their hospital) may see it. */
  async historyOf(caller: AuthenticatedUser, patientId: string): Promise<CareAssignmentRecord[]> {
    if (caller.role === 'patient' && caller.id !== patientId)
      throw new NotFoundError('no patient of yours has this id');
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    return collectPages((bookmark) => this.ledger.care.listByPatient(actor, patientId, { pageSize: 100, bookmark }));
  }
}
