import { Link, useSearchParams } from 'react-router';
import { CaseReportForm } from '../../components/CaseReportForm';
import { Page } from '../../components/Page';
import { UploadForm } from '../../components/UploadForm';
import { useUser } from '../../session/use-session';

type Mode = 'file' | 'note';

/**
 * The patient adds a record of their own (a prescription, a bill, an outside lab result):
 * a file with a progress bar, or a structured note. The ledger marks it patient-provided.
 */
export function UploadRecordPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const mode: Mode = params.get('mode') === 'note' ? 'note' : 'file';
  return (
    <Page
      title="Add a record"
      intro="Add a document you hold, such as a prescription, a bill or a lab result from elsewhere. It is encrypted, stored and recorded on the ledger as added by you, so that doctors see it was not written by a clinician."
      actions={
        <Link className="button" to="/records">
          Back to my records
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
              value="note"
              checked={mode === 'note'}
              onChange={() => setParams({ mode: 'note' }, { replace: true })}
            />
            A structured note, typed in
          </label>
        </div>
      </fieldset>
      <section className="panel" aria-label={mode === 'file' ? 'Upload a file' : 'Structured note'}>
        {mode === 'file' ? (
          <UploadForm key="file" patientId={user.id} defaultType="prescription" />
        ) : (
          <CaseReportForm key="note" patientId={user.id} />
        )}
      </section>
    </Page>
  );
}
