import type { Schemas } from '../api/client';
import type { Proof } from './LedgerProof';

/** The kinds of record the API knows (api/src/reports/report-kinds.ts), as people say them. */
export const REPORT_TYPES = [
  { value: 'report', label: 'Report' },
  { value: 'prescription', label: 'Prescription' },
  { value: 'bill', label: 'Bill' },
  { value: 'lab', label: 'Lab result' },
  { value: 'imaging', label: 'Imaging' },
  { value: 'note', label: 'Note' },
] as const;

export type ReportType = (typeof REPORT_TYPES)[number]['value'];

export function reportTypeLabel(type: string): string {
  return REPORT_TYPES.find((kind) => kind.value === type)?.label ?? type;
}

/** The content types the API accepts for an uploaded file, with the file endings that carry them. */
export const ACCEPTED_CONTENT_TYPES: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg,.jpeg',
  'application/dicom': '.dcm',
  'text/plain': '.txt',
  'application/json': '.json',
  'application/fhir+json': '.fhir.json',
};

/** For an `<input type="file" accept>`: the accepted types and their endings. */
export const ACCEPT_ATTRIBUTE = Object.entries(ACCEPTED_CONTENT_TYPES)
  .flatMap(([type, endings]) => [type, ...endings.split(',')])
  .join(',');

/** The content type to send for a file: the browser's, or one guessed from its ending when it has none. */
export function uploadContentType(file: File): string {
  if (file.type) return file.type.toLowerCase();
  const name = file.name.toLowerCase();
  if (name.endsWith('.dcm')) return 'application/dicom';
  if (name.endsWith('.json')) return 'application/json';
  if (name.endsWith('.txt')) return 'text/plain';
  return 'application/octet-stream';
}

export const isAcceptedContentType = (type: string): boolean => type in ACCEPTED_CONTENT_TYPES;

/** ICD-10 codes as the API checks them (api/src/reports/reports.dto.ts): `J18.9`, `E11.65`. */
export const ICD10_CODE = /^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;

/** The schema name of a structured case report's stored JSON document. */
export const CASE_REPORT_SCHEMA = 'medledger/case-report@1';

export type ReportMetadata = Schemas['ReportMetadataDto'];

/** When the report was recorded on the ledger, if the API said. */
export function reportRecordedAt(report: ReportMetadata): string | null {
  return report.ledger.recordedAt;
}

/** The proof to show for a listed report (LedgerProof). */
export function reportProof(report: ReportMetadata): Proof {
  const { ledger } = report;
  return {
    txId: ledger.txId,
    blockNumber: ledger.blockNumber ?? 'pending',
    cid: ledger.cid,
    sha256: ledger.sha256,
    recordedAt: ledger.recordedAt,
  };
}

/** A fresh Idempotency-Key: one per series of attempts at the same upload. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
