import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { InvalidInputError, NotFoundError } from '../common/domain-error.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
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
    // A patient of any hospital: one treated here (an emergency department) joins a care team here.
    if (!patient || patient.role !== 'patient') {
      throw new InvalidInputError('no patient has this id', {
        details: { errors: [{ field: 'patientId', messages: ['unknown patient'] }] },
      });
    }
    if (!doctor || doctor.role !== 'doctor' || doctor.hospital !== admin.hospital) {
      throw new InvalidInputError('no doctor of your hospital has this id', {
        details: { errors: [{ field: 'doctorId', messages: ['unknown doctor of this hospital'] }] },
      });
    }
    const actor = await this.identities.signingIdentity(admin.id, admin.hospital);
    return this.ledger.care.assign(actor, randomUUID(), patientId, doctorId);
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
