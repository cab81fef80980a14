import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { InvalidInputError } from '../common/domain-error.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { collectPages } from '../ledger/collect-pages.js';
import { type Committed, type GrantRecord, LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import {
  DoctorNotFoundError,
  GrantEndedError,
  GrantNotFoundError,
  HospitalNotFoundError,
  ReportNotOfPatientError,
  translatingRefusals,
} from './access.errors.js';
import { committedPlace, type DoctorNames, grantedDoctorId, type GrantView, grantStatusOf } from './access-views.js';
import { daysToMinutes, type GrantKind, type GrantStatus } from './consent-terms.js';
import { DoctorNamesRepository } from './doctor-names.repository.js';
import { HospitalDirectory } from './hospital-directory.js';
import { newestFirstPage } from './newest-first-page.js';
import { DEFAULT_PURPOSE, type PurposeOfUse } from '../ledger/purpose-of-use.js';

/** Which grants a list holds: all of the caller's when nothing narrows it. */
export interface GrantFilter {
  statuses?: readonly GrantStatus[];
  kind?: GrantKind;
  patientId?: string;
  /** Grants to this doctor (not the organisation grants that may cover them). */
  doctorId?: string;
  limit: number;
  cursor?: string;
}

/** One of: a doctor (`doctorId`), every doctor of a hospital (`hospital`), the patient's care team at a hospital (`careTeamAt`). */
export interface NewGrant {
  doctorId?: string;
  hospital?: string;
  careTeamAt?: string;
  reportIds?: string[];
  purposeOfUse?: PurposeOfUse;
  durationDays?: number;
  durationMinutes?: number;
}

/**
 * A grant's length in the chaincode's minutes: `durationDays` or `durationMinutes`, never
 * both; undefined when neither is given.
 */
export function grantMinutesOf(duration: { durationDays?: number; durationMinutes?: number }): number | undefined {
  if (duration.durationDays !== undefined && duration.durationMinutes !== undefined) {
    throw new InvalidInputError('give durationDays or durationMinutes, not both', {
      details: {
        errors: [{ field: 'durationMinutes', messages: ['durationDays and durationMinutes exclude each other'] }],
      },
    });
  }
  if (duration.durationDays !== undefined) return daysToMinutes(duration.durationDays);
  return duration.durationMinutes;
}

/**
 * A grant with its status at ledger time, its grantee (a hospital by name, a doctor by id and,
 * from `doctors`, by name), and the transaction that answered it.
 */
export function viewOfGrant(
  record: GrantRecord,
  hospitals: HospitalDirectory,
  doctors: DoctorNames,
  committed?: Committed<unknown>,
): GrantView {
  const doctorId = grantedDoctorId(record);
  return {
    record,
    status: grantStatusOf(record),
    grantee:
      record.granteeKind === 'doctor' || record.granteeMspId === null
        ? { kind: 'doctor', id: doctorId ?? '' }
        : { kind: record.granteeKind, id: hospitals.nameOf(record.granteeMspId) },
    doctor: doctorId === null ? null : (doctors.get(doctorId) ?? null),
    ...(committed ? committedPlace(committed) : { txId: record.txId, blockNumber: null }),
  };
}

/** Grants as views, their doctors named in one query of the accounts. */
export async function viewsOfGrants(
  records: GrantRecord[],
  hospitals: HospitalDirectory,
  doctorNames: DoctorNamesRepository,
): Promise<GrantView[]> {
  const doctors = await doctorNames.namesOf(records.map(grantedDoctorId));
  return records.map((record) => viewOfGrant(record, hospitals, doctors));
}

/** A grant that the `committed` transaction just changed, as a view naming its doctor. */
export async function viewOfCommittedGrant(
  grant: GrantRecord,
  committed: Committed<unknown>,
  hospitals: HospitalDirectory,
  doctorNames: DoctorNamesRepository,
): Promise<GrantView> {
  const doctors = await doctorNames.namesOf([grantedDoctorId(grant)]);
  return viewOfGrant(grant, hospitals, doctors, committed);
}

/**
 * Patients' direct grants and revocations, and the grants patients gave or doctors hold.
 * Every change is signed by the patient; the chaincode decides.
 */
@Injectable()
export class GrantsService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly hospitals: HospitalDirectory,
    private readonly doctorNames: DoctorNamesRepository,
  ) {}

  /**
   * The patient grants access to some or all of their reports for a time: to one doctor,
   * to every doctor of a hospital, or to their care team at a hospital (the doctors
   * assigned to them there when they open a record).
   */
  async grant(patient: AuthenticatedUser, input: NewGrant): Promise<GrantView> {
    const durationMinutes = grantMinutesOf(input);
    if (durationMinutes === undefined) {
      throw new InvalidInputError('a grant needs durationDays or durationMinutes', {
        details: { errors: [{ field: 'durationDays', messages: ['durationDays or durationMinutes is required'] }] },
      });
    }
    const grantees = [input.doctorId, input.hospital, input.careTeamAt].filter(
      (given) => given !== undefined && given !== null,
    );
    if (grantees.length !== 1) {
      throw new InvalidInputError('name exactly one grantee: doctorId, hospital or careTeamAt', {
        details: { errors: [{ field: 'doctorId', messages: ['exactly one of doctorId, hospital, careTeamAt'] }] },
      });
    }
    const terms = {
      grantId: randomUUID(),
      reportIds: input.reportIds ?? null,
      durationMinutes,
      purposeOfUse: input.purposeOfUse ?? DEFAULT_PURPOSE,
    };
    const actor = await this.identities.signingIdentity(patient.id, patient.hospital);
    const organisation = input.hospital ?? input.careTeamAt;
    const committed = await translatingRefusals(
      () =>
        organisation === undefined
          ? this.ledger.consent.grantAccess(actor, { ...terms, doctorId: input.doctorId! })
          : this.ledger.consent.grantOrganisationAccess(actor, {
              ...terms,
              granteeKind: input.hospital !== undefined ? 'hospital' : 'care-team',
              granteeMspId: this.hospitals.mspOf(organisation),
            }),
      {
        REPORT_NOT_OF_PATIENT: () => new ReportNotOfPatientError('a report named is not one of yours'),
        NOT_FOUND: () =>
          organisation === undefined
            ? new DoctorNotFoundError('no doctor has this id')
            : new HospitalNotFoundError('no hospital of this network has this name'),
      },
    );
    return viewOfCommittedGrant(committed.result, committed, this.hospitals, this.doctorNames);
  }

  /** The patient revokes a grant; the next opening under it is refused (GRANT_REVOKED). */
  async revoke(patient: AuthenticatedUser, grantId: string): Promise<GrantView> {
    const actor = await this.identities.signingIdentity(patient.id, patient.hospital);
    const committed = await translatingRefusals(() => this.ledger.consent.revokeGrant(actor, grantId), {
      NOT_FOUND: () => new GrantNotFoundError('no grant of yours has this id'),
      FORBIDDEN: () => new GrantNotFoundError('no grant of yours has this id'),
      CONFLICT: () => new GrantEndedError('this grant has already ended (revoked or expired)'),
    });
    return viewOfCommittedGrant(committed.result, committed, this.hospitals, this.doctorNames);
  }

  /**
   * One grant, with its status at ledger time: for its patient, its doctor and those the
   * chaincode lets see it; GRANT_NOT_FOUND (404) for anyone else, as for an unknown one.
   */
  async get(caller: AuthenticatedUser, grantId: string): Promise<GrantView> {
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    const record = await translatingRefusals(() => this.ledger.consent.getGrant(actor, grantId), {
      NOT_FOUND: () => new GrantNotFoundError('no grant you may see has this id'),
      FORBIDDEN: () => new GrantNotFoundError('no grant you may see has this id'),
    });
    return (await viewsOfGrants([record], this.hospitals, this.doctorNames))[0];
  }

  /**
   * Grants the patient gave, or the doctor holds (their own, and their hospital's), newest
   * first, with their status at ledger time; narrowed to some statuses or kinds, one patient,
   * or the grants to one doctor.
   */
  async list(
    caller: AuthenticatedUser,
    filter: GrantFilter,
  ): Promise<{ items: GrantView[]; nextCursor: string | null }> {
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    const records =
      caller.role === 'patient'
        ? await collectPages((bookmark) =>
            this.ledger.consent.listGrantsByPatient(actor, caller.id, { pageSize: 100, bookmark }),
          )
        : [
            ...(await collectPages((bookmark) =>
              this.ledger.consent.listGrantsByDoctor(actor, caller.id, { pageSize: 100, bookmark }),
            )),
            // Their hospital's that cover them: to all its doctors, or to a care team there they are in
            // (the chaincode lists a doctor no other care-team grant).
            ...(await collectPages((bookmark) =>
              this.ledger.consent.listGrantsByHospital(actor, actor.mspId, { pageSize: 100, bookmark }),
            )),
          ];
    const matching = records
      .filter((record) => filter.statuses === undefined || filter.statuses.includes(grantStatusOf(record)))
      .filter((record) => filter.kind === undefined || record.kind === filter.kind)
      .filter((record) => filter.patientId === undefined || record.patientId === filter.patientId)
      .filter((record) => filter.doctorId === undefined || grantedDoctorId(record) === filter.doctorId);
    const page = newestFirstPage(
      matching,
      (record) => ({ at: record.validFrom, id: record.grantId }),
      filter.limit,
      filter.cursor,
    );
    return { items: await viewsOfGrants(page.items, this.hospitals, this.doctorNames), nextCursor: page.nextCursor };
  }
}
