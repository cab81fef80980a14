import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalJson } from '../canonical-json';
import { CARE_OBJECT_TYPE, CareAssignment } from '../care/care-assignment';
import { AccessRequest, REQUEST_OBJECT_TYPE } from '../consent/access-request';
import { Grant, GRANT_OBJECT_TYPE } from '../consent/grant';
import { corruptState, forbidden, notFound } from '../errors';
import { readHistory, readIndexed, readIndexPage, readRecord, requireRecord } from '../ledger-state';
import { Participant, PARTICIPANT_OBJECT_TYPE } from '../participants/participant';
import { requireCaller, requireParty } from '../participants/participant-lookup';
import {
  AccessReceipt,
  RECEIPT_BY_PATIENT,
  RECEIPT_BY_READER,
  RECEIPT_BY_REPORT,
  RECEIPT_OBJECT_TYPE,
} from '../reports/access-receipt';
import { Report, REPORT_OBJECT_TYPE } from '../reports/report';
import { receiptKey, reportKey } from '../reports/report-lookup';
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
} as const;
export type RecordType = keyof typeof HISTORIES;
export const RECORD_TYPES = Object.keys(HISTORIES) as RecordType[];

/** What auditors (and patients, for what concerns them) read: every change and every opening. */
@Info({ title: 'AuditContract', description: 'Key histories and access receipts' })
export class AuditContract extends LedgerContract {
  constructor() {
    super('audit');
  }

  /**
   * Every committed version of one record, oldest first, each with its transaction ID and
   * time: `[{txId, timestamp, isDelete, value}]`. `recordType` is participant, care, report,
   * request, grant or receipt (whose ID is its transaction ID). For auditors, and for the
   * patient the record concerns.
   */
  @Transaction(false)
  @Returns('string')
  async GetRecordHistory(ctx: Context, recordType: string, recordId: string): Promise<string> {
    const caller = await requireCaller(ctx, 'read record histories', ['auditor', 'patient']);
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

  /** Every opening of a patient's reports, oldest first: auditors and the patient. Answers `{items, nextBookmark}`. */
  @Transaction(false)
  @Returns('string')
  async ListReceiptsByPatient(ctx: Context, patientId: string, pageSize: string, bookmark: string): Promise<string> {
    const caller = await requireCaller(ctx, 'list access receipts', ['auditor', 'patient']);
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
}

async function receiptsFromIndex(ctx: Context, index: string, owner: string, pageSize: string, bookmark: string) {
  const page = await readIndexPage(ctx, index, [owner], pageSize, bookmark);
  const items: AccessReceipt[] = [];
  for (const [, , txId] of page.items)
    items.push(await readIndexed(ctx, receiptKey(ctx, txId), AccessReceipt.fromState));
  return { items, nextBookmark: page.nextBookmark };
}
