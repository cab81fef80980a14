import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { answer, api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { TextField } from '../../components/Field';
import { formatDate, shortId } from '../../components/format';

/** Someone chosen for a care assignment: enough to name them back to the admin. */
export interface Person {
  id: string;
  fullName: string | null;
  detail: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The text after the user has stopped typing for a moment: one search, not one per key. */
function useSettled(text: string, delayMs = 250): string {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(text), delayMs);
    return () => window.clearTimeout(timer);
  }, [text, delayMs]);
  return settled;
}

async function search(kind: 'patient' | 'doctor', query: string): Promise<Person[]> {
  const page = await answer(api.GET('/api/v1/admin/users/search', { params: { query: { query, role: kind } } }));
  if (kind === 'patient') {
    return page.items.map((patient) => ({
      id: patient.id,
      fullName: patient.fullName,
      detail: `born ${formatDate(patient.dateOfBirth)} · ID ${shortId(patient.id, 8)}${patient.status === 'suspended' ? ' · suspended' : ''}`,
    }));
  }
  return page.items
    .filter((doctor) => doctor.status === 'active')
    .map((doctor) => ({
      id: doctor.id,
      fullName: doctor.fullName,
      detail: `licence ${doctor.licenseNumber ?? '—'} · ID ${shortId(doctor.id, 8)}`,
    }));
}

/**
 * A search box and the matches as radio buttons, in one fieldset named by `legend`. For a
 * patient, a full patient ID that matches no one here can still be chosen: a patient of
 * another hospital treated at this one (the ledger knows them).
 */
export function PersonPicker({
  kind,
  legend,
  hospital,
  chosen,
  onChoose,
  error,
}: {
  kind: 'patient' | 'doctor';
  legend: string;
  hospital: string;
  chosen: Person | null;
  onChoose: (person: Person) => void;
  error?: string | null;
}) {
  const [text, setText] = useState('');
  const query = useSettled(text.trim());
  const errorId = useId();
  const name = useId();
  const matches = useQuery({
    queryKey: ['admin', 'care-candidates', kind, query],
    queryFn: () => search(kind, query),
    enabled: kind === 'doctor' || query !== '',
    placeholderData: (previous) => previous,
  });
  const found = matches.data ?? [];
  const elsewhere =
    kind === 'patient' && UUID.test(query) && matches.isSuccess && !found.some((person) => person.id === query)
      ? { id: query.toLowerCase(), fullName: null, detail: 'a patient of another hospital, by ID' }
      : null;
  const options = elsewhere ? [...found, elsewhere] : found;
  const noun = kind === 'patient' ? 'patient' : 'doctor';

  return (
    <fieldset className="picker" aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      <TextField
        label={`Find a ${noun}`}
        hint={
          kind === 'patient'
            ? 'Words of the name, the e-mail, a date of birth (YYYY-MM-DD) or the patient ID.'
            : 'Words of the name, the e-mail, the start of the licence number, or the ID. Active doctors only.'
        }
        type="search"
        autoComplete="off"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <ErrorNotice error={matches.error} onRetry={() => void matches.refetch()} />
      <p className="meta" role="status" aria-live="polite">
        {kind === 'patient' && query === ''
          ? 'Type to find a patient.'
          : matches.isFetching && !matches.data
            ? 'Searching…'
            : matches.isSuccess
              ? found.length === 0
                ? `No ${noun} of ${hospital} matches${elsewhere ? '; you can still choose the ID' : ''}.`
                : `${found.length}${found.length === 25 ? ' or more' : ''} ${noun}${found.length === 1 ? '' : 's'} match${found.length === 1 ? 'es' : ''}${found.length === 25 ? ': refine the search' : ''}.`
              : ''}
      </p>
      {options.length > 0 && (
        <ul className="picker-options">
          {options.map((person) => (
            <li key={person.id}>
              <label className="check">
                <input
                  type="radio"
                  name={name}
                  value={person.id}
                  checked={chosen?.id === person.id}
                  onChange={() => onChoose(person)}
                />
                <span>
                  <span className="picker-name">{person.fullName ?? `Patient ${shortId(person.id, 8)}`}</span>{' '}
                  <span className="meta">{person.detail}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      )}
      <p className="picker-chosen">
        {chosen ? (
          <>
            Chosen: <strong>{chosen.fullName ?? `patient ${shortId(chosen.id, 8)}`}</strong>
          </>
        ) : (
          `No ${noun} chosen yet.`
        )}
      </p>
      {error && (
        <p id={errorId} className="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}
