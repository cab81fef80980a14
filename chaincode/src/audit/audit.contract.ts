import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalJson } from '../canonical-json';
import { CARE_OBJECT_TYPE, CareAssignment } from '../care/care-assignment';
import { AccessRequest, REQUEST_OBJECT_TYPE } from '../consent/access-request';
import { Grant, GRANT_OBJECT_TYPE } from '../consent/grant';
import { corruptState, forbidden, notFound } from '../errors';
import {
  Page,
  readHistory,
  readIndexed,
  readIndexPage,
  readRecord,
  readRecordPage,
  requireRecord,
} from '../ledger-state';
import { Participant, PARTICIPANT_OBJECT_TYPE } from '../participants/participant';
import { requireAuditReader, requireCaller, requireParty } from '../participants/participant-lookup';
import {
  AccessRefusal,
  REFUSAL_BY_PATIENT,
  REFUSAL_BY_READER,
  REFUSAL_BY_REPORT,
  REFUSAL_OBJECT_TYPE,
} from '../reports/access-refusal';
import {
  AccessReceipt,
  RECEIPT_BY_PATIENT,
  RECEIPT_BY_READER,
  RECEIPT_BY_REPORT,
  RECEIPT_OBJECT_TYPE,
} from '../reports/access-receipt';
import { Report, REPORT_OBJECT_TYPE } from '../reports/report';
import { receiptKey, refusalKey, reportKey } from '../reports/report-lookup';
import { requireOneOf, requireTxId, requireUuid } from '../validation';

/** The record types whose history can be read, with how to read them and whose they are. */
const HISTORIES = {
  participant: {
    objectType: PARTICIPANT_OBJECT_TYPE,
    id: requireUuid,
    read: Participant.fromState,
    patientOf: (r: Participant) => r.uid,
  },
  care: {
    objectType: CARE_OBJECT_TYPE,
    id: requireUuid,
    read: CareAssignment.fromState,
    patientOf: (r: CareAssignment) => r.patientId,
  },
  report: {
    objectType: REPORT_OBJECT_TYPE,
    id: requireUuid,
    read: Report.fromState,
    patientOf: (r: Report) => r.patientId,
  },
  request: {
    objectType: REQUEST_OBJECT_TYPE,
    id: requireUuid,
    read: AccessRequest.fromState,
    patientOf: (r: AccessRequest) => r.patientId,
  },
  grant: {
    objectType: GRANT_OBJECT_TYPE,
    id: requireUuid,
    read: Grant.fromState,
    patientOf: (r: Grant) => r.patientId,
  },
  receipt: {
    objectType: RECEIPT_OBJECT_TYPE,
    id: requireTxId,
    read: AccessReceipt.fromState,
    patientOf: (r: AccessReceipt) => r.patientId,
  },
  refusal: {
    objectType: REFUSAL_OBJECT_TYPE,
    id: requireTxId,
    read: AccessRefusal.fromState,
    patientOf: (r: AccessRefusal) => r.patientId,
  },
} as const;
export type RecordType = keyof typeof HISTORIES;
export const RECORD_TYPES = Object.keys(HISTORIES) as RecordType[];

/** What auditors (and patients, for what concerns them) read: every change, every opening and every refusal. */
@Info({ title: 'AuditContract', description: 'Key histories, access receipts and access refusals' })
export class AuditContract extends LedgerContract {
  constructor() {
    super('audit');
  }

  /**
   * Every committed version of one record, oldest first, each with its transaction ID and
   * time: `[{txId, timestamp, isDelete, value}]`. `recordType` is participant, care, report,
   * request, grant, receipt or refusal (these two by their transaction ID). For auditors,
   * the API's service identity (see requireAuditReader), and the patient the record concerns.
   */
  @Transaction(false)
  @Returns('string')
  async GetRecordHistory(ctx: Context, recordType: string, recordId: string): Promise<string> {
    const caller = await requireAuditReader(ctx, 'read record histories', ['auditor', 'patient']);
    const spec = HISTORIES[requireOneOf(recordType, 'recordType', RECORD_TYPES)];
    const key = ctx.stub.createCompositeKey(spec.objectType, [spec.id(recordId, 'recordId')]);
    const read = spec.read as (bytes: Uint8Array) => { patientId?: string };
    const current = await readRecord(ctx, key, read);
    if (current === null) throw notFound(`${recordType} ${recordId} does not exist`);
    if (caller.role === 'patient' && (spec.patientOf as (record: unknown) => string)(current) !== caller.uid) {
      throw forbidden(`${recordType} ${recordId} does not concern the caller`);
    }
    const history = await readHistory(ctx, key, (bytes, txId) => {
      try {
        return read(bytes);
      } catch (error) {
        throw corruptState(`${recordType} ${recordId} at ${txId}: ${(error as Error).message}`);
      }
    });
    return canonicalJson(history);
  }

  /** One access receipt by its transaction ID: auditors, and the patient whose report was opened. */
  @Transaction(false)
  @Returns('string')
  async GetAccessReceipt(ctx: Context, txId: string): Promise<string> {
    const caller = await requireCaller(ctx, 'read access receipts', ['auditor', 'patient', 'doctor']);
    const key = receiptKey(ctx, requireTxId(txId, 'txId'));
    const receipt = await requireRecord(ctx, key, AccessReceipt.fromState, `access receipt ${txId}`);
    const visible = caller.role === 'auditor' || caller.uid === receipt.patientId || caller.uid === receipt.readerId;
    if (!visible) throw notFound(`access receipt ${txId} does not exist`);
    return canonicalJson(receipt);
  }

  /** Every opening of one report, oldest first: auditors and the report's patient. Answers `{items, nextBookmark}`. */
  @Transaction(false)
  @Returns('string')
  async ListReceiptsByReport(ctx: Context, reportId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list access receipts', ['auditor', 'patient']);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const report = await requireRecord(ctx, key, Report.fromState, `report ${reportId}`);
    if (caller.role === 'patient' && caller.uid !== report.patientId) {
      throw forbidden(`report ${reportId} is another patient's`);
    }
    return canonicalJson(await receiptsFromIndex(ctx, RECEIPT_BY_REPORT, reportId, pageSize, bookmark));
  }

  /**
   * Every opening of a patient's reports, oldest first: auditors, the API's service identity
   * and the patient. Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListReceiptsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireAuditReader(ctx, 'list access receipts', ['auditor', 'patient']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    if (caller.role === 'patient' && caller.uid !== patient.uid) {
      throw forbidden('a patient lists only the accesses to their own reports');
    }
    return canonicalJson(await receiptsFromIndex(ctx, RECEIPT_BY_PATIENT, patient.uid, pageSize, bookmark));
  }

  /** Every opening by one reader, oldest first: auditors and the reader. Answers `{items, nextBookmark}`. */
  @Transaction(false)
  @Returns('string')
  async ListReceiptsByReader(ctx: Context, readerId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list access receipts', ['auditor', 'patient', 'doctor']);
    requireUuid(readerId, 'readerId');
    if (caller.role !== 'auditor' && caller.uid !== readerId) {
      throw forbidden('only auditors list the accesses of another reader');
    }
    return canonicalJson(await receiptsFromIndex(ctx, RECEIPT_BY_READER, readerId, pageSize, bookmark));
  }

  /**
   * Every refused opening of one report (see reports:RecordRefusedAccess), oldest first:
   * auditors and the report's patient. Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListRefusalsByReport(ctx: Context, reportId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list access refusals', ['auditor', 'patient']);
    const key = reportKey(ctx, requireUuid(reportId, 'reportId'));
    const report = await requireRecord(ctx, key, Report.fromState, `report ${reportId}`);
    if (caller.role === 'patient' && caller.uid !== report.patientId) {
      throw forbidden(`report ${reportId} is another patient's`);
    }
    return canonicalJson(await refusalsFromIndex(ctx, REFUSAL_BY_REPORT, reportId, pageSize, bookmark));
  }

  /**
   * Every refused opening of a patient's reports, oldest first: auditors, the API's service
   * identity and the patient. Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListRefusalsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireAuditReader(ctx, 'list access refusals', ['auditor', 'patient']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    if (caller.role === 'patient' && caller.uid !== patient.uid) {
      throw forbidden('a patient lists only the refused accesses to their own reports');
    }
    return canonicalJson(await refusalsFromIndex(ctx, REFUSAL_BY_PATIENT, patient.uid, pageSize, bookmark));
  }

  /**
   * Every refused opening of one reader, oldest first: auditors and the reader (admins
   * too, who are refused every opening). Answers `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListRefusalsByReader(ctx: Context, readerId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list access refusals', ['auditor', 'patient', 'doctor', 'admin']);
    requireUuid(readerId, 'readerId');
    if (caller.role !== 'auditor' && caller.uid !== readerId) {
      throw forbidden('only auditors list the refused accesses of another reader');
    }
    return canonicalJson(await refusalsFromIndex(ctx, REFUSAL_BY_READER, readerId, pageSize, bookmark));
  }

  /**
   * Every participant `{uid, role, mspId, registeredAt, txId, erasedAt?}`, in uid order:
   * auditors and the API's service identity (see requireAuditReader). Answers
   * `{items, nextBookmark}`.
   */
  @Transaction(false)
  @Returns('string')
  async ListParticipants(ctx: Context, pageSize: string, bookmark: string): Promise<string> {
    await requireAuditReader(ctx, 'list participants', ['auditor']);
    return canonicalJson(
      await readRecordPage(ctx, PARTICIPANT_OBJECT_TYPE, [], pageSize, bookmark, Participant.fromState),
    );
  }
}

async function receiptsFromIndex(
  ctx: Context,
  index: string,
  owner: string,
  pageSize: string,
  bookmark: string,
): Promise<Page<AccessReceipt>> {
  const page = await readIndexPage(ctx, index, [owner], pageSize, bookmark);
  const items: AccessReceipt[] = [];
  for (const [, , txId] of page.items)
    items.push(await readIndexed(ctx, receiptKey(ctx, txId), AccessReceipt.fromState));
  return { items, nextBookmark: page.nextBookmark };
}

async function refusalsFromIndex(
  ctx: Context,
  index: string,
  owner: string,
  pageSize: string,
  bookmark: string,
): Promise<Page<AccessRefusal>> {
  const page = await readIndexPage(ctx, index, [owner], pageSize, bookmark);
  const items: AccessRefusal[] = [];
  for (const [, , txId] of page.items)
    items.push(await readIndexed(ctx, refusalKey(ctx, txId), AccessRefusal.fromState));
  return { items, nextBookmark: page.nextBookmark };
}
