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
