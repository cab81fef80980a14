import type { GatewaySession } from './gateway-session.js';
import { pageArgs } from './page-args.js';
import { parseAccessReceipt, parseAccessRefusal, parsePage, parseReport, parseReportVoid } from './ledger-records.js';
import type {
  AccessReceiptRecord,
  AccessRefusalRecord,
  Committed,
  LedgerIdentity,
  NewReportRecord,
  Page,
  PageRequest,
  ReportRecord,
  ReportsLedger,
  ReportVoidRecord,
} from './ledger.port.js';

const CONTRACT = 'reports';

/**
 * Content facts that pass the chaincode's format checks, for asking whether a report would
 * be recorded before its content exists (checkRecordable): the CID of an empty raw block,
 * zero digests, one byte, the API's encryption scheme. Never recorded.
 */
export const PLACEHOLDER_CONTENT = {
  cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
  ciphertextSha256: '0'.repeat(64),
  plaintextCommitment: '0'.repeat(64),
  size: '1',
  encryptionScheme: 'aes-256-gcm-chunked-v1',
} as const;

/** The `reports` contract over the shared Gateway session. */
export class FabricReportsLedger implements ReportsLedger {
  constructor(private readonly session: GatewaySession) {}

  record(actor: LedgerIdentity, report: NewReportRecord): Promise<Committed<ReportRecord>> {
    const args = [
      report.reportId,
      report.patientId,
      report.type,
      report.cid,
      report.ciphertextSha256,
      report.plaintextCommitment,
      String(report.size),
      report.encryptionScheme,
    ];
    return this.session.submit(actor, CONTRACT, 'RecordReport', args, parseReport);
  }

  async checkRecordable(
    actor: LedgerIdentity,
    draft: Pick<NewReportRecord, 'reportId' | 'patientId' | 'type'>,
  ): Promise<void> {
    const { cid, ciphertextSha256, plaintextCommitment, size, encryptionScheme } = PLACEHOLDER_CONTENT;
    const args = [draft.reportId, draft.patientId, draft.type, cid, ciphertextSha256, plaintextCommitment, size];
    // Evaluated, never submitted: the peer runs the chaincode's decision and nothing is ordered.
    await this.session.evaluate(actor, CONTRACT, 'RecordReport', [...args, encryptionScheme], () => undefined);
  }

  access(actor: LedgerIdentity, reportId: string): Promise<Committed<AccessReceiptRecord>> {
    return this.session.submit(actor, CONTRACT, 'AccessReport', [reportId], parseAccessReceipt);
  }

  recordRefusal(actor: LedgerIdentity, reportId: string): Promise<Committed<AccessRefusalRecord>> {
    return this.session.submit(actor, CONTRACT, 'RecordRefusedAccess', [reportId], parseAccessRefusal);
  }

  get(actor: LedgerIdentity, reportId: string): Promise<ReportRecord> {
    return this.session.evaluate(actor, CONTRACT, 'GetReport', [reportId], parseReport);
  }

  void(actor: LedgerIdentity, reportId: string): Promise<Committed<ReportVoidRecord>> {
    return this.session.submit(actor, CONTRACT, 'VoidReport', [reportId], parseReportVoid);
  }

  listByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<ReportRecord>> {
    return this.session.evaluate(
      actor,
      CONTRACT,
      'ListReportsByPatient',
      [patientId, ...pageArgs(page)],
      parsePage(parseReport),
    );
  }

  listByAuthor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<ReportRecord>> {
    return this.session.evaluate(
      actor,
      CONTRACT,
      'ListReportsByAuthor',
      [doctorId, ...pageArgs(page)],
      parsePage(parseReport),
    );
  }
}
