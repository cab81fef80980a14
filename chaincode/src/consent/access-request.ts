import { parseJsonObject } from '../canonical-json';
import { corruptState, invalidArgument } from '../errors';
import {
  nullable,
  requireInteger,
  requireIsoTime,
  requireMspId,
  requireOneOf,
  requireCommitmentHex,
  requireReportIds,
  requireTxId,
  requireUuid,
} from '../validation';
import { REQUEST_DAYS } from './grant';
import { LEGACY_CONSENT_PURPOSE, PurposeOfUse, requireConsentPurpose } from './purpose-of-use';

export const REQUEST_OBJECT_TYPE = 'request';
/** request~patient(patientId, requestedAt, requestId) */
export const REQUEST_BY_PATIENT = 'request~patient';
/** request~doctor(doctorId, requestedAt, requestId) */
export const REQUEST_BY_DOCTOR = 'request~doctor';

export const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * A doctor's request to open some or all of a patient's reports for a number of days, for
 * a purpose of use (any but ETREAT, which only a declared emergency carries). The reason's
 * text stays off the ledger: `reasonCommitment` is an HMAC-SHA-256 of it that the API
 * computes under a key kept off-chain (the chaincode checks only its format). The patient
 * approves (creating a grant for the same purpose) or denies; the doctor may cancel while
 * it is pending.
 */
export class AccessRequest {
  readonly requestId: string;
  readonly patientId: string;
  readonly patientMspId: string;
  readonly doctorId: string;
  readonly doctorMspId: string;
  readonly reportIds: string[] | null;
  readonly durationDays: number;
  readonly purposeOfUse: PurposeOfUse;
  readonly reasonCommitment: string;
  readonly status: RequestStatus;
  readonly requestedAt: string;
  readonly decidedAt: string | null;
  readonly grantId: string | null;
  readonly txId: string;

  private constructor(fields: AccessRequest) {
    this.requestId = fields.requestId;
    this.patientId = fields.patientId;
    this.patientMspId = fields.patientMspId;
    this.doctorId = fields.doctorId;
    this.doctorMspId = fields.doctorMspId;
    this.reportIds = fields.reportIds;
    this.durationDays = fields.durationDays;
    this.purposeOfUse = fields.purposeOfUse;
    this.reasonCommitment = fields.reasonCommitment;
    this.status = fields.status;
    this.requestedAt = fields.requestedAt;
    this.decidedAt = fields.decidedAt;
    this.grantId = fields.grantId;
    this.txId = fields.txId;
  }

  static create(fields: AccessRequest): AccessRequest {
    const request = new AccessRequest({
      requestId: requireUuid(fields.requestId, 'requestId'),
      patientId: requireUuid(fields.patientId, 'patientId'),
      patientMspId: requireMspId(fields.patientMspId, 'patientMspId'),
      doctorId: requireUuid(fields.doctorId, 'doctorId'),
      doctorMspId: requireMspId(fields.doctorMspId, 'doctorMspId'),
      reportIds: requireReportIds(fields.reportIds, 'reportIds'),
      durationDays: requireInteger(fields.durationDays, 'durationDays', REQUEST_DAYS.min, REQUEST_DAYS.max),
      purposeOfUse: requireConsentPurpose(fields.purposeOfUse, 'purposeOfUse'),
      reasonCommitment: requireCommitmentHex(fields.reasonCommitment, 'reasonCommitment'),
      status: requireOneOf(fields.status, 'status', REQUEST_STATUSES),
      requestedAt: requireIsoTime(fields.requestedAt, 'requestedAt'),
      decidedAt: nullable(fields.decidedAt, (value) => requireIsoTime(value, 'decidedAt')),
      grantId: nullable(fields.grantId, (value) => requireUuid(value, 'grantId')),
      txId: requireTxId(fields.txId, 'txId'),
    });
    if ((request.status === 'pending') !== (request.decidedAt === null)) {
      throw invalidArgument('decidedAt is set exactly when the request is no longer pending');
    }
    if ((request.status === 'approved') !== (request.grantId !== null)) {
      throw invalidArgument('grantId is set exactly when the request was approved');
    }
    return request;
  }

  /** Reads a stored request, including one written by the previous version (see withLegacyDefaults). */
  static fromState(bytes: Uint8Array): AccessRequest {
    const raw = parseJsonObject(bytes, 'access request');
    try {
      return AccessRequest.create(withLegacyDefaults(raw) as unknown as AccessRequest);
    } catch (error) {
      throw corruptState(`stored access request is invalid (${(error as Error).message})`);
    }
  }
}

/**
 * A request as the previous chaincode version wrote it, in today's terms (the chaincode is
 * upgraded in place, so such records stay on the ledger): its `reasonSha256` is read as
 * the commitment, and a request without a purpose asked for treatment (TREAT). Fields
 * under their new names win. Nothing is written back; a transaction that rewrites the
 * request stores the new shape.
 */
function withLegacyDefaults(raw: Record<string, unknown>): Record<string, unknown> {
  return {
    ...raw,
    reasonCommitment: 'reasonCommitment' in raw ? raw.reasonCommitment : raw.reasonSha256,
    purposeOfUse: 'purposeOfUse' in raw ? raw.purposeOfUse : LEGACY_CONSENT_PURPOSE,
  };
}
