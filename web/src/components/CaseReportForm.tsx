import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { answer, api } from '../api/client';
import type { RecordedReport } from '../api/upload';
import { ErrorNotice } from './ErrorNotice';
import { SelectField, TextArea, TextField } from './Field';
import { ICD10_CODE, newIdempotencyKey, REPORT_TYPES, type ReportType } from './report-kinds';
import { ReportRecorded } from './ReportRecorded';
import './reports.css';

interface CaseReportFields {
  title: string;
  type: ReportType;
  diagnosis: string;
  codes: string;
  findings: string;
  content: string;
  recommendations: string;
  observedAt: string;
}

type FieldErrors = Partial<Record<keyof CaseReportFields, string>>;

const EMPTY: CaseReportFields = {
  title: '',
  type: 'report',
  diagnosis: '',
  codes: '',
  findings: '',
  content: '',
  recommendations: '',
  observedAt: '',
};

/** The ICD-10 codes typed in the field: separated by commas, spaces or semicolons, upper-cased. */
export function parseIcd10Codes(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean);
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * A structured case report (diagnosis, ICD-10 codes, findings, content, recommendations),
 * posted as JSON and stored like an uploaded document; then its ledger proof.
 */
export function CaseReportForm({
  patientId,
  onRecorded,
}: {
  patientId: string;
  onRecorded?: (report: RecordedReport) => void;
}) {
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [fields, setFields] = useState<CaseReportFields>(EMPTY);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [recorded, setRecorded] = useState<RecordedReport | null>(null);
  const idempotencyKey = useRef<string | null>(null);

  useEffect(() => {
    if (Object.values(fieldErrors).some(Boolean))
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [fieldErrors]);

  const set =
    (name: keyof CaseReportFields) =>
    (event: { target: { value: string } }): void => {
      setFields({ ...fields, [name]: event.target.value });
      setFieldErrors({ ...fieldErrors, [name]: undefined });
      idempotencyKey.current = null;
    };

  const validate = (): FieldErrors => {
    const errors: FieldErrors = {};
    if (!fields.title.trim()) errors.title = 'Give the report a title.';
    if (!fields.diagnosis.trim()) errors.diagnosis = 'Write the diagnosis.';
    const wrong = parseIcd10Codes(fields.codes).filter((code) => !ICD10_CODE.test(code));
    if (wrong.length > 0)
      errors.codes = `${wrong.join(', ')} ${wrong.length === 1 ? 'is not an ICD-10 code' : 'are not ICD-10 codes'}: write a letter, two characters and optionally a dot and up to four more, such as J18.9.`;
    else if (parseIcd10Codes(fields.codes).length > 50) errors.codes = 'At most 50 codes.';
    if (!fields.findings.trim()) errors.findings = 'Write the findings.';
    if (!fields.content.trim()) errors.content = 'Write the report itself.';
    if (fields.observedAt && fields.observedAt > today()) errors.observedAt = 'The date seen cannot be in the future.';
    return errors;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const errors = validate();
    setFieldErrors(errors);
    if (Object.values(errors).some(Boolean)) return;
    setBusy(true);
    setError(null);
    idempotencyKey.current ??= newIdempotencyKey();
    const codes = parseIcd10Codes(fields.codes);
    try {
      const report = await answer(
        api.POST('/api/v1/reports', {
          params: { header: { 'Idempotency-Key': idempotencyKey.current } },
          body: {
            patientId,
            type: fields.type,
            title: fields.title.trim(),
            diagnosis: fields.diagnosis.trim(),
            ...(codes.length ? { diagnosisCodes: [...new Set(codes)] } : {}),
            findings: fields.findings.trim(),
            content: fields.content,
            ...(fields.recommendations.trim() ? { recommendations: fields.recommendations.trim() } : {}),
            ...(fields.observedAt ? { observedAt: fields.observedAt } : {}),
          },
        }),
      );
      setRecorded(report);
      idempotencyKey.current = null;
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
      onRecorded?.(report);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (recorded)
    return (
      <ReportRecorded report={recorded}>
        <button
          type="button"
          onClick={() => {
            setFields(EMPTY);
            setRecorded(null);
          }}
        >
          Write another case report
        </button>
      </ReportRecorded>
    );

  return (
    <form ref={form} className="case-report-form" onSubmit={(event) => void submit(event)} noValidate>
      <div className="form-row">
        <TextField
          label="Title"
          required
          maxLength={300}
          value={fields.title}
          error={fieldErrors.title}
          onChange={set('title')}
        />
        <SelectField label="Type of record" value={fields.type} onChange={set('type')}>
          {REPORT_TYPES.map((kind) => (
            <option key={kind.value} value={kind.value}>
              {kind.label}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Date seen"
          type="date"
          max={today()}
          hint="Optional."
          value={fields.observedAt}
          error={fieldErrors.observedAt}
          onChange={set('observedAt')}
        />
      </div>
      <TextArea
        label="Diagnosis"
        required
        maxLength={10_000}
        rows={2}
        value={fields.diagnosis}
        error={fieldErrors.diagnosis}
        onChange={set('diagnosis')}
      />
      <TextField
        label="ICD-10 codes"
        hint="Optional. Separate codes with commas, such as J18.9, E11.65 (a letter, two characters, then optionally a dot and up to four more)."
        autoCapitalize="characters"
        spellCheck={false}
        value={fields.codes}
        error={fieldErrors.codes}
        onChange={set('codes')}
      />
      <TextArea
        label="Findings"
        hint="Examination and test findings."
        required
        maxLength={100_000}
        value={fields.findings}
        error={fieldErrors.findings}
        onChange={set('findings')}
      />
      <TextArea
        label="Content"
        hint="The report itself: history, course and reasoning."
        required
        rows={8}
        value={fields.content}
        error={fieldErrors.content}
        onChange={set('content')}
      />
      <TextArea
        label="Recommendations"
        hint="Optional. Treatment and follow-up advised."
        maxLength={100_000}
        value={fields.recommendations}
        onChange={set('recommendations')}
      />
      <ErrorNotice error={error} onRetry={() => form.current?.requestSubmit()} />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Recording the case report…' : 'Record the case report'}
      </button>
    </form>
  );
}
