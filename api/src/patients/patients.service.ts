import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CareService } from '../care/care.service.js';
import { NotFoundError } from '../common/domain-error.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { collectPages } from '../ledger/collect-pages.js';
import { LEDGER, type LedgerIdentity, type LedgerPort } from '../ledger/ledger.port.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersRepository } from '../users/users.repository.js';
import { patientCriterion } from './patient-search.js';

const SEARCH_LIMIT = 25;

/** Patients as doctors find them: their own hospital's, and those who granted them access on the ledger. */
@Injectable()
export class PatientsService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly users: UsersRepository,
    private readonly care: CareService,
  ) {}

  /**
   * Patients of the doctor's hospital, and those whose active grant covers the doctor, by
   * any part of their name, their date of birth or their id (see patientCriterion).
   */
  async search(doctor: AuthenticatedUser, query: string): Promise<UserEntity[]> {
    const criterion = patientCriterion(query); // a 400 before the ledger is asked
    const actor = await this.identities.signingIdentity(doctor.id, doctor.hospital);
    const granting = await this.patientsWithActiveGrant(actor, doctor.id);
    return this.users.searchPatients(criterion, [doctor.hospital], [...granting], SEARCH_LIMIT);
  }

  /** The patient themself; a doctor with an active care assignment or grant; anyone else: not found. */
  async get(caller: AuthenticatedUser, patientId: string): Promise<UserEntity> {
    const patient = await this.users.findById(patientId);
    const visible =
      patient?.role === 'patient' &&
      (caller.id === patientId || (caller.role === 'doctor' && (await this.doctorMaySee(caller, patient))));
    if (!patient || !visible) throw new NotFoundError('no patient you may see has this id');
    return patient;
  }

  /** The care-team history of a patient, with the doctors' names (the patient, or an admin of their hospital). */
  async careTeam(caller: AuthenticatedUser, patientId: string) {
    const patient = await this.users.findById(patientId);
    if (!patient || patient.role !== 'patient' || (caller.role === 'admin' && patient.hospital !== caller.hospital)) {
      throw new NotFoundError('no patient you may see has this id');
    }
    const history = await this.care.historyOf(caller, patientId);
    const doctors = new Map<string, string>();
    for (const doctorId of new Set(history.map((entry) => entry.doctorId))) {
      const doctor = await this.users.findById(doctorId);
      if (doctor) doctors.set(doctorId, doctor.fullName);
    }
    return history.map((entry) => ({
      assignmentId: entry.assignmentId,
      doctorId: entry.doctorId,
      doctorName: doctors.get(entry.doctorId) ?? null,
      startedAt: entry.startedAt,
      endedAt: entry.endedAt,
    }));
  }

  /**
   * A doctor sees a patient in their care at the patient's own hospital, or under an active
   * grant that covers them. Care at another hospital (an assignment by that hospital's
   * admin) shows the patient only with the patient's care-team grant to it.
   */
  private async doctorMaySee(doctor: AuthenticatedUser, patient: UserEntity): Promise<boolean> {
    const actor = await this.identities.signingIdentity(doctor.id, doctor.hospital);
    if (doctor.hospital === patient.hospital) {
      const caring = await collectPages((bookmark) =>
        this.ledger.care.listByDoctor(actor, doctor.id, { pageSize: 100, bookmark }),
      );
      if (caring.some((entry) => entry.patientId === patient.id && entry.endedAt === null)) return true;
    }
    return (await this.patientsWithActiveGrant(actor, doctor.id)).has(patient.id);
  }

  /**
   * Patients whose active grant covers the doctor: their own, one to every doctor of their
   * hospital, or one to a care team there that they are in (the chaincode lists a doctor
   * only those care-team grants).
   */
  private async patientsWithActiveGrant(actor: LedgerIdentity, doctorId: string): Promise<Set<string>> {
    const own = await collectPages((bookmark) =>
      this.ledger.consent.listGrantsByDoctor(actor, doctorId, { pageSize: 100, bookmark }),
    );
    const hospitals = await collectPages((bookmark) =>
      this.ledger.consent.listGrantsByHospital(actor, actor.mspId, { pageSize: 100, bookmark }),
    );
    const grants = [...own, ...hospitals];
    return new Set(
      grants.filter((grant) => (grant.effectiveStatus ?? grant.status) === 'active').map((grant) => grant.patientId),
    );
  }
}
