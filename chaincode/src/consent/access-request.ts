import { parseJsonObject } from '../canonical-json';
import { corruptState, invalidArgument } from '../errors';
import {
  nullable,
  requireInteger,
  requireIsoTime,
  requireMspId,
  requireOneOf,
  requireReportIds,
  requireSha256Hex,
  requireTxId,
  requireUuid,
} from '../validation';
import { REQUEST_DAYS } from './grant';

export const REQUEST_OBJECT_TYPE = 'request';
/** request~patient(patientId, requestedAt, requestId) */
export const REQUEST_BY_PATIENT = 'request~patient';
/** request~doctor(doctorId, requestedAt, requestId) */
export const REQUEST_BY_DOCTOR = 'request~doctor';

export const REQUEST_STATUSES = ['pending', 'approved', 'denied', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/**
 * A doctor's request to open some or all of a patient's reports for a number of days.
 * The reason's text stays off the ledger; only its SHA-256 is recorded. The patient
 * approves (creating a grant) or denies; the doctor may cancel while it is pending.
 */
export class AccessRequest {
  readonly requestId: string;
  readonly patientId: string;
  readonly patientMspId: string;
  readonly doctorId: string;
  readonly doctorMspId: string;
  readonly reportIds: string[] | null;
  readonly durationDays: number;
  readonly reasonSha256: string;
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
    this.reasonSha256 = fields.reasonSha256;
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
      reasonSha256: requireSha256Hex(fields.reasonSha256, 'reasonSha256'),
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

  static fromState(bytes: Uint8Array): AccessRequest {
    const raw = parseJsonObject(bytes, 'access request');
    try {
      return AccessRequest.create(raw as unknown as AccessRequest);
    } catch (error) {
      throw corruptState(`stored access request is invalid (${(error as Error).message})`);
    }
  }
}
