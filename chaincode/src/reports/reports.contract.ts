import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalJson, parseJsonObject } from '../canonical-json';
import { activeCareKey, activeCareOf } from '../care/care-lookup';
import { requireCid } from '../cid';
import {
  grantsOfPair,
  requireActiveGrant,
  requireOpeningGrant,
  grantCovers,
  grantStateAt,
} from '../consent/grant-rules';
import { requireNotErased } from '../erasure/erasure-lookup';
import { ChaincodeError, conflict, ErrorCode, forbidden, notFound } from '../errors';
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
import { participantKey, requireCaller, requireParty } from '../participants/participant-lookup';
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
import { receiptKey, reportKey } from './report-lookup';
import { ReportVoid } from './report-void';

/** Medical records: recorded by doctors, opened (with a receipt) by whoever the rules allow. */
@Info({ title: 'ReportsContract', description: 'Reports, their content digests and every opening of their content' })
export class ReportsContract extends LedgerContract {
  constructor() {
    super('reports');
  }

  /**
   * Records a report written by the calling doctor for a patient under their active care
   * assignment or an active grant of theirs. A report ID is recorded once (CONFLICT
   * after); nothing is recorded for an erased patient (CONFLICT). `size` is the
   * ciphertext's byte count, as a decimal string. Returns the report.
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
    const doctor = await requireCaller(ctx, 'record reports', ['doctor']);
    requireUuid(reportId, 'reportId');
    const fields = {
      type: requireOneOf(type, 'type', REPORT_TYPES),
      cid: requireCid(cid, 'cid'),
      ciphertextSha256: requireSha256Hex(ciphertextSha256, 'ciphertextSha256'),
      plaintextCommitment: requireCommitmentHex(plaintextCommitment, 'plaintextCommitment'),
      size: requireIntegerText(size, 'size', REPORT_SIZE.min, REPORT_SIZE.max),
      encryptionScheme: requireOneOf(encryptionScheme, 'encryptionScheme', ENCRYPTION_SCHEMES),
    };
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    requireNotErased(patient, 'new reports');
    const now = transactionTime(ctx);
    const care = await activeCareOf(ctx, patient.uid, doctor.uid);
    const writeBasisId =
      care ??
      requireActiveGrant(
        await grantsOfPair(ctx, patient.uid, doctor.uid),
        now,
        `doctor ${doctor.uid} has neither an active care assignment nor an active grant for patient ${patient.uid}`,
      ).grantId;
    const key = reportKey(ctx, reportId);
    if (await exists(ctx, key)) throw conflict(`report ${reportId} is already recorded (or its ID was voided)`);
    const report = Report.create({
      reportId,
      patientId: patient.uid,
      hospitalMspId: patient.mspId,
      authorId: doctor.uid,
      authorMspId: doctor.mspId,
      ...fields,
      recordedAt: now,
      writeBasis: care ? 'care' : 'grant',
      writeBasisId,
      txId: ctx.stub.getTxID(),
    });
    await putRecord(ctx, key, report);
    await putIndex(ctx, REPORT_BY_PATIENT, [report.patientId, now, reportId]);
    await putIndex(ctx, REPORT_BY_AUTHOR, [report.authorId, now, reportId]);
    emitEvent(ctx, 'ReportRecorded', { reportId, patientId: report.patientId, authorId: report.authorId });
    return canonicalJson(report);
  }

  /**
   * Marks a report ID that the calling doctor's upload gave up on as never to be recorded,
   * so that a `RecordReport` of it still on its way is refused; the API's recovery does this
   * before it unpins an upload's content. CONFLICT when the report is recorded (then the
   * upload is to be completed instead); voiding a voided ID again changes nothing. Returns
   * the void mark.
   */
  @Transaction()
  @Returns('string')
  async VoidReport(ctx: Context, reportId: string): Promise<string> {
    const doctor = await requireCaller(ctx, 'void report IDs', ['doctor']);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const existing = await ctx.stub.getState(key);
    if (existing.length > 0) {
      if (!ReportVoid.isVoid(parseJsonObject(existing, 'report'))) {
        throw conflict(`report ${reportId} is recorded: it cannot be voided`);
      }
      return canonicalJson(ReportVoid.fromState(existing));
    }
    const mark = ReportVoid.create({
      reportId,
      voidedBy: doctor.uid,
      voidedByMspId: doctor.mspId,
      voidedAt: transactionTime(ctx),
      txId: ctx.stub.getTxID(),
    });
    await putRecord(ctx, key, mark);
    emitEvent(ctx, 'ReportVoided', { reportId, voidedBy: doctor.uid });
    return canonicalJson(mark);
  }

  /**
   * Opens a report's content: submitted (and committed) before the API releases any of it.
   * Allowed for the patient, the author, and a doctor with an active grant covering the
   * report (consent, or emergency); refused for admins and auditors always. Writes and
   * returns the access receipt, whose `txId` is this transaction's ID, with the basis and
   * the purpose of use of the opening (the grant's, or PATRQT for the patient and TREAT for
   * the author).
   */
  @Transaction()
  @Returns('string')
  async AccessReport(ctx: Context, reportId: string): Promise<string> {
    await StateBatch.prefetch(ctx, accessReportReads(ctx, reportId));
    const reader = await requireCaller(ctx, 'open report content', ['patient', 'doctor']);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const report = await requireRecord(ctx, key, Report.fromState, `report ${reportId}`);
    const { basis, grantId, purposeOfUse } = await openingBasis(ctx, reader, report, transactionTime(ctx));
    const receipt = AccessReceipt.create({
      txId: ctx.stub.getTxID(),
      reportId,
      patientId: report.patientId,
      readerId: reader.uid,
      readerMspId: reader.mspId,
      readerRole: reader.role as 'patient' | 'doctor',
      basis,
      grantId,
      purposeOfUse,
      at: transactionTime(ctx),
    });
    await putRecord(ctx, receiptKey(ctx, receipt.txId), receipt);
    await putIndex(ctx, RECEIPT_BY_REPORT, [reportId, receipt.at, receipt.txId]);
    await putIndex(ctx, RECEIPT_BY_PATIENT, [receipt.patientId, receipt.at, receipt.txId]);
    await putIndex(ctx, RECEIPT_BY_READER, [receipt.readerId, receipt.at, receipt.txId]);
    emitEvent(ctx, 'ReportAccessed', {
      txId: receipt.txId,
      reportId,
      patientId: receipt.patientId,
      readerId: reader.uid,
      grantId,
      basis,
      purposeOfUse,
    });
    return canonicalJson(receipt);
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
   * they wrote or may open now (so a page may hold fewer than `pageSize` items: follow
   * `nextBookmark` until it is null). Answers `{items, nextBookmark}`.
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
    const grants = await grantsOfPair(ctx, patient.uid, caller.uid);
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

  /** Every report's metadata, in report ID order: auditors only. Answers `{items, nextBookmark}`. */
  @Transaction(false)
  @Returns('string')
  async ListReports(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    await requireCaller(ctx, 'list all reports', ['auditor']);
    const page = await readIndexPage(ctx, REPORT_OBJECT_TYPE, [], pageSize, bookmark);
    const items: Report[] = [];
    for (const [reportId] of page.items) items.push(await readIndexed(ctx, reportKey(ctx, reportId), Report.fromState));
    return canonicalJson({ items, nextBookmark: page.nextBookmark });
  }
}

/**
 * The keys RecordReport reads (caller, patient, their care pointer, the report ID), to
 * fetch in one message; none while an ID is malformed (the checks then refuse it).
 */
function recordReportReads(ctx: Context, reportId: string, patientId: string): string[] {
  const { uid } = callerOf(ctx);
  if (!isUuid(uid) || !isUuid(patientId) || !isUuid(reportId)) return [];
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
 * Why the reader may open the report now and for what purpose, or the refusal (FORBIDDEN,
 * GRANT_EXPIRED, GRANT_REVOKED).
 */
async function openingBasis(
  ctx: Context,
  reader: Participant,
  report: Report,
  now: string,
): Promise<{ basis: AccessBasis; grantId: string | null; purposeOfUse: PurposeOfUse }> {
  if (reader.role === 'patient') {
    if (reader.uid !== report.patientId) throw forbidden(`report ${report.reportId} is another patient's`);
    return { basis: 'patient', grantId: null, purposeOfUse: PURPOSE_WITHOUT_GRANT.patient };
  }
  if (reader.uid === report.authorId) {
    return { basis: 'author', grantId: null, purposeOfUse: PURPOSE_WITHOUT_GRANT.author };
  }
  const grant = requireOpeningGrant(await grantsOfPair(ctx, report.patientId, reader.uid), report.reportId, now);
  return {
    basis: grant.kind === 'emergency' ? 'emergency' : 'grant',
    grantId: grant.grantId,
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
    if (error instanceof ChaincodeError && REFUSALS.includes(error.code)) return false;
    throw error;
  }
}

const REFUSALS: readonly ErrorCode[] = ['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED'];

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
