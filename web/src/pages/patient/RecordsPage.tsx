import { Link } from 'react-router';
import { Page } from '../../components/Page';
import { ReportList } from '../../components/ReportList';

/** The patient's home: every record of theirs, written by clinicians or added by themself. */
export function RecordsPage() {
  return (
    <Page
      title="My records"
      intro="Your medical records. Open one to read it and to see that it matches the ledger. Records you added yourself are marked as added by the patient."
      actions={
        <Link to="/records/upload" className="button primary">
          Add a record
        </Link>
      }
    >
      <ReportList
        caption="Your records"
        empty={
          <>
            You have no records yet. Your doctors’ reports appear here, and you can{' '}
            <Link to="/records/upload">add your own</Link> (a prescription, a bill, an outside lab result).
          </>
        }
      />
    </Page>
  );
}
