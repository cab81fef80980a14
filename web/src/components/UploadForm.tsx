import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { type RecordedReport, uploadReport } from '../api/upload';
import { ErrorNotice } from './ErrorNotice';
import { SelectField, TextField } from './Field';
import { formatBytes } from './format';
import {
  ACCEPT_ATTRIBUTE,
  isAcceptedContentType,
  newIdempotencyKey,
  REPORT_TYPES,
  type ReportType,
  uploadContentType,
} from './report-kinds';
import { ReportRecorded } from './ReportRecorded';
import './reports.css';

type Phase = 'idle' | 'sending' | 'recording' | 'done';

interface FieldErrors {
  file?: string;
  title?: string;
}

/**
 * Uploads a file as a record of a patient (a doctor's upload, or a patient's own, which the
 * ledger marks patient-provided), with a real progress bar, then shows the ledger proof.
 * A retry after a failure sends the same Idempotency-Key, so nothing is recorded twice.
 */
export function UploadForm({
  patientId,
  onRecorded,
  defaultType = 'report',
}: {
  patientId: string;
  onRecorded?: (report: RecordedReport) => void;
  defaultType?: ReportType;
}) {
  const queryClient = useQueryClient();
  const progressId = useId();
  const form = useRef<HTMLFormElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [type, setType] = useState<ReportType>(defaultType);
  const [title, setTitle] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [phase, setPhase] = useState<Phase>('idle');
  const [percent, setPercent] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [recorded, setRecorded] = useState<RecordedReport | null>(null);
  const [formKey, setFormKey] = useState(0);
  const idempotencyKey = useRef<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  useEffect(() => () => abort.current?.abort(), []);
  useEffect(() => {
    if (fieldErrors.file || fieldErrors.title)
      form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [fieldErrors]);

  /** A change to what is uploaded is a new upload, with a new key. */
  const changed = () => {
    idempotencyKey.current = null;
    setError(null);
  };

  const validate = (): FieldErrors => {
    const errors: FieldErrors = {};
    if (!file) errors.file = 'Choose the file to upload.';
    else if (file.size === 0) errors.file = 'This file is empty.';
    else if (!isAcceptedContentType(uploadContentType(file)))
      errors.file = 'This kind of file is not accepted: choose a PDF, PNG or JPEG image, DICOM, text or JSON file.';
    if (!title.trim()) errors.title = 'Give the record a title.';
    else if (title.trim().length > 300) errors.title = 'The title can have at most 300 characters.';
    return errors;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const errors = validate();
    setFieldErrors(errors);
    if (errors.file || errors.title || !file) return;
    setError(null);
    setPercent(0);
    setPhase('sending');
    idempotencyKey.current ??= newIdempotencyKey();
    abort.current = new AbortController();
    const typed = file.type ? file : new File([file], file.name, { type: uploadContentType(file) });
    try {
      const report = await uploadReport(
        { patientId, type, title: title.trim(), file: typed },
        (sent, total) => {
          const share = total > 0 ? Math.min(100, Math.floor((sent / total) * 100)) : 0;
          setPercent(share);
          if (share >= 100) setPhase('recording');
        },
        idempotencyKey.current,
        abort.current.signal,
      );
      setPercent(100);
      setRecorded(report);
      setPhase('done');
      idempotencyKey.current = null;
      void queryClient.invalidateQueries({ queryKey: ['reports'] });
      onRecorded?.(report);
    } catch (failure) {
      setPhase('idle');
      if (failure instanceof DOMException && failure.name === 'AbortError') return;
      setError(failure);
    } finally {
      abort.current = null;
    }
  };

  const reset = () => {
    setFile(null);
    setTitle('');
    setType(defaultType);
    setRecorded(null);
    setPhase('idle');
    setPercent(0);
    setFieldErrors({});
    setFormKey((key) => key + 1);
  };

  const busy = phase === 'sending' || phase === 'recording';
  return (
    <div className="upload-form">
      {phase !== 'done' && (
        <form ref={form} key={formKey} onSubmit={(event) => void submit(event)} noValidate>
          <TextField
            label="File"
            type="file"
            accept={ACCEPT_ATTRIBUTE}
            hint="A PDF, a PNG or JPEG image, a DICOM file, plain text or JSON."
            error={fieldErrors.file}
            disabled={busy}
            onChange={(event) => {
              const chosen = event.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen && !title) setTitle(chosen.name.replace(/\.[^.]+$/, ''));
              setFieldErrors({ ...fieldErrors, file: undefined });
              changed();
            }}
          />
          {file && (
            <p className="meta">
              {file.name}, {formatBytes(file.size)}
            </p>
          )}
          <div className="form-row">
            <SelectField
              label="Type of record"
              value={type}
              disabled={busy}
              onChange={(event) => {
                setType(event.target.value as ReportType);
                changed();
              }}
            >
              {REPORT_TYPES.map((kind) => (
                <option key={kind.value} value={kind.value}>
                  {kind.label}
                </option>
              ))}
            </SelectField>
            <TextField
              label="Title"
              required
              maxLength={300}
              value={title}
              error={fieldErrors.title}
              disabled={busy}
              onChange={(event) => {
                setTitle(event.target.value);
                setFieldErrors({ ...fieldErrors, title: undefined });
                changed();
              }}
            />
          </div>
          <ErrorNotice error={error} onRetry={() => form.current?.requestSubmit()} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Uploading…' : error ? 'Upload again' : 'Upload'}
            </button>
            {phase === 'sending' && (
              <button type="button" onClick={() => abort.current?.abort()}>
                Cancel upload
              </button>
            )}
          </div>
        </form>
      )}
      {phase !== 'idle' && (
        <div className="upload-progress">
          <label htmlFor={progressId}>Upload progress</label>
          <div className="progress-line">
            <progress id={progressId} max={100} value={percent}>
              {percent} %
            </progress>
            <span className="progress-text">{percent} %</span>
          </div>
          <p role="status" className="meta">
            {phase === 'sending' && `Sending ${file?.name ?? 'the file'}…`}
            {phase === 'recording' && 'Sent. Encrypting, storing and recording on the ledger…'}
            {phase === 'done' && 'Upload complete.'}
          </p>
        </div>
      )}
      {recorded && (
        <ReportRecorded report={recorded}>
          <button type="button" onClick={reset}>
            Upload another file
          </button>
        </ReportRecorded>
      )}
    </div>
  );
}
