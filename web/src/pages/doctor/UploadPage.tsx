import { Link, useParams, useSearchParams } from 'react-router';
import { CaseReportForm } from '../../components/CaseReportForm';
import { Page } from '../../components/Page';
import { UploadForm } from '../../components/UploadForm';
import { useKnownPatient } from './doctor-data';

type Mode = 'file' | 'case-report';

/** Adds a record for a patient: a file with a progress bar, or a structured case report. */
export function UploadPage() {
  const { patientId = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const mode: Mode = params.get('mode') === 'case-report' ? 'case-report' : 'file';
  const { known } = useKnownPatient(patientId);
  const name = known?.fullName ?? 'the patient';

  return (
    <Page
      title={`Add a record for ${name}`}
      intro="The record is encrypted, stored and recorded on the ledger under your name."
      actions={
        <Link className="button" to={`/patients/${patientId}`}>
          Back to the patient
        </Link>
      }
    >
      <fieldset className="mode-choice-set">
        <legend>What do you add?</legend>
        <div className="mode-choice">
          <label className="check">
            <input
              type="radio"
              name="mode"
              value="file"
              checked={mode === 'file'}
              onChange={() => setParams({}, { replace: true })}
            />
            A file (PDF, image, DICOM, text)
          </label>
          <label className="check">
            <input
              type="radio"
              name="mode"
              value="case-report"
              checked={mode === 'case-report'}
              onChange={() => setParams({ mode: 'case-report' }, { replace: true })}
            />
            A structured case report
          </label>
        </div>
      </fieldset>
      <section className="panel" aria-label={mode === 'file' ? 'Upload a file' : 'Case report'}>
        {mode === 'file' ? (
          <UploadForm key="file" patientId={patientId} />
        ) : (
          <CaseReportForm key="case-report" patientId={patientId} />
        )}
      </section>
    </Page>
  );
}
