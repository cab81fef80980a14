import { useEffect, useState } from 'react';
import { formatBytes, formatDate } from '../../components/format';
import { reportTypeLabel } from '../../components/report-kinds';
import type { CaseReportDocument, OpenedContent } from './report-content';

/** A blob as an object URL for as long as the component shows it; revoked when it goes. */
function useObjectUrl(blob: Blob): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const created = URL.createObjectURL(blob);
    setUrl(created);
    return () => {
      URL.revokeObjectURL(created);
      setUrl(null);
    };
  }, [blob]);
  return url;
}

/**
 * An opened record as a reader wants it: a case report as a document, a PDF or an image
 * inline, anything else as a download.
 */
export function ReportContent({ opened, title }: { opened: OpenedContent; title: string }) {
  const url = useObjectUrl(opened.blob);
  if (opened.caseReport) return <CaseReportView report={opened.caseReport} />;
  if (!url) return null;
  const download = (
    <a className="button" href={url} download={opened.fileName}>
      Download {opened.fileName} ({formatBytes(opened.blob.size)})
    </a>
  );
  if (opened.contentType === 'application/pdf')
    return (
      <div className="report-document">
        <iframe className="document-frame" title={`${title} (PDF document)`} src={url} />
        <p className="meta">If the document does not show here, {download}</p>
      </div>
    );
  if (opened.contentType === 'image/png' || opened.contentType === 'image/jpeg')
    return (
      <div className="report-document">
        <img className="document-image" src={url} alt={`${title} (image)`} />
        <p>{download}</p>
      </div>
    );
  return (
    <div className="report-document">
      <p>This kind of file ({opened.contentType || 'unknown type'}) cannot be shown in the browser.</p>
      <p>{download}</p>
    </div>
  );
}

/** A structured case report, rendered as a readable document. */
export function CaseReportView({ report }: { report: CaseReportDocument }) {
  return (
    <article className="case-report" aria-labelledby="case-report-title">
      <h2 id="case-report-title">{report.title || 'Case report'}</h2>
      <p className="meta">
        {reportTypeLabel(report.type || 'report')} · structured case report
        {report.observedAt && <> · patient seen on {formatDate(report.observedAt)}</>}
      </p>
      <h3>Diagnosis</h3>
      <p className="prose">{report.diagnosis}</p>
      <h3>ICD-10 codes</h3>
      {report.diagnosisCodes.length > 0 ? (
        <ul className="code-list">
          {report.diagnosisCodes.map((code) => (
            <li key={code}>
              <code className="tag">{code}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p className="prose">None given.</p>
      )}
      <h3>Findings</h3>
      <p className="prose">{report.findings}</p>
      <h3>Report</h3>
      <p className="prose">{report.content}</p>
      <h3>Recommendations</h3>
      <p className="prose">{report.recommendations || 'None given.'}</p>
    </article>
  );
}
