import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { formatDate, hospitalName } from '../../components/format';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';

/** `10.12.1990` as the API wants a date of birth: `1990-12-10`; anything else as typed. */
export function searchText(input: string): string {
  const text = input.trim().replace(/\s+/g, ' ');
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  if (dotted) return `${dotted[3]}-${dotted[2]!.padStart(2, '0')}-${dotted[1]!.padStart(2, '0')}`;
  return text;
}

/** The doctor's home: find a patient by any part of the name, the date of birth or the ID. */
export function PatientSearchPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [input, setInput] = useState(query);
  const [inputError, setInputError] = useState<string | null>(null);
  const results = useQuery({
    queryKey: ['patient-search', query],
    queryFn: () => answer(api.GET('/api/v1/patients', { params: { query: { query } } })),
    enabled: query.length >= 2,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = searchText(input);
    if (text.replace(/\s/g, '').length < 2) {
      setInputError('Type at least 2 characters of the name, a date of birth or a patient ID.');
      return;
    }
    setInputError(null);
    setParams({ q: text });
  };

  return (
    <Page title="Patients" intro="Find a patient of your hospital, or one who has granted you access.">
      <form role="search" aria-label="Patients" className="search-form" onSubmit={submit} noValidate>
        <TextField
          label="Name, date of birth or patient ID"
          hint="Any part of the name (such as a surname), a date of birth such as 1990-12-10 or 10.12.1990, or the patient’s ID."
          type="search"
          autoComplete="off"
          spellCheck={false}
          maxLength={100}
          value={input}
          error={inputError}
          onChange={(event) => setInput(event.target.value)}
        />
        <button type="submit" className="primary">
          Search
        </button>
      </form>

      {query && results.isPending && <Loading label="Searching…" />}
      <ErrorNotice error={results.error} onRetry={() => void results.refetch()} />
      {results.data && (
        <div aria-live="polite">
          {results.data.items.length === 0 ? (
            <p className="notice notice-info">
              No patient matches “{query}”. Check the spelling, or search by date of birth or ID.
            </p>
          ) : (
            <div className="table-wrap">
              <table>
                <caption>
                  {results.data.items.length === 1
                    ? `1 patient matches “${query}”`
                    : `${results.data.items.length} patients match “${query}”`}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Date of birth</th>
                    <th scope="col">Hospital</th>
                    <th scope="col">Patient ID</th>
                  </tr>
                </thead>
                <tbody>
                  {results.data.items.map((patient) => (
                    <tr key={patient.id}>
                      <th scope="row">
                        <Link to={`/patients/${patient.id}`} state={{ patient }}>
                          {patient.fullName}
                        </Link>
                      </th>
                      <td>{formatDate(patient.dateOfBirth)}</td>
                      <td>{hospitalName(patient.hospital)}</td>
                      <td>
                        <code className="break">{patient.id}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {results.data.items.length >= 25 && (
            <p className="meta">Only the first 25 matches are shown: make the search more precise.</p>
          )}
        </div>
      )}
    </Page>
  );
}
