import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalJson, parseJsonObject } from '../canonical-json';
import { activeCareKey, activeCareOf } from '../care/care-lookup';
import { requireCid } from '../cid';
import { grantsApplyingTo, requireOpeningGrant } from '../consent/grant-coverage';
import { GranteeKind } from '../consent/grant';
import {
  grantCovers,
  grantsOfOrganisation,
  grantsOfPair,
  grantStateAt,
  requireActiveGrant,
} from '../consent/grant-rules';
import { requireNotErased } from '../erasure/erasure-lookup';
import { ChaincodeError, conflict, forbidden, GrantEndedError, notFound } from '../errors';
import {
  emitEvent,
  Page,
  putIndex,
  putRecord,
  readIndexed,
  readIndexPage,
  readRecord,
  requireRecord,
} from '../ledger-state';
import { Participant, Role, ROLES } from '../participants/participant';
import { participantKey, requireAuditReader, requireCaller, requireParty } from '../participants/participant-lookup';
import { StateBatch } from '../peer-batching';
import { callerOf, transactionTime } from '../transaction-context';
import {
  isUuid,
  requireCommitmentHex,
  requireIntegerText,
  requireOneOf,
  requireSha256Hex,
  requireUuid,
} from '../validation';
import { PurposeOfUse } from '../consent/purpose-of-use';
import {
  AccessBasis,
  AccessReceipt,
  PURPOSE_WITHOUT_GRANT,
  RECEIPT_BY_PATIENT,
  RECEIPT_BY_READER,
  RECEIPT_BY_REPORT,
} from './access-receipt';
import {
  ENCRYPTION_SCHEMES,
  Report,
  REPORT_BY_AUTHOR,
  REPORT_BY_PATIENT,
  REPORT_OBJECT_TYPE,
  REPORT_SIZE,
  REPORT_TYPES,
} from './report';
import {
  AccessRefusal,
  REFUSAL_BY_PATIENT,
  REFUSAL_BY_READER,
  REFUSAL_BY_REPORT,
  REFUSAL_CODES,
  RefusalCode,
} from './access-refusal';
import { receiptKey, refusalKey, reportKey } from './report-lookup';
import { ReportVoid } from './report-void';

/**
 * Medical records: recorded by doctors, and by patients for themselves; opened (with a
 * receipt) by whoever the rules allow.
 */
@Info({ title: 'ReportsContract', description: 'Reports, their content digests and every opening of their content' })
export class ReportsContract extends LedgerContract {
  constructor() {
    super('reports');
  }

  /**
   * Records a report: written by the calling doctor for a patient under their active care
   * assignment (one made by the patient's own hospital, or by another hospital while the
   * patient holds an active grant to that hospital's care team) or an active grant of the
   * patient to that doctor (a grant to a hospital or a care team is for reading only); or
   * brought by the calling patient, for themself only (`patientId` their own uid,
   * FORBIDDEN otherwise), on the basis `self`. The report's `authorRole` is the caller's
   * role. A report ID is recorded once (CONFLICT after), and never by a caller who voided
   * it (CONFLICT; another's void mark is replaced, see VoidReport); nothing is recorded
   * for an erased patient (CONFLICT). `size` is the ciphertext's byte count, as a decimal
   * string. Emits `ReportRecorded`. Returns the report.
   */
  @Transaction()
  @Returns('string')
  async RecordReport(
    ctx: Context,
    reportId: string,
    patientId: string,
    type: string,
    cid: string,
    ciphertextSha256: string,
    plaintextCommitment: string,
    size: string,
    encryptionScheme: string,
  ): Promise<string> {
    await StateBatch.prefetch(ctx, recordReportReads(ctx, reportId, patientId));
    const author = await requireCaller(ctx, 'record reports', ['doctor', 'patient']);
    requireUuid(reportId, 'reportId');
    const fields = {
      type: requireOneOf(type, 'type', REPORT_TYPES),
      cid: requireCid(cid, 'cid'),
      ciphertextSha256: requireSha256Hex(ciphertextSha256, 'ciphertextSha256'),
      plaintextCommitment: requireCommitmentHex(plaintextCommitment, 'plaintextCommitment'),
      size: requireIntegerText(size, 'size', REPORT_SIZE.min, REPORT_SIZE.max),
      encryptionScheme: requireOneOf(encryptionScheme, 'encryptionScheme', ENCRYPTION_SCHEMES),
    };
    let patient: Participant;
    if (author.role === 'patient') {
      requireUuid(patientId, 'patientId');
      if (patientId !== author.uid) throw forbidden('a patient records reports for themself only');
      patient = author;
    } else {
      patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    }
    requireNotErased(patient, 'new reports');
    const now = transactionTime(ctx);
    const basis = author.role === 'patient' ? selfBasis(patient) : await doctorWriteBasis(ctx, patient, author, now);
    const key = reportKey(ctx, reportId);
    requireRecordable(await ctx.stub.getState(key), reportId, author);
    const report = Report.create({
      reportId,
      patientId: patient.uid,
      hospitalMspId: patient.mspId,
      authorId: author.uid,
      authorMspId: author.mspId,
      authorRole: author.role === 'patient' ? 'patient' : 'doctor',
      ...fields,
      recordedAt: now,
      ...basis,
      txId: ctx.stub.getTxID(),
    });
    await putRecord(ctx, key, report);
    await putIndex(ctx, REPORT_BY_PATIENT, [report.patientId, now, reportId]);
    await putIndex(ctx, REPORT_BY_AUTHOR, [report.authorId, now, reportId]);
    emitEvent(
      ctx,
      'ReportRecorded',
      { reportId, patientId: report.patientId, authorId: report.authorId, authorRole: report.authorRole },
      { report },
    );
    return canonicalJson(report);
  }

  /**
   * Marks a report ID that the caller's upload (a doctor's, or a patient's own) gave up on
   * as never to be recorded by the caller, so that the caller's `RecordReport` of it still
   * on its way is refused; the API's recovery does this, as the uploader, before it unpins
   * an upload's content. A void blocks only its own caller's record: a `RecordReport` by
   * anyone else replaces the mark (see ReportVoid). The mark records who voided: the first
   * caller, and in `alsoVoidedBy` whoever voided the ID after them (each such void rewrites
   * the mark and emits `ReportVoided`). CONFLICT when the report is recorded (then the
   * upload is to be completed instead); voiding again an ID the caller voided changes
   * nothing. Returns the void mark.
   */
  @Transaction()
  @Returns('string')
  async VoidReport(ctx: Context, reportId: string): Promise<string> {
    const uploader = await requireCaller(ctx, 'void report IDs', ['doctor', 'patient']);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const existing = await ctx.stub.getState(key);
    let mark: ReportVoid;
    if (existing.length > 0) {
      if (!ReportVoid.isVoid(parseJsonObject(existing, 'report'))) {
        throw conflict(`report ${reportId} is recorded: it cannot be voided`);
      }
      const voided = ReportVoid.fromState(existing);
      if (ReportVoid.isVoidedBy(voided, uploader.uid)) return canonicalJson(voided);
      mark = ReportVoid.create({ ...voided, alsoVoidedBy: [...voided.alsoVoidedBy, uploader.uid] });
    } else {
      mark = ReportVoid.create({
        reportId,
        voidedBy: uploader.uid,
        voidedByMspId: uploader.mspId,
        voidedAt: transactionTime(ctx),
        alsoVoidedBy: [],
        txId: ctx.stub.getTxID(),
      });
    }
    await putRecord(ctx, key, mark);
    emitEvent(ctx, 'ReportVoided', { reportId, voidedBy: uploader.uid }, { void: mark });
    return canonicalJson(mark);
  }

  /**
   * Opens a report's content: submitted (and committed) before the API releases any of it.
   * Allowed for the patient (basis patient, even for a report they brought themselves), the
   * author, and a doctor covered by an active grant covering the report: their own consent
   * grant, a grant to their hospital, a grant to the care team at their hospital while
   * they are in it, or their emergency grant, preferred in that order (see grant-coverage);
   * refused for admins and auditors always. Writes and returns the access receipt, whose
   * `txId` is this transaction's ID, with the basis, the grant and the kind of grantee it
   * let in, and the purpose of use of the opening (the grant's, or PATRQT for the patient
   * and TREAT for the author). Emits `ReportAccessed`.
   */
  @Transaction()
  @Returns('string')
  async AccessReport(ctx: Context, reportId: string): Promise<string> {
    await StateBatch.prefetch(ctx, accessReportReads(ctx, reportId));
    const reader = await requireCaller(ctx, 'open report content', OPENING_ROLES);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const report = await requireRecord(ctx, key, Report.fromState, `report ${reportId}`);
    const { basis, grantId, granteeKind, purposeOfUse } = await openingBasis(ctx, reader, report, transactionTime(ctx));
    const receipt = AccessReceipt.create({
      txId: ctx.stub.getTxID(),
      reportId,
      patientId: report.patientId,
      readerId: reader.uid,
      readerMspId: reader.mspId,
      readerRole: reader.role as 'patient' | 'doctor',
      basis,
      grantId,
      granteeKind,
      purposeOfUse,
      at: transactionTime(ctx),
    });
    await putRecord(ctx, receiptKey(ctx, receipt.txId), receipt);
    await putIndex(ctx, RECEIPT_BY_REPORT, [reportId, receipt.at, receipt.txId]);
    await putIndex(ctx, RECEIPT_BY_PATIENT, [receipt.patientId, receipt.at, receipt.txId]);
    await putIndex(ctx, RECEIPT_BY_READER, [receipt.readerId, receipt.at, receipt.txId]);
    emitEvent(
      ctx,
      'ReportAccessed',
      {
        txId: receipt.txId,
        reportId,
        patientId: receipt.patientId,
        readerId: reader.uid,
        grantId,
        granteeKind,
        basis,
        purposeOfUse,
      },
      { receipt },
    );
    return canonicalJson(receipt);
  }

  /**
   * Records that AccessReport refuses the caller a report's content now, so that the
   * refusal is on the ledger as every opening is: for any registered participant, the
   * reader being always the caller's own certificate (no one records a refusal in another's
   * name). It makes exactly the decision AccessReport would make for the caller and the
   * report at this transaction's time (see openingBasis): when the caller would be let in
   * it writes nothing and answers CONFLICT, so that no refusal is recorded that would not
   * happen; NOT_FOUND for an unknown report. Writes the refusal, whose `txId` is this
   * transaction's ID, with the code AccessReport refuses with (FORBIDDEN, GRANT_EXPIRED,
   * GRANT_REVOKED; auditors and admins always FORBIDDEN) and, for a grant that ended, that
   * grant's ID and purpose of use. Emits `ReportAccessRefused`. Returns the refusal.
   */
  @Transaction()
  @Returns('string')
  async RecordRefusedAccess(ctx: Context, reportId: string): Promise<string> {
    await StateBatch.prefetch(ctx, accessReportReads(ctx, reportId));
    const reader = await requireCaller(ctx, 'record refused accesses', ROLES);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const report = await requireRecord(ctx, key, Report.fromState, `report ${reportId}`);
    const now = transactionTime(ctx);
    const refused = await refusalOf(ctx, reader, report, now);
    if (refused === null) throw conflict(`the caller may open report ${reportId}: access is not refused`);
    const refusal = AccessRefusal.create({
      txId: ctx.stub.getTxID(),
      reportId,
      patientId: report.patientId,
      readerId: reader.uid,
      readerMspId: reader.mspId,
      readerRole: reader.role,
      ...refused,
      at: now,
    });
    await putRecord(ctx, refusalKey(ctx, refusal.txId), refusal);
    await putIndex(ctx, REFUSAL_BY_REPORT, [reportId, refusal.at, refusal.txId]);
    await putIndex(ctx, REFUSAL_BY_PATIENT, [refusal.patientId, refusal.at, refusal.txId]);
    await putIndex(ctx, REFUSAL_BY_READER, [refusal.readerId, refusal.at, refusal.txId]);
    emitEvent(
      ctx,
      'ReportAccessRefused',
      {
        txId: refusal.txId,
        reportId,
        patientId: refusal.patientId,
        readerId: refusal.readerId,
        code: refusal.code,
        grantId: refusal.grantId,
        purposeOfUse: refusal.purposeOfUse,
      },
      { refusal },
    );
    return canonicalJson(refusal);
  }

  /**
   * A report's ledger record, for its patient, its author, a doctor who may open it now,
   * and auditors. Anyone else gets NOT_FOUND, as for a report that does not exist.
   */
  @Transaction(false)
  @Returns('string')
  async GetReport(ctx: Context, reportId: string): Promise<string> {
    const caller = await requireCaller(ctx, 'read reports', ['patient', 'doctor', 'auditor', 'admin']);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const report = await requireRecord(ctx, key, Report.fromState, `report ${reportId}`);
    if (!(await maySeeReport(ctx, caller, report, transactionTime(ctx)))) {
      throw notFound(`report ${reportId} does not exist`);
    }
    return canonicalJson(report);
  }

  /**
   * A patient's reports, oldest first: the patient and auditors see all; a doctor sees those
   * they wrote or may open now under any grant that covers them (as AccessReport decides;
   * so a page may hold fewer than `pageSize` items: follow `nextBookmark` until it is
   * null). Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListReportsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list reports', ['patient', 'doctor', 'auditor']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    if (caller.role === 'patient' && caller.uid !== patient.uid) {
      throw forbidden('a patient lists only their own reports');
    }
    const page = await reportsFromIndex(ctx, REPORT_BY_PATIENT, patient.uid, pageSize, bookmark);
    if (caller.role !== 'doctor') return canonicalJson(page);
    const now = transactionTime(ctx);
    const grants = await grantsApplyingTo(ctx, patient.uid, caller, now);
    const visible = page.items.filter(
      (report) =>
        report.authorId === caller.uid ||
        grants.some((grant) => grantCovers(grant, report.reportId) && grantStateAt(grant, now) === 'active'),
    );
    return canonicalJson({ items: visible, nextBookmark: page.nextBookmark });
  }

  /** The reports a doctor wrote, oldest first: the doctor and auditors. Answers `{items, nextBookmark}`. */
  @Transaction(false)
  @Returns('string')
  async ListReportsByAuthor(ctx: Context, doctorId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list reports', ['doctor', 'auditor']);
    const doctor = await requireParty(ctx, doctorId, 'doctorId', 'doctor');
    if (caller.role === 'doctor' && caller.uid !== doctor.uid) {
      throw forbidden('a doctor lists only the reports they wrote by author');
    }
    return canonicalJson(await reportsFromIndex(ctx, REPORT_BY_AUTHOR, doctor.uid, pageSize, bookmark));
  }

  /**
   * Every report's metadata, in report ID order, leaving out report IDs voided before they
   * were recorded: auditors only, and the API's service identity (see requireAuditReader).
   * Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListReports(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    await requireAuditReader(ctx, 'list all reports', ['auditor']);
    const page = await readIndexPage(ctx, REPORT_OBJECT_TYPE, [], pageSize, bookmark);
    const items: Report[] = [];
    for (const [reportId] of page.items) {
      // The range holds the report keys themselves: each exists, a report or a void mark.
      const report = await readRecord(ctx, reportKey(ctx, reportId), reportOrVoidMark);
      if (report !== null) items.push(report);
    }
    return canonicalJson({ items, nextBookmark: page.nextBookmark });
  }
}

/** A report, or null for a report ID voided before it was recorded (a void mark, never a report). */
function reportOrVoidMark(bytes: Uint8Array): Report | null {
  return ReportVoid.isVoid(parseJsonObject(bytes, 'report')) ? null : Report.fromState(bytes);
}

/**
 * The keys RecordReport reads (caller, patient, their care pointer, the report ID), to
 * fetch in one message; for a patient's own record, the caller and the report ID only.
 * None while an ID is malformed (the checks then refuse it).
 */
function recordReportReads(ctx: Context, reportId: string, patientId: string): string[] {
  const { uid, role } = callerOf(ctx);
  if (!isUuid(uid) || !isUuid(patientId) || !isUuid(reportId)) return [];
  if (role === 'patient') return [participantKey(ctx, uid), reportKey(ctx, reportId)];
  return [
    participantKey(ctx, uid),
    participantKey(ctx, patientId),
    activeCareKey(ctx, patientId, uid),
    reportKey(ctx, reportId),
  ];
}

/** The keys AccessReport reads before the grants (caller, report), to fetch in one message. */
function accessReportReads(ctx: Context, reportId: string): string[] {
  const { uid } = callerOf(ctx);
  return isUuid(uid) && isUuid(reportId) ? [participantKey(ctx, uid), reportKey(ctx, reportId)] : [];
}

/**
 * Refuses (CONFLICT) to record under a report key that holds a report, or a void mark of
 * the author's (their upload was given up: see ReportVoid). A void mark of anyone else's
 * is no obstacle: the report replaces it.
 */
function requireRecordable(existing: Uint8Array, reportId: string, author: Participant): void {
  if (existing.length === 0) return;
  if (!ReportVoid.isVoid(parseJsonObject(existing, 'report'))) {
    throw conflict(`report ${reportId} is already recorded`);
  }
  if (ReportVoid.isVoidedBy(ReportVoid.fromState(existing), author.uid)) {
    throw conflict(`report ${reportId} was voided by the caller: it is never to be recorded`);
  }
}

/** The write basis of a patient's own record. */
const selfBasis = (patient: Participant) => ({ writeBasis: 'self', writeBasisId: patient.uid }) as const;

/**
 * Why a doctor may write for the patient now: their active care assignment when it is a
 * basis for writing (see careLetsWrite), else their own active grant (consent or
 * emergency); FORBIDDEN, GRANT_EXPIRED or GRANT_REVOKED otherwise. Grants to a hospital or
 * a care team let doctors read, not write.
 */
async function doctorWriteBasis(ctx: Context, patient: Participant, doctor: Participant, now: string) {
  const careId = await activeCareOf(ctx, patient.uid, doctor.uid);
  if (careId !== null && (await careLetsWrite(ctx, patient, doctor, now))) {
    return { writeBasis: 'care', writeBasisId: careId } as const;
  }
  const grant = requireActiveGrant(
    await grantsOfPair(ctx, patient.uid, doctor.uid),
    now,
    `doctor ${doctor.uid} has neither an active care assignment that lets them write nor an active grant for patient ${patient.uid}`,
  );
  return { writeBasis: 'grant', writeBasisId: grant.grantId } as const;
}

/**
 * Whether the doctor's active care assignment lets them write for the patient at `now`.
 * An assignment is always made by an admin of the doctor's own hospital (AssignCare), so
 * the doctor's MSP is the assigning hospital's and the pointer alone (prefetched) is enough:
 * one made by the patient's own hospital lets them write; one made by another hospital only
 * while the patient holds an active grant to that hospital's care team, that is agreed to
 * be treated there (one range read of the patient's grants to that hospital). Without it,
 * the doctor writes only under a grant of their own, as any doctor of another hospital.
 */
async function careLetsWrite(ctx: Context, patient: Participant, doctor: Participant, now: string): Promise<boolean> {
  if (doctor.mspId === patient.mspId) return true;
  const grants = await grantsOfOrganisation(ctx, patient.uid, doctor.mspId);
  return grants.some((grant) => grant.granteeKind === 'care-team' && grantStateAt(grant, now) === 'active');
}

/** Why a reader opens a report: the basis, the grant and the kind of grantee it let in, and the purpose. */
interface Opening {
  basis: AccessBasis;
  grantId: string | null;
  granteeKind: GranteeKind | null;
  purposeOfUse: PurposeOfUse;
}

/** The roles that may ever open report content (AccessReport); any other is refused FORBIDDEN. */
const OPENING_ROLES: readonly Role[] = ['patient', 'doctor'];

/**
 * The decision of AccessReport: why the reader may open the report now and for what
 * purpose, or the refusal it throws (FORBIDDEN, GRANT_EXPIRED, GRANT_REVOKED; see
 * refusalOf). RecordRefusedAccess makes the same decision, so that it records a refusal
 * exactly when AccessReport would refuse.
 */
async function openingBasis(ctx: Context, reader: Participant, report: Report, now: string): Promise<Opening> {
  if (!OPENING_ROLES.includes(reader.role)) {
    throw forbidden(`only ${OPENING_ROLES.join(' or ')} may open report content`);
  }
  if (reader.role === 'patient') {
    if (reader.uid !== report.patientId) throw forbidden(`report ${report.reportId} is another patient's`);
    return { basis: 'patient', grantId: null, granteeKind: null, purposeOfUse: PURPOSE_WITHOUT_GRANT.patient };
  }
  if (reader.uid === report.authorId) {
    return { basis: 'author', grantId: null, granteeKind: null, purposeOfUse: PURPOSE_WITHOUT_GRANT.author };
  }
  const grant = await requireOpeningGrant(ctx, report.patientId, reader, report.reportId, now);
  return {
    basis: grant.kind === 'emergency' ? 'emergency' : 'grant',
    grantId: grant.grantId,
    granteeKind: grant.granteeKind,
    purposeOfUse: grant.purposeOfUse,
  };
}

async function maySeeReport(ctx: Context, caller: Participant, report: Report, now: string): Promise<boolean> {
  if (caller.role === 'auditor') return true;
  if (caller.role === 'admin') return false;
  try {
    await openingBasis(ctx, caller, report, now);
    return true;
  } catch (error) {
    // A refusal means "not visible"; anything else (corrupt state) must surface.
    if (isRefusal(error)) return false;
    throw error;
  }
}

/** Why AccessReport refuses a reader, as an AccessRefusal records it. */
type Refused = Pick<AccessRefusal, 'code' | 'grantId' | 'purposeOfUse'>;

/**
 * The refusal AccessReport would answer the reader for the report at `now` (openingBasis),
 * with the grant that ended when that is the reason; null when it would let them in.
 * Anything but a refusal (corrupt state) is passed on.
 */
async function refusalOf(ctx: Context, reader: Participant, report: Report, now: string): Promise<Refused | null> {
  try {
    await openingBasis(ctx, reader, report, now);
    return null;
  } catch (error) {
    if (!isRefusal(error)) throw error;
    const ended = error instanceof GrantEndedError ? error.grant : null;
    return { code: error.code, grantId: ended?.grantId ?? null, purposeOfUse: ended?.purposeOfUse ?? null };
  }
}

/** Whether `error` is one of the refusals of AccessReport's decision. */
const isRefusal = (error: unknown): error is ChaincodeError & { code: RefusalCode } =>
  error instanceof ChaincodeError && (REFUSAL_CODES as readonly string[]).includes(error.code);

async function reportsFromIndex(
  ctx: Context,
  index: string,
  owner: string,
  pageSize: string,
  bookmark: string,
): Promise<Page<Report>> {
  const page = await readIndexPage(ctx, index, [owner], pageSize, bookmark);
  const items: Report[] = [];
  for (const [, , reportId] of page.items)
    items.push(await readIndexed(ctx, reportKey(ctx, reportId), Report.fromState));
  return { items, nextBookmark: page.nextBookmark };
}
