import { Link, useParams } from 'react-router';
import { AddRecord } from '../../components/AddRecord';
import { Page } from '../../components/Page';
import { useKnownPatient } from './doctor-data';

/** Adds a record for a patient: a file with a progress bar, or a structured case report. */
export function UploadPage() {
  const { patientId = '' } = useParams();
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
      <AddRecord patientId={patientId} structuredLabel="A structured case report" />
    </Page>
  );
}
