import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalBytes, canonicalJson } from '../canonical-json';
import { conflict, forbidden, notFound } from '../errors';
import {
  emitEvent,
  exists,
  Page,
  putIndex,
  putRecord,
  readIndexed,
  readIndexPage,
  requireRecord,
} from '../ledger-state';
import { Participant } from '../participants/participant';
import { AuditReader, requireAuditReader, requireCaller, requireParty } from '../participants/participant-lookup';
import { transactionTime } from '../transaction-context';
import { requireMspId, requireUuid } from '../validation';
import { CARE_BY_DOCTOR, CARE_BY_HOSPITAL, CARE_BY_PATIENT, CareAssignment } from './care-assignment';
import { activeCareKey, activeCareOf, careKey } from './care-lookup';

/**
 * Care teams: which doctor treats which patient, assigned and ended by the admins of the
 * doctor's hospital, for patients of any hospital (a patient of one hospital treated at
 * another's emergency department is in that hospital's care team there).
 */
@Info({ title: 'CareContract', description: 'Care-team assignments of patients to doctors' })
export class CareContract extends LedgerContract {
  constructor() {
    super('care');
  }

  /**
   * Puts a doctor in a patient's care team from now on. Admin only: the doctor must belong
   * to the admin's hospital, the patient may be of any hospital, and the assignment is the
   * admin's hospital's (`hospitalMspId`: its admins end it, and it admits the doctor under
   * the patient's grants to that hospital's care team). It lets the doctor write for the
   * patient when it is the patient's own hospital's, or while the patient holds an active
   * grant to that hospital's care team (see RecordReport). One active assignment per pair
   * (CONFLICT). Emits `CareAssigned`. Returns the assignment.
   */
  @Transaction()
  @Returns('string')
  async AssignCare(ctx: Context, assignmentId: string, patientId: string, doctorId: string): Promise<string> {
    const admin = await requireCaller(ctx, 'assign care', ['admin']);
    requireUuid(assignmentId, 'assignmentId');
    // The patient may be of any hospital; only that they are a registered patient is checked.
    await requireParty(ctx, patientId, 'patientId', 'patient');
    const doctor = await requireParty(ctx, doctorId, 'doctorId', 'doctor');
    if (doctor.mspId !== admin.mspId) throw forbidden(`doctor ${doctorId} belongs to another hospital`);
    const key = careKey(ctx, assignmentId);
    if (await exists(ctx, key)) throw conflict(`care assignment ${assignmentId} already exists`);
    const active = await activeCareOf(ctx, patientId, doctorId);
    if (active !== null) {
      throw conflict(`doctor ${doctorId} is already in the care team of ${patientId} (${active})`);
    }
    const assignment = CareAssignment.create({
      assignmentId,
      patientId,
      doctorId,
      hospitalMspId: admin.mspId,
      assignedBy: admin.uid,
      startedAt: transactionTime(ctx),
      endedAt: null,
      endedBy: null,
      txId: ctx.stub.getTxID(),
    });
    await putRecord(ctx, key, assignment);
    await ctx.stub.putState(activeCareKey(ctx, patientId, doctorId), canonicalBytes({ assignmentId }));
    await putIndex(ctx, CARE_BY_PATIENT, [patientId, assignment.startedAt, assignmentId]);
    await putIndex(ctx, CARE_BY_DOCTOR, [doctorId, assignment.startedAt, assignmentId]);
    await putIndex(ctx, CARE_BY_HOSPITAL, [admin.mspId, assignment.startedAt, assignmentId]);
    emitEvent(ctx, 'CareAssigned', { assignmentId, patientId, doctorId }, { care: assignment });
    return canonicalJson(assignment);
  }

  /** Ends an active assignment now. Admin of the assignment's hospital only. Returns the assignment. */
  @Transaction()
  @Returns('string')
  async EndCare(ctx: Context, assignmentId: string): Promise<string> {
    const admin = await requireCaller(ctx, 'end care', ['admin']);
    const key = careKey(ctx, requireUuid(assignmentId, 'assignmentId'));
    const assignment = await requireRecord(ctx, key, CareAssignment.fromState, `care assignment ${assignmentId}`);
    if (assignment.hospitalMspId !== admin.mspId) {
      throw forbidden(`care assignment ${assignmentId} belongs to another hospital`);
    }
    if (assignment.endedAt !== null) throw conflict(`care assignment ${assignmentId} has already ended`);
    const ended = CareAssignment.create({ ...assignment, endedAt: transactionTime(ctx), endedBy: admin.uid });
    await putRecord(ctx, key, ended);
    await ctx.stub.deleteState(activeCareKey(ctx, assignment.patientId, assignment.doctorId));
    emitEvent(
      ctx,
      'CareEnded',
      { assignmentId, patientId: assignment.patientId, doctorId: assignment.doctorId },
      { care: ended },
    );
    return canonicalJson(ended);
  }

  /** One assignment, for its patient, its doctor, an admin of its hospital or an auditor; NOT_FOUND for anyone else. */
  @Transaction(false)
  @Returns('string')
  async GetCareAssignment(ctx: Context, assignmentId: string): Promise<string> {
    const caller = await requireCaller(ctx, 'read care assignments', ['doctor', 'patient', 'admin', 'auditor']);
    const key = careKey(ctx, requireUuid(assignmentId, 'assignmentId'));
    const assignment = await requireRecord(ctx, key, CareAssignment.fromState, `care assignment ${assignmentId}`);
    const visible =
      caller.role === 'auditor' ||
      (caller.role === 'admin' && caller.mspId === assignment.hospitalMspId) ||
      caller.uid === assignment.patientId ||
      caller.uid === assignment.doctorId;
    if (!visible) throw notFound(`care assignment ${assignmentId} does not exist`);
    return canonicalJson(assignment);
  }

  /**
   * A patient's care-team history, oldest first: the patient, admins of the patient's
   * hospital, auditors and the API's service identity (see requireAuditReader).
   */
  @Transaction(false)
  @Returns('string')
  async ListCareByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireAuditReader(ctx, 'list care assignments', ['patient', 'admin', 'auditor']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    requireSelfOrHospitalAdmin(caller, patient);
    return canonicalJson(await careFromIndex(ctx, CARE_BY_PATIENT, patient.uid, pageSize, bookmark));
  }

  /** A doctor's assignments, oldest first: the doctor, admins of the doctor's hospital, auditors. */
  @Transaction(false)
  @Returns('string')
  async ListCareByDoctor(ctx: Context, doctorId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list care assignments', ['doctor', 'admin', 'auditor']);
    const doctor = await requireParty(ctx, doctorId, 'doctorId', 'doctor');
    requireSelfOrHospitalAdmin(caller, doctor);
    return canonicalJson(await careFromIndex(ctx, CARE_BY_DOCTOR, doctor.uid, pageSize, bookmark));
  }

  /** Every assignment of a hospital, oldest first: that hospital's admins, auditors. */
  @Transaction(false)
  @Returns('string')
  async ListCareByHospital(ctx: Context, mspId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list care assignments', ['admin', 'auditor']);
    requireMspId(mspId, 'mspId');
    if (caller.role === 'admin' && caller.mspId !== mspId) {
      throw forbidden('an admin lists only the care assignments of their own hospital');
    }
    return canonicalJson(await careFromIndex(ctx, CARE_BY_HOSPITAL, mspId, pageSize, bookmark));
  }
}

function requireSelfOrHospitalAdmin(caller: AuditReader, subject: Participant): void {
  const allowed =
    caller.role === 'auditor' ||
    caller.uid === subject.uid ||
    (caller.role === 'admin' && caller.mspId === subject.mspId);
  if (!allowed) throw forbidden(`the care assignments of ${subject.uid} are not the caller's to list`);
}

async function careFromIndex(
  ctx: Context,
  index: string,
  owner: string,
  pageSize: string,
  bookmark: string,
): Promise<Page<CareAssignment>> {
  const page = await readIndexPage(ctx, index, [owner], pageSize, bookmark);
  const items: CareAssignment[] = [];
  for (const [, , assignmentId] of page.items) {
    items.push(await readIndexed(ctx, careKey(ctx, assignmentId), CareAssignment.fromState));
  }
  return { items, nextBookmark: page.nextBookmark };
}
