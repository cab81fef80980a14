import { Link } from 'react-router';
import { AddRecord } from '../../components/AddRecord';
import { Page } from '../../components/Page';
import { useUser } from '../../session/use-session';

/**
 * The patient adds a record of their own (a prescription, a bill, an outside lab result):
 * a file with a progress bar, or a structured note. The ledger marks it patient-provided.
 */
export function UploadRecordPage() {
  const user = useUser();
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
      <AddRecord patientId={user.id} structuredLabel="A structured note, typed in" defaultType="prescription" />
    </Page>
  );
}
