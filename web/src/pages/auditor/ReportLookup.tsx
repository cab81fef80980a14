import { type FormEvent, useState } from 'react';
import { TextField } from '../../components/Field';
import { UUID } from './audit-time';

/** A small box to go to a report's history by its ID. */
export function ReportLookup({ onOpen, initial = '' }: { onOpen: (reportId: string) => void; initial?: string }) {
  const [reportId, setReportId] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = reportId.trim().toLowerCase();
    if (!UUID.test(id)) {
      setError('Enter the whole report ID (a UUID).');
      return;
    }
    setError(null);
    onOpen(id);
  };
  return (
    <section className="panel" aria-labelledby="lookup-heading">
      <h2 id="lookup-heading">A report’s history</h2>
      <form onSubmit={submit} noValidate className="inline-form">
        <TextField
          label="Report ID"
          hint="Every recording, opening and refused opening of one report."
          autoComplete="off"
          spellCheck={false}
          value={reportId}
          onChange={(event) => setReportId(event.target.value)}
          error={error}
        />
        <button type="submit">Show history</button>
      </form>
    </section>
  );
}
