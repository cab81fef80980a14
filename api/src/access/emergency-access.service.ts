import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { AppConfig } from '../config/app-config.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { collectPages } from '../ledger/collect-pages.js';
import { type GrantRecord, LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import {
  EmergencyActiveError,
  EmergencyReviewedError,
  GrantNotFoundError,
  PatientNotFoundError,
  translatingRefusals,
} from './access.errors.js';
import { committedPlace, type EmergencyView } from './access-views.js';
import { ConsentStatementsRepository } from './consent-statements.repository.js';
import { DoctorNamesRepository } from './doctor-names.repository.js';
import { viewOfCommittedGrant, viewsOfGrants } from './grants.service.js';
import { HospitalDirectory } from './hospital-directory.js';
import { newestFirstPage } from './newest-first-page.js';
import { commitStatement } from './statement-commitment.js';

/**
 * Break-glass access: a doctor opens all of a patient's records for a few hours on a
 * justification (kept off the ledger, a keyed commitment on it); the ledger notifies the
 * patient through its event, and the grant waits on the auditors' unreviewed list until an
 * auditor of a hospital it involves records an outcome.
 */
@Injectable()
export class EmergencyAccessService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
    private readonly statements: ConsentStatementsRepository,
    private readonly config: AppConfig,
    private readonly hospitals: HospitalDirectory,
    private readonly doctorNames: DoctorNamesRepository,
  ) {}

  async declare(
    doctor: AuthenticatedUser,
    input: { patientId: string; justification: string; durationHours?: number },
  ): Promise<EmergencyView> {
    const grantId = randomUUID();
    const hours = Math.min(input.durationHours ?? this.config.EMERGENCY_MAX_HOURS, this.config.EMERGENCY_MAX_HOURS);
    const { key, commitment } = await commitStatement(input.justification);
    const actor = await this.identities.signingIdentity(doctor.id, doctor.hospital);
    const statement = {
      subjectId: grantId,
      kind: 'emergency-justification' as const,
      patientId: input.patientId,
      authorId: doctor.id,
      body: input.justification,
      commitmentKey: key,
    };
    const committed = await this.statements.writtenBefore(statement, () =>
      translatingRefusals(
        () =>
          this.ledger.consent.declareEmergency(actor, {
            grantId,
            patientId: input.patientId,
            justificationCommitment: commitment,
            hours,
          }),
        {
          NOT_FOUND: () => new PatientNotFoundError('no patient has this id'),
          EMERGENCY_ACTIVE: () =>
            new EmergencyActiveError('you already hold an active emergency access to this patient'),
        },
      ),
    );
    return {
      ...(await viewOfCommittedGrant(committed.result, committed, this.hospitals, this.doctorNames)),
      justification: input.justification,
      reviewNote: null,
    };
  }

  /**
   * Emergency grants that involve the auditor's hospital (its patient or its doctor: the
   * chaincode lists no others to an auditor), newest first.
   */
  async list(
    auditor: AuthenticatedUser,
    filter: { reviewed?: boolean; limit: number; cursor?: string },
  ): Promise<{ items: EmergencyView[]; nextCursor: string | null }> {
    const actor = await this.identities.signingIdentity(auditor.id, auditor.hospital);
    const records = await collectPages((bookmark) =>
      this.ledger.consent.listEmergencyGrants(actor, { pageSize: 100, bookmark }),
    );
    const matching = records.filter(
      (record) => filter.reviewed === undefined || Boolean(record.reviewed) === filter.reviewed,
    );
    const page = newestFirstPage(
      matching,
      (record) => ({ at: record.validFrom, id: record.grantId }),
      filter.limit,
      filter.cursor,
    );
    return { items: await this.withTexts(page.items), nextCursor: page.nextCursor };
  }

  /** An auditor of a hospital the emergency involves closes its review; the note stays off the ledger. */
  async review(
    auditor: AuthenticatedUser,
    grantId: string,
    review: { outcome: 'appropriate' | 'inappropriate'; note?: string },
  ): Promise<EmergencyView> {
    const actor = await this.identities.signingIdentity(auditor.id, auditor.hospital);
    const grant = await translatingRefusals(() => this.ledger.consent.getGrant(actor, grantId), {
      NOT_FOUND: () => new GrantNotFoundError('no emergency grant of your hospital has this id'),
    });
    // The chaincode shows an auditor only grants that involve their hospital, and checks it again when reviewing.
    if (grant.kind !== 'emergency') throw new GrantNotFoundError('no emergency grant of your hospital has this id');
    if (grant.reviewed) throw new EmergencyReviewedError('this emergency access was already reviewed');
    const note = review.note
      ? {
          subjectId: grantId,
          kind: 'review-note' as const,
          patientId: grant.patientId,
          authorId: auditor.id,
          body: review.note,
          commitmentKey: null,
        }
      : null;
    const committed = await this.statements.writtenBefore(note, () =>
      translatingRefusals(() => this.ledger.consent.reviewEmergency(actor, grantId, review.outcome), {
        NOT_FOUND: () => new GrantNotFoundError('no emergency grant of your hospital has this id'),
        FORBIDDEN: () => new GrantNotFoundError('no emergency grant of your hospital has this id'),
        CONFLICT: () => new EmergencyReviewedError('this emergency access was already reviewed'),
      }),
    );
    const [view] = await this.withTexts([committed.result]);
    return { ...view, ...committedPlace(committed) };
  }

  /** The grants with their texts and their doctors' names: one query each for the whole page. */
  private async withTexts(records: GrantRecord[]): Promise<EmergencyView[]> {
    const [texts, views] = await Promise.all([
      this.statements.bodiesOf(records.map((record) => record.grantId)),
      viewsOfGrants(records, this.hospitals, this.doctorNames),
    ]);
    return views.map((view) => ({
      ...view,
      justification: texts.get(view.record.grantId)?.['emergency-justification'] ?? null,
      reviewNote: texts.get(view.record.grantId)?.['review-note'] ?? null,
    }));
  }
}
