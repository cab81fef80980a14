import { parseJsonObject } from '../canonical-json';
import { corruptState, invalidArgument } from '../errors';
import {
  nullable,
  requireBoolean,
  requireCommitmentHex,
  requireIsoTime,
  requireMspId,
  requireOneOf,
  requireReportIds,
  requireTxId,
  requireUuid,
} from '../validation';
import { EMERGENCY_PURPOSE, LEGACY_CONSENT_PURPOSE, PurposeOfUse, requirePurposeOfUse } from './purpose-of-use';

export const GRANT_OBJECT_TYPE = 'grant';
/** grant~patient(patientId, validFrom, grantId) */
export const GRANT_BY_PATIENT = 'grant~patient';
/** grant~doctor(doctorId, validFrom, grantId) */
export const GRANT_BY_DOCTOR = 'grant~doctor';
/**
 * grant~pair(patientId, doctorId, grantId) → a copy of the grant, rewritten with it. What
 * the grant readers scan (one range read, which the peer re-runs at validation) for a
 * patient whose grants are not listed yet (see GRANT_LISTED), and what the first grant
 * write after that lists them from; written still for every grant, so that the lists can
 * always be rebuilt from them and a chaincode version before the lists reads them.
 */
export const GRANT_BY_PAIR = 'grant~pair';
/**
 * grant~org(patientId, granteeMspId, grantId) → a copy of a grant to a hospital or a care
 * team, rewritten with it: the same for the patient's grants to one hospital as
 * GRANT_BY_PAIR for a pair's.
 */
export const GRANT_BY_ORGANISATION = 'grant~org';
/**
 * grant~pairlist(patientId, doctorId) → every grant the patient gave the doctor, consent
 * and emergency, as a canonical JSON array in grant ID order: exactly what a range read of
 * the pair's copies (GRANT_BY_PAIR) answers, in one point read. Every write of a grant to
 * the doctor rewrites it in the same transaction, so a transaction that read it and a
 * grant change committed after its endorsement conflict (MVCC) at validation, as a range
 * read and a new copy in it would (phantom read), without a range to re-run.
 */
export const GRANT_PAIR_LIST = 'grant~pairlist';
/**
 * grant~orglist(patientId, granteeMspId) → every grant the patient gave the hospital as a
 * whole or its care team, as GRANT_PAIR_LIST lists a pair's (a range read of GRANT_BY_ORGANISATION).
 */
export const GRANT_ORGANISATION_LIST = 'grant~orglist';
/**
 * grant~listed(patientId) → `{patientId, txId}`: every grant of the patient is in the
 * lists (GRANT_PAIR_LIST, GRANT_ORGANISATION_LIST), so a list that is absent is empty.
 * Written, never to change, by the patient's first grant write since the lists exist,
 * which lists every grant of the patient from the copies. Without it (a patient whose
 * grants were all written before), the readers scan the copies as they did before.
 */
export const GRANT_LISTED = 'grant~listed';
/** grant~hospital(granteeMspId, validFrom, grantId): grants to a hospital or a care team, by that hospital. */
export const GRANT_BY_HOSPITAL = 'grant~hospital';
/** grant~emergency(validFrom, grantId): break-glass grants, for auditors. */
export const GRANT_EMERGENCY = 'grant~emergency';

export const GRANT_KINDS = ['consent', 'emergency'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];
/**
 * Who a grant lets in: one `doctor`; every doctor of a `hospital`; or the `care-team` of
 * a hospital, that is the doctors that hospital has assigned to the patient at the time
 * of each opening (see grant-coverage).
 */
export const GRANTEE_KINDS = ['doctor', 'hospital', 'care-team'] as const;
export type GranteeKind = (typeof GRANTEE_KINDS)[number];
/** The grantee kinds that name a hospital rather than a doctor. */
export const ORGANISATION_GRANTEE_KINDS = ['hospital', 'care-team'] as const;
export type OrganisationGranteeKind = (typeof ORGANISATION_GRANTEE_KINDS)[number];
export const GRANT_STATUSES = ['active', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];
/** An auditor's finding on an emergency grant; the auditor's note stays off-chain. */
export const REVIEW_OUTCOMES = ['appropriate', 'inappropriate'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

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
 * A patient's permission for a grantee to open some (`reportIds`) or all (`null`) of the
 * patient's reports, for a purpose of use, from `validFrom` until just before `expiresAt`.
 * The grantee (`granteeKind`) is one doctor (`doctorId`, `doctorMspId`; `granteeMspId`
 * null), or a hospital as a whole or its care team of the patient (`granteeMspId`;
 * `doctorId` and `doctorMspId` null). Consent grants come from the patient (directly or by
 * approving a request, whose purpose they take) and never have the purpose ETREAT.
 * Emergency grants are declared by the doctor (break glass) and go to that doctor only,
 * always have the purpose ETREAT, carry `justificationCommitment` (an HMAC-SHA-256 of the
 * justification's text under a key kept off-chain; the chaincode checks only its format)
 * and wait for an auditor's review: `reviewed` with, for reviews since outcomes were
 * recorded, `reviewOutcome`. `status` records revocation only; expiry follows from the
 * time (see grant-rules).
 */
export class Grant {
  readonly grantId: string;
  readonly kind: GrantKind;
  readonly patientId: string;
  readonly patientMspId: string;
  readonly granteeKind: GranteeKind;
  /** The doctor of a grant to a doctor; null for a hospital or a care team. */
  readonly doctorId: string | null;
  readonly doctorMspId: string | null;
  /** The hospital of a grant to a hospital or a care team; null for a grant to a doctor. */
  readonly granteeMspId: string | null;
  readonly reportIds: string[] | null;
  readonly purposeOfUse: PurposeOfUse;
  readonly validFrom: string;
  readonly expiresAt: string;
  readonly status: GrantStatus;
  readonly revokedAt: string | null;
  readonly requestId: string | null;
  readonly justificationCommitment: string | null;
  readonly reviewed: boolean | null;
  /** Null until reviewed, and for a review recorded before outcomes were. */
  readonly reviewOutcome: ReviewOutcome | null;
  readonly reviewedBy: string | null;
  readonly reviewedAt: string | null;
  readonly txId: string;

  private constructor(fields: Grant) {
    this.grantId = fields.grantId;
    this.kind = fields.kind;
    this.patientId = fields.patientId;
    this.patientMspId = fields.patientMspId;
    this.granteeKind = fields.granteeKind;
    this.doctorId = fields.doctorId;
    this.doctorMspId = fields.doctorMspId;
    this.granteeMspId = fields.granteeMspId;
    this.reportIds = fields.reportIds;
    this.purposeOfUse = fields.purposeOfUse;
    this.validFrom = fields.validFrom;
    this.expiresAt = fields.expiresAt;
    this.status = fields.status;
    this.revokedAt = fields.revokedAt;
    this.requestId = fields.requestId;
    this.justificationCommitment = fields.justificationCommitment;
    this.reviewed = fields.reviewed;
    this.reviewOutcome = fields.reviewOutcome;
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
      granteeKind: requireOneOf(fields.granteeKind, 'granteeKind', GRANTEE_KINDS),
      doctorId: nullable(fields.doctorId, (value) => requireUuid(value, 'doctorId')),
      doctorMspId: nullable(fields.doctorMspId, (value) => requireMspId(value, 'doctorMspId')),
      granteeMspId: nullable(fields.granteeMspId, (value) => requireMspId(value, 'granteeMspId')),
      reportIds: requireReportIds(fields.reportIds, 'reportIds'),
      purposeOfUse: requirePurposeOfUse(fields.purposeOfUse, 'purposeOfUse'),
      validFrom: requireIsoTime(fields.validFrom, 'validFrom'),
      expiresAt: requireIsoTime(fields.expiresAt, 'expiresAt'),
      status: requireOneOf(fields.status, 'status', GRANT_STATUSES),
      revokedAt: nullable(fields.revokedAt, (value) => requireIsoTime(value, 'revokedAt')),
      requestId: nullable(fields.requestId, (value) => requireUuid(value, 'requestId')),
      justificationCommitment: nullable(fields.justificationCommitment, (value) =>
        requireCommitmentHex(value, 'justificationCommitment'),
      ),
      reviewed: nullable(fields.reviewed, (value) => requireBoolean(value, 'reviewed')),
      reviewOutcome: nullable(fields.reviewOutcome, (value) => requireOneOf(value, 'reviewOutcome', REVIEW_OUTCOMES)),
      reviewedBy: nullable(fields.reviewedBy, (value) => requireUuid(value, 'reviewedBy')),
      reviewedAt: nullable(fields.reviewedAt, (value) => requireIsoTime(value, 'reviewedAt')),
      txId: requireTxId(fields.txId, 'txId'),
    });
    checkTerms(grant);
    return grant;
  }

  /** Reads a stored grant, including one written by the previous version (see withLegacyDefaults). */
  static fromState(bytes: Uint8Array): Grant {
    return fromStored(parseJsonObject(bytes, 'grant'));
  }

  /**
   * Reads a stored list of grants (GRANT_PAIR_LIST, GRANT_ORGANISATION_LIST): a JSON array
   * of grants, each read as fromState reads one.
   */
  static listFromState(bytes: Uint8Array): Grant[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw corruptState('grant list is not valid JSON');
    }
    if (!Array.isArray(parsed)) throw corruptState('grant list is not a JSON array');
    return parsed.map((raw: unknown) => {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
        throw corruptState('grant list holds something other than a grant');
      }
      return fromStored(raw as Record<string, unknown>);
    });
  }
}

function fromStored(raw: Record<string, unknown>): Grant {
  try {
    return Grant.create(withLegacyDefaults(raw) as unknown as Grant);
  } catch (error) {
    throw corruptState(`stored grant is invalid (${(error as Error).message})`);
  }
}

/**
 * A grant as an earlier chaincode version wrote it, in today's terms (the chaincode is
 * upgraded in place, so such records stay on the ledger, under the grant's key and under
 * the pair). Before grantees other than doctors, every grant went to one doctor: a grant
 * without `granteeKind` is a grant to a doctor, without `granteeMspId`. Before purposes
 * and keyed commitments, its `justificationSha256` is read as the commitment; a grant
 * without a purpose is for emergency treatment (ETREAT) when it is an emergency grant and
 * for treatment (TREAT) otherwise; and it has no review outcome, even when reviewed (that
 * version recorded none). Fields under their new names win. Nothing is written back; a
 * transaction that rewrites the grant (revocation, review) stores the new shape, and the
 * grant lists (GRANT_PAIR_LIST) hold every grant, even one never rewritten, in it.
 */
function withLegacyDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  const legacyPurpose = raw.kind === 'emergency' ? EMERGENCY_PURPOSE : LEGACY_CONSENT_PURPOSE;
  return {
    ...raw,
    granteeKind: 'granteeKind' in raw ? raw.granteeKind : 'doctor',
    granteeMspId: 'granteeMspId' in raw ? raw.granteeMspId : null,
    justificationCommitment: 'justificationCommitment' in raw ? raw.justificationCommitment : raw.justificationSha256,
    purposeOfUse: 'purposeOfUse' in raw ? raw.purposeOfUse : legacyPurpose,
    reviewOutcome: 'reviewOutcome' in raw ? raw.reviewOutcome : null,
  };
}

/** Who a grant lets in, with the fields of its kind (which checkTerms guarantees) typed. */
export type Grantee =
  { kind: 'doctor'; doctorId: string; mspId: string } | { kind: OrganisationGranteeKind; mspId: string };

export function granteeOf(grant: Grant): Grantee {
  if (grant.granteeKind === 'doctor') {
    if (grant.doctorId !== null && grant.doctorMspId !== null) {
      return { kind: 'doctor', doctorId: grant.doctorId, mspId: grant.doctorMspId };
    }
  } else if (grant.granteeMspId !== null) {
    return { kind: grant.granteeKind, mspId: grant.granteeMspId };
  }
  // Unreachable for a grant built by Grant.create.
  throw corruptState(`grant ${grant.grantId} does not name its grantee`);
}

/** The rules that tie a grant's fields together, so that no inconsistent grant is ever stored or read. */
function checkTerms(grant: Grant): void {
  const duration = Date.parse(grant.expiresAt) - Date.parse(grant.validFrom);
  if ((grant.status === 'revoked') !== (grant.revokedAt !== null)) {
    throw invalidArgument('revokedAt is set exactly when the grant is revoked');
  }
  checkGrantee(grant);
  if ((grant.kind === 'emergency') !== (grant.purposeOfUse === EMERGENCY_PURPOSE)) {
    throw invalidArgument(`the purpose of use is ${EMERGENCY_PURPOSE} exactly when the grant is an emergency grant`);
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
    if (
      grant.justificationCommitment !== null ||
      grant.reviewed !== null ||
      grant.reviewOutcome !== null ||
      grant.reviewedBy !== null ||
      grant.reviewedAt !== null
    ) {
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
    if (grant.justificationCommitment === null || grant.reviewed === null || grant.reportIds !== null) {
      throw invalidArgument('an emergency grant covers all reports and has a justification and a review flag');
    }
    if (grant.reviewed !== (grant.reviewedBy !== null) || grant.reviewed !== (grant.reviewedAt !== null)) {
      throw invalidArgument('reviewedBy and reviewedAt are set exactly when the grant was reviewed');
    }
    if (grant.reviewOutcome !== null && !grant.reviewed) {
      throw invalidArgument('only a reviewed emergency grant has a review outcome');
    }
  }
}

/** Exactly the fields of the grantee's kind: a doctor and their hospital, or a hospital alone. */
function checkGrantee(grant: Grant): void {
  if (grant.granteeKind === 'doctor') {
    if (grant.doctorId === null || grant.doctorMspId === null || grant.granteeMspId !== null) {
      throw invalidArgument(
        'a grant to a doctor names the doctor and their hospital (doctorId, doctorMspId) and no granteeMspId',
      );
    }
    return;
  }
  if (grant.doctorId !== null || grant.doctorMspId !== null || grant.granteeMspId === null) {
    throw invalidArgument(`a grant to a ${grant.granteeKind} names its hospital (granteeMspId) and no doctor`);
  }
  if (grant.kind !== 'consent') throw invalidArgument('only consent grants go to a hospital or a care team');
}
