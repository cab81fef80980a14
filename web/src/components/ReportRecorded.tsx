import { type ReactNode, useEffect, useRef } from 'react';
import { Link } from 'react-router';
import type { RecordedReport } from '../api/upload';
import { LedgerProof } from './LedgerProof';
import { reportTypeLabel } from './report-kinds';
import './reports.css';

/**
 * A record just written: that it is on the ledger, its proof (transaction, block, CID,
 * SHA-256) and the way to open it. Takes the focus so that the outcome is announced.
 */
export function ReportRecorded({ report, children }: { report: RecordedReport; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="panel report-recorded" aria-labelledby={`recorded-${report.id}`}>
      <h2 id={`recorded-${report.id}`} ref={heading} tabIndex={-1}>
        Recorded on the ledger
      </h2>
      <p className="notice notice-ok">
        {reportTypeLabel(report.type)} “{report.title}” is stored encrypted and recorded on the ledger.
      </p>
      <LedgerProof
        title="Ledger proof of the new record"
        proof={{
          txId: report.txId,
          blockNumber: report.blockNumber ?? 'pending',
          cid: report.cid,
          sha256: report.sha256,
          recordedAt: report.recordedAt,
        }}
      />
      <div className="actions">
        <Link className="button primary" to={`/reports/${report.id}`}>
          Open the record
        </Link>
        {children}
      </div>
    </section>
  );
}
