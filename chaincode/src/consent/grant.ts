import { parseJsonObject } from '../canonical-json';
import { corruptState, invalidArgument } from '../errors';
import {
  nullable,
  requireBoolean,
  requireIsoTime,
  requireMspId,
  requireOneOf,
  requireReportIds,
  requireSha256Hex,
  requireTxId,
  requireUuid,
} from '../validation';

export const GRANT_OBJECT_TYPE = 'grant';
/** grant~patient(patientId, validFrom, grantId) */
export const GRANT_BY_PATIENT = 'grant~patient';
/** grant~doctor(doctorId, validFrom, grantId) */
export const GRANT_BY_DOCTOR = 'grant~doctor';
/**
 * grant~pair(patientId, doctorId, grantId) → a copy of the grant, rewritten with it: what
 * AccessReport and RecordReport scan, in one range read. The peer re-checks the range at
 * validation, so a revocation committed after such a check invalidates the transaction.
 */
export const GRANT_BY_PAIR = 'grant~pair';
/** grant~emergency(validFrom, grantId): break-glass grants, for auditors. */
export const GRANT_EMERGENCY = 'grant~emergency';

export const GRANT_KINDS = ['consent', 'emergency'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];
export const GRANT_STATUSES = ['active', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
/**
 * A consent grant lasts whole minutes, from 5 minutes (a consultation) to 365 days. The
 * ledger keeps the patient's terms to the minute; the REST API offers whole days.
 */
export const GRANT_MINUTES = { min: 5, max: 365 * 24 * 60 } as const;
/** A doctor asks for access for whole days, from 1 to 365. */
export const REQUEST_DAYS = { min: 1, max: 365 } as const;
/** An emergency grant lasts whole hours, from 1 to 24. */
export const EMERGENCY_HOURS = { min: 1, max: 24 } as const;

/**
 * A patient's permission for a doctor to open some (`reportIds`) or all (`null`) of the
 * patient's reports, from `validFrom` until just before `expiresAt`. Consent grants come
 * from the patient (directly or by approving a request); emergency grants are declared by
 * the doctor (break glass), carry the hash of the justification and wait for an auditor's
 * review. `status` records revocation only; expiry follows from the time (see grant-rules).
 */
export class Grant {
  readonly grantId: string;
  readonly kind: GrantKind;
  readonly patientId: string;
  readonly patientMspId: string;
  readonly doctorId: string;
  readonly doctorMspId: string;
  readonly reportIds: string[] | null;
  readonly validFrom: string;
  readonly expiresAt: string;
  readonly status: GrantStatus;
  readonly revokedAt: string | null;
  readonly requestId: string | null;
  readonly justificationSha256: string | null;
  readonly reviewed: boolean | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly txId: string;

  private constructor(fields: Grant) {
    this.grantId = fields.grantId;
    this.kind = fields.kind;
    this.patientId = fields.patientId;
    this.patientMspId = fields.patientMspId;
    this.doctorId = fields.doctorId;
    this.doctorMspId = fields.doctorMspId;
    this.reportIds = fields.reportIds;
    this.validFrom = fields.validFrom;
    this.expiresAt = fields.expiresAt;
    this.status = fields.status;
    this.revokedAt = fields.revokedAt;
    this.requestId = fields.requestId;
    this.justificationSha256 = fields.justificationSha256;
    this.reviewed = fields.reviewed;
    this.reviewedBy = fields.reviewedBy;
    this.reviewedAt = fields.reviewedAt;
    this.txId = fields.txId;
  }

  static create(fields: Grant): Grant {
    const grant = new Grant({
      grantId: requireUuid(fields.grantId, 'grantId'),
      kind: requireOneOf(fields.kind, 'kind', GRANT_KINDS),
      patientId: requireUuid(fields.patientId, 'patientId'),
      patientMspId: requireMspId(fields.patientMspId, 'patientMspId'),
      doctorId: requireUuid(fields.doctorId, 'doctorId'),
      doctorMspId: requireMspId(fields.doctorMspId, 'doctorMspId'),
      reportIds: requireReportIds(fields.reportIds, 'reportIds'),
      validFrom: requireIsoTime(fields.validFrom, 'validFrom'),
      expiresAt: requireIsoTime(fields.expiresAt, 'expiresAt'),
      status: requireOneOf(fields.status, 'status', GRANT_STATUSES),
      revokedAt: nullable(fields.revokedAt, (value) => requireIsoTime(value, 'revokedAt')),
      requestId: nullable(fields.requestId, (value) => requireUuid(value, 'requestId')),
      justificationSha256: nullable(fields.justificationSha256, (v) => requireSha256Hex(v, 'justificationSha256')),
      reviewed: nullable(fields.reviewed, (value) => requireBoolean(value, 'reviewed')),
      reviewedBy: nullable(fields.reviewedBy, (value) => requireUuid(value, 'reviewedBy')),
      reviewedAt: nullable(fields.reviewedAt, (value) => requireIsoTime(value, 'reviewedAt')),
      txId: requireTxId(fields.txId, 'txId'),
    });
    checkTerms(grant);
    return grant;
  }

  static fromState(bytes: Uint8Array): Grant {
    const raw = parseJsonObject(bytes, 'grant');
    try {
      return Grant.create(raw as unknown as Grant);
    } catch (error) {
      throw corruptState(`stored grant is invalid (${(error as Error).message})`);
    }
  }
}

/** The rules that tie a grant's fields together, so that no inconsistent grant is ever stored or read. */
function checkTerms(grant: Grant): void {
  const duration = Date.parse(grant.expiresAt) - Date.parse(grant.validFrom);
  if ((grant.status === 'revoked') !== (grant.revokedAt !== null)) {
    throw invalidArgument('revokedAt is set exactly when the grant is revoked');
  }
  if (grant.kind === 'consent') {
    if (
      duration % MINUTE_MS !== 0 ||
      duration < GRANT_MINUTES.min * MINUTE_MS ||
      duration > GRANT_MINUTES.max * MINUTE_MS
    ) {
      throw invalidArgument(
        `a consent grant lasts ${GRANT_MINUTES.min} to ${GRANT_MINUTES.max} whole minutes (365 days)`,
      );
    }
    if (grant.justificationSha256 !== null || grant.reviewed !== null || grant.reviewedBy !== null) {
      throw invalidArgument('a consent grant has no justification and no review');
    }
  } else {
    if (
      duration % HOUR_MS !== 0 ||
      duration < EMERGENCY_HOURS.min * HOUR_MS ||
      duration > EMERGENCY_HOURS.max * HOUR_MS
    ) {
      throw invalidArgument(`an emergency grant lasts ${EMERGENCY_HOURS.min} to ${EMERGENCY_HOURS.max} whole hours`);
    }
    if (grant.justificationSha256 === null || grant.reviewed === null || grant.reportIds !== null) {
      throw invalidArgument('an emergency grant covers all reports and has a justification and a review flag');
    }
    if (grant.reviewed !== (grant.reviewedBy !== null) || grant.reviewed !== (grant.reviewedAt !== null)) {
      throw invalidArgument('reviewedBy and reviewedAt are set exactly when the grant was reviewed');
    }
  }
}
