import { useSearchParams } from 'react-router';
import { CaseReportForm } from './CaseReportForm';
import type { ReportType } from './report-kinds';
import { UploadForm } from './UploadForm';

/**
 * Adding a record for a patient, by a doctor or by the patient: a file with a progress bar,
 * or a structured report typed in (`?mode=structured`). The choice stays in the address, so
 * that a link can open either.
 */
export function AddRecord({
  patientId,
  structuredLabel,
  defaultType,
}: {
  patientId: string;
  /** How this reader calls the structured form: "A structured case report", "A structured note, typed in". */
  structuredLabel: string;
  defaultType?: ReportType;
}) {
  const [params, setParams] = useSearchParams();
  const structured = params.get('mode') === 'structured';
  return (
    <>
      <fieldset className="mode-choice-set">
        <legend>What do you add?</legend>
        <div className="mode-choice">
          <label className="check">
            <input
              type="radio"
              name="mode"
              value="file"
              checked={!structured}
              onChange={() => setParams({}, { replace: true })}
            />
            A file (PDF, image, DICOM, text)
          </label>
          <label className="check">
            <input
              type="radio"
              name="mode"
              value="structured"
              checked={structured}
              onChange={() => setParams({ mode: 'structured' }, { replace: true })}
            />
            {structuredLabel}
          </label>
        </div>
      </fieldset>
      <section className="panel" aria-label={structured ? structuredLabel : 'Upload a file'}>
        {structured ? (
          <CaseReportForm key="structured" patientId={patientId} />
        ) : (
          <UploadForm key="file" patientId={patientId} defaultType={defaultType} />
        )}
      </section>
    </>
  );
}
