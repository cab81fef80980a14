import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { RoleForbiddenError } from '../auth/auth.errors.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { collectPages } from '../ledger/collect-pages.js';
import { type AccessRequestRecord, type GranteeKind, LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import {
  AccessRequestNotFoundError,
  PatientNotFoundError,
  ReportNotOfPatientError,
  RequestNotPendingError,
  translatingRefusals,
} from './access.errors.js';
import { type AccessRequestView, committedPlace, type GrantView } from './access-views.js';
import { CONSENT_LIMITS } from './consent-terms.js';
import { ConsentStatementsRepository } from './consent-statements.repository.js';
import { DoctorNamesRepository } from './doctor-names.repository.js';
import { grantMinutesOf, viewOfCommittedGrant } from './grants.service.js';
import { HospitalDirectory } from './hospital-directory.js';
import { newestFirstPage } from './newest-first-page.js';
import { DEFAULT_PURPOSE, type PurposeOfUse } from '../ledger/purpose-of-use.js';
import { commitStatement } from './statement-commitment.js';

export interface NewRequest {
  patientId: string;
  reason: string;
  purposeOfUse?: PurposeOfUse;
  reportIds?: string[];
  durationDays?: number;
}

export interface Approval {
  /** The reports the grant covers; null: all of the patient's, including later ones; omitted: what was asked. */
  reportIds?: string[] | null;
  /** The requesting doctor (default), every doctor of their hospital, or the patient's care team there. */
  grantee?: GranteeKind;
  durationDays?: number;
  durationMinutes?: number;
}

/** Refusals of deciding a request: not the caller's (or unknown) is a 404, no longer pending a 409. */
const DECISION_REFUSALS = {
  NOT_FOUND: () => new AccessRequestNotFoundError('no access request of yours has this id'),
  FORBIDDEN: () => new AccessRequestNotFoundError('no access request of yours has this id'),
  CONFLICT: () => new RequestNotPendingError('this request was already decided or cancelled'),
};

/**
 * Doctors' requests for access and patients' answers. Every change is a ledger transaction
 * signed by the acting user; the texts (reason, denial) stay in PostgreSQL and the ledger
 * holds a keyed commitment of the reason. The chaincode decides who may do what; the service
 * only turns its refusals into the contract's errors.
 */
@Injectable()
export class AccessRequestsService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly statements: ConsentStatementsRepository,
    private readonly hospitals: HospitalDirectory,
    private readonly doctorNames: DoctorNamesRepository,
  ) {}

  /** A doctor asks a patient for access; the reason is written first, so the ledger never names a lost text. */
  async request(doctor: AuthenticatedUser, input: NewRequest): Promise<AccessRequestView> {
    const requestId = randomUUID();
    const { key, commitment } = await commitStatement(input.reason);
    const actor = await this.identities.signingIdentity(doctor.id, doctor.hospital);
    const reason = {
      subjectId: requestId,
      kind: 'request-reason' as const,
      patientId: input.patientId,
      authorId: doctor.id,
      body: input.reason,
      commitmentKey: key,
    };
    const committed = await this.statements.writtenBefore(reason, () =>
      translatingRefusals(
        () =>
          this.ledger.consent.requestAccess(actor, {
            requestId,
            patientId: input.patientId,
            reportIds: input.reportIds ?? null,
            durationDays: input.durationDays ?? CONSENT_LIMITS.defaultRequestDays,
            purposeOfUse: input.purposeOfUse ?? DEFAULT_PURPOSE,
            reasonCommitment: commitment,
          }),
        {
          REPORT_NOT_OF_PATIENT: () => new ReportNotOfPatientError("a report named is not one of this patient's"),
          NOT_FOUND: () => new PatientNotFoundError('no patient has this id'),
        },
      ),
    );
    const doctors = await this.doctorNames.namesOf([doctor.id]);
    return {
      ...committedPlace(committed),
      record: committed.result,
      reason: input.reason,
      denialReason: null,
      doctor: doctors.get(doctor.id) ?? null,
    };
  }

  /** The patient's incoming or the doctor's outgoing requests, newest first. */
  async list(
    caller: AuthenticatedUser,
    filter: { direction?: 'incoming' | 'outgoing'; status?: string; limit: number; cursor?: string },
  ): Promise<{ items: AccessRequestView[]; nextCursor: string | null }> {
    const natural = caller.role === 'patient' ? 'incoming' : 'outgoing';
    if (filter.direction !== undefined && filter.direction !== natural) {
      // A well-formed question the caller's role may not ask: refused, as another role's route is.
      throw new RoleForbiddenError(`a ${caller.role} lists ${natural} requests only`);
    }
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    const records = await collectPages((bookmark) =>
      caller.role === 'patient'
        ? this.ledger.consent.listRequestsByPatient(actor, caller.id, { pageSize: 100, bookmark })
        : this.ledger.consent.listRequestsByDoctor(actor, caller.id, { pageSize: 100, bookmark }),
    );
    const matching = records.filter((record) => filter.status === undefined || record.status === filter.status);
    const page = newestFirstPage(
      matching,
      (record) => ({ at: record.requestedAt, id: record.requestId }),
      filter.limit,
      filter.cursor,
    );
    return { items: await this.withTexts(page.items), nextCursor: page.nextCursor };
  }

  /**
   * The patient approves, choosing the reports (what was asked when none are named; all of
   * theirs, including ones added later, for null) and the duration (what was asked when omitted).
   */
  async approve(patient: AuthenticatedUser, requestId: string, approval: Approval): Promise<GrantView> {
    const actor = await this.identities.signingIdentity(patient.id, patient.hospital);
    let minutes = grantMinutesOf(approval);
    let reportIds = approval.reportIds;
    if (minutes === undefined || reportIds === undefined) {
      // What the doctor asked fills in what the patient left out (one query more).
      const asked = await this.pendingOf(actor, requestId);
      minutes ??= grantMinutesOf({ durationDays: asked.durationDays })!;
      if (reportIds === undefined) reportIds = asked.reportIds;
    }
    const committed = await translatingRefusals(
      () =>
        this.ledger.consent.approveRequest(actor, {
          requestId,
          grantId: randomUUID(),
          reportIds,
          durationMinutes: minutes,
          granteeKind: approval.grantee ?? 'doctor',
        }),
      {
        ...DECISION_REFUSALS,
        REPORT_NOT_OF_PATIENT: () => new ReportNotOfPatientError('a report named is not one of yours'),
        NOT_FOUND: () => new AccessRequestNotFoundError('no access request of yours has this id'),
      },
    );
    return viewOfCommittedGrant(committed.result.grant, committed, this.hospitals, this.doctorNames);
  }

  /** The patient denies; the reason, if given, is for the doctor and stays off the ledger. */
  async deny(patient: AuthenticatedUser, requestId: string, reason?: string): Promise<AccessRequestView> {
    const actor = await this.identities.signingIdentity(patient.id, patient.hospital);
    await this.pendingOf(actor, requestId);
    const denial = reason
      ? {
          subjectId: requestId,
          kind: 'denial-reason' as const,
          patientId: patient.id,
          authorId: patient.id,
          body: reason,
          commitmentKey: null,
        }
      : null;
    const committed = await this.statements.writtenBefore(denial, () =>
      translatingRefusals(() => this.ledger.consent.denyRequest(actor, requestId), DECISION_REFUSALS),
    );
    const [view] = await this.withTexts([committed.result]);
    return { ...view, ...committedPlace(committed) };
  }

  /** The requesting doctor withdraws a pending request. */
  async cancel(doctor: AuthenticatedUser, requestId: string): Promise<AccessRequestView> {
    const actor = await this.identities.signingIdentity(doctor.id, doctor.hospital);
    const committed = await translatingRefusals(
      () => this.ledger.consent.cancelRequest(actor, requestId),
      DECISION_REFUSALS,
    );
    const [view] = await this.withTexts([committed.result]);
    return { ...view, ...committedPlace(committed) };
  }

  /** The request as the caller may see it, still pending; the chaincode checks all of it again when deciding. */
  private async pendingOf(
    actor: Parameters<LedgerPort['consent']['getRequest']>[0],
    requestId: string,
  ): Promise<AccessRequestRecord> {
    const request = await translatingRefusals(() => this.ledger.consent.getRequest(actor, requestId), {
      NOT_FOUND: () => new AccessRequestNotFoundError('no access request of yours has this id'),
    });
    if (request.status !== 'pending') throw new RequestNotPendingError(`this request is already ${request.status}`);
    return request;
  }

  /** The requests with their texts and their doctors' names: one query each for the whole page. */
  private async withTexts(records: AccessRequestRecord[]): Promise<AccessRequestView[]> {
    const [texts, doctors] = await Promise.all([
      this.statements.bodiesOf(records.map((record) => record.requestId)),
      this.doctorNames.namesOf(records.map((record) => record.doctorId)),
    ]);
    return records.map((record) => ({
      record,
      txId: record.txId,
      blockNumber: null,
      reason: texts.get(record.requestId)?.['request-reason'] ?? null,
      // Shown once the request is denied: a text whose denial did not commit is not a reason.
      denialReason: record.status === 'denied' ? (texts.get(record.requestId)?.['denial-reason'] ?? null) : null,
      doctor: doctors.get(record.doctorId) ?? null,
    }));
  }
}
