import { parseJsonObject } from '../canonical-json';
import { corruptState } from '../errors';
import { nullable, requireIsoTime, requireMspId, requireTxId, requireUuid } from '../validation';

export const CARE_OBJECT_TYPE = 'care';
/** Index of assignments by patient: care~patient(patientId, startedAt, assignmentId). */
export const CARE_BY_PATIENT = 'care~patient';
/** Index of assignments by doctor: care~doctor(doctorId, startedAt, assignmentId). */
export const CARE_BY_DOCTOR = 'care~doctor';
/** Index of assignments by hospital: care~hospital(mspId, startedAt, assignmentId). */
export const CARE_BY_HOSPITAL = 'care~hospital';
/** The active assignment of a (patient, doctor) pair, if any: care~active(patientId, doctorId) → {assignmentId}. */
export const CARE_ACTIVE = 'care~active';

/** A doctor in a patient's care team, from `startedAt` until `endedAt` (null while active). */
export class CareAssignment {
  readonly assignmentId: string;
  readonly patientId: string;
  readonly doctorId: string;
  readonly hospitalMspId: string;
  readonly assignedBy: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly endedBy: string | null;
  readonly txId: string;

  private constructor(fields: CareAssignment) {
    this.assignmentId = fields.assignmentId;
    this.patientId = fields.patientId;
    this.doctorId = fields.doctorId;
    this.hospitalMspId = fields.hospitalMspId;
    this.assignedBy = fields.assignedBy;
    this.startedAt = fields.startedAt;
    this.endedAt = fields.endedAt;
    this.endedBy = fields.endedBy;
    this.txId = fields.txId;
  }

  static create(fields: CareAssignment): CareAssignment {
    return new CareAssignment({
      assignmentId: requireUuid(fields.assignmentId, 'assignmentId'),
      patientId: requireUuid(fields.patientId, 'patientId'),
      doctorId: requireUuid(fields.doctorId, 'doctorId'),
      hospitalMspId: requireMspId(fields.hospitalMspId, 'hospitalMspId'),
      assignedBy: requireUuid(fields.assignedBy, 'assignedBy'),
      startedAt: requireIsoTime(fields.startedAt, 'startedAt'),
      endedAt: nullable(fields.endedAt, (value) => requireIsoTime(value, 'endedAt')),
      endedBy: nullable(fields.endedBy, (value) => requireUuid(value, 'endedBy')),
      txId: requireTxId(fields.txId, 'txId'),
    });
  }

  static fromState(bytes: Uint8Array): CareAssignment {
    const raw = parseJsonObject(bytes, 'care assignment');
    try {
      return CareAssignment.create(raw as unknown as CareAssignment);
    } catch (error) {
      throw corruptState(`stored care assignment is invalid (${(error as Error).message})`);
    }
  }
}
