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
  ReportNotOfPatientError,
  translatingRefusals,
} from './access.errors.js';
import { type GrantView, grantStatusOf } from './access-views.js';
import { daysToMinutes } from './consent-terms.js';
import { newestFirstPage } from './newest-first-page.js';
import { DEFAULT_PURPOSE, type PurposeOfUse } from './purpose-of-use.js';

export interface NewGrant {
  doctorId: string;
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

/** A grant with its status at ledger time, and the transaction that answered it. */
export function viewOfGrant(record: GrantRecord, committed?: Committed<unknown>): GrantView {
  return {
    record,
    status: grantStatusOf(record),
    txId: committed?.transactionId ?? record.txId,
    blockNumber: committed ? committed.blockNumber.toString() : null,
  };
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
  ) {}

  /** The patient grants a doctor access to some or all of their reports for a time. */
  async grant(patient: AuthenticatedUser, input: NewGrant): Promise<GrantView> {
    const durationMinutes = grantMinutesOf(input);
    if (durationMinutes === undefined) {
      throw new InvalidInputError('a grant needs durationDays or durationMinutes', {
        details: { errors: [{ field: 'durationDays', messages: ['durationDays or durationMinutes is required'] }] },
      });
    }
    const actor = await this.identities.signingIdentity(patient.id, patient.hospital);
    const committed = await translatingRefusals(
      () =>
        this.ledger.consent.grantAccess(actor, {
          grantId: randomUUID(),
          doctorId: input.doctorId,
          reportIds: input.reportIds ?? null,
          durationMinutes,
          purposeOfUse: input.purposeOfUse ?? DEFAULT_PURPOSE,
        }),
      {
        REPORT_NOT_OF_PATIENT: () => new ReportNotOfPatientError('a report named is not one of yours'),
        NOT_FOUND: () => new DoctorNotFoundError('no doctor has this id'),
      },
    );
    return viewOfGrant(committed.result, committed);
  }

  /** The patient revokes a grant; the next opening under it is refused (GRANT_REVOKED). */
  async revoke(patient: AuthenticatedUser, grantId: string): Promise<GrantView> {
    const actor = await this.identities.signingIdentity(patient.id, patient.hospital);
    const committed = await translatingRefusals(() => this.ledger.consent.revokeGrant(actor, grantId), {
      NOT_FOUND: () => new GrantNotFoundError('no grant of yours has this id'),
      FORBIDDEN: () => new GrantNotFoundError('no grant of yours has this id'),
      CONFLICT: () => new GrantEndedError('this grant has already ended (revoked or expired)'),
    });
    return viewOfGrant(committed.result, committed);
  }

  /** Grants the patient gave, or the doctor holds, newest first, with their status at ledger time. */
  async list(
    caller: AuthenticatedUser,
    filter: { status?: string; kind?: string; limit: number; cursor?: string },
  ): Promise<{ items: GrantView[]; nextCursor: string | null }> {
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    const records = await collectPages((bookmark) =>
      caller.role === 'patient'
        ? this.ledger.consent.listGrantsByPatient(actor, caller.id, { pageSize: 100, bookmark })
        : this.ledger.consent.listGrantsByDoctor(actor, caller.id, { pageSize: 100, bookmark }),
    );
    const views = records
      .map((record) => viewOfGrant(record))
      .filter((view) => filter.status === undefined || view.status === filter.status)
      .filter((view) => filter.kind === undefined || view.record.kind === filter.kind);
    return newestFirstPage(
      views,
      (view) => ({ at: view.record.validFrom, id: view.record.grantId }),
      filter.limit,
      filter.cursor,
    );
  }
}
