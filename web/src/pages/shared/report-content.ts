import { ApiError } from '../../api/api-error';
import { accessToken, refreshAccessToken } from '../../session/session';
import { CASE_REPORT_SCHEMA } from '../../components/report-kinds';

/** A structured case report as the API stores it (api/src/reports/reports.dto.ts, CaseReportDto.toDocument). */
export interface CaseReportDocument {
  schema: typeof CASE_REPORT_SCHEMA;
  title: string;
  type: string;
  diagnosis: string;
  diagnosisCodes: string[];
  findings: string;
  content: string;
  recommendations: string | null;
  observedAt: string | null;
}

/** An opened record: the verified content and what the API said about it. */
export interface OpenedContent {
  blob: Blob;
  contentType: string;
  fileName: string;
  /** `X-Integrity-Verified` and `X-Ledger-Verified` both true, and the received bytes match `X-Content-SHA256`. */
  verified: boolean;
  /** The digest of the received bytes differs from the one the API announced. */
  digestMismatch: boolean;
  ledgerTxId: string | null;
  receiptTxId: string | null;
  caseReport: CaseReportDocument | null;
}

/**
 * The content of a record (GET /reports/{id}/content) with the bearer token; one refresh
 * after a 401. Opening is a ledger transaction (the access receipt), so this runs once per
 * page visit. A transfer cut short (a later chunk failed verification) is an integrity failure.
 */
export async function openReportContent(reportId: string, signal?: AbortSignal): Promise<OpenedContent> {
  const url = `/api/v1/reports/${encodeURIComponent(reportId)}/content`;
  let response = await send(url, await accessToken(), signal);
  if (response.status === 401) {
    const token = await refreshAccessToken();
    if (token) response = await send(url, token, signal);
  }
  if (!response.ok) throw await ApiError.fromResponse(response);

  let blob: Blob;
  try {
    blob = await response.blob();
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(
      422,
      'TRANSFER_INTERRUPTED',
      'The content stopped arriving part way: it could not be verified in full, so none of it is shown',
      response.headers.get('x-request-id'),
    );
  }
  const contentType = (response.headers.get('content-type') ?? blob.type ?? '').split(';')[0]!.trim().toLowerCase();
  const announced = response.headers.get('x-content-sha256')?.toLowerCase() ?? null;
  const digest = announced ? await sha256Hex(blob) : null;
  const digestMismatch = announced !== null && digest !== null && digest !== announced;
  const typed = blob.type === contentType ? blob : new Blob([blob], { type: contentType });
  return {
    blob: typed,
    contentType,
    fileName: fileNameOf(response.headers.get('content-disposition')) ?? `record-${reportId}`,
    verified:
      response.headers.get('x-integrity-verified') === 'true' &&
      response.headers.get('x-ledger-verified') === 'true' &&
      !digestMismatch,
    digestMismatch,
    ledgerTxId: response.headers.get('x-ledger-tx-id'),
    receiptTxId: response.headers.get('x-access-receipt-tx-id'),
    caseReport: isJson(contentType) ? parseCaseReport(await typed.text()) : null,
  };
}

async function send(url: string, token: string | null, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(url, {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      cache: 'no-store',
      signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw ApiError.unreachable();
  }
}

const isJson = (type: string) => type === 'application/json' || type.endsWith('+json');

/** The case report in a JSON document, or null when the document is something else. */
export function parseCaseReport(text: string): CaseReportDocument | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const document = value as Record<string, unknown>;
  if (document.schema !== CASE_REPORT_SCHEMA) return null;
  const text_ = (key: string) => (typeof document[key] === 'string' ? document[key] : '');
  const optional = (key: string) => (typeof document[key] === 'string' ? document[key] : null);
  return {
    schema: CASE_REPORT_SCHEMA,
    title: text_('title'),
    type: text_('type'),
    diagnosis: text_('diagnosis'),
    diagnosisCodes: Array.isArray(document.diagnosisCodes)
      ? document.diagnosisCodes.filter((code): code is string => typeof code === 'string')
      : [],
    findings: text_('findings'),
    content: text_('content'),
    recommendations: optional('recommendations'),
    observedAt: optional('observedAt'),
  };
}

/** `attachment; filename="scan.pdf"` → `scan.pdf`. */
export function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded) {
    try {
      return decodeURIComponent(encoded[1]!);
    } catch {
      // fall through to the plain name
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
}

async function sha256Hex(blob: Blob): Promise<string | null> {
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
