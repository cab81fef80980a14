/**
 * Who wrote a record, from the ledger's `authorRole`: a patient's own upload is marked as
 * patient-provided so that no one mistakes it for a clinician's report.
 */
export function AuthorMark({ authorRole }: { authorRole: 'doctor' | 'patient' | string }) {
  return authorRole === 'patient' ? (
    <span className="tag tag-warn">Added by the patient</span>
  ) : (
    <span className="tag">Written by a clinician</span>
  );
}
