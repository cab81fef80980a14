import { accessToken, refreshAccessToken } from '../session/session';
import { ApiError } from './api-error';
import type { Schemas } from './client';

export type RecordedReport = Schemas['ReportDto'];

export interface ReportUpload {
  patientId: string;
  type: string;
  title: string;
  file: File;
}

/**
 * Uploads a file as a report, with progress (fetch cannot report upload progress; this is
 * the one place that uses XMLHttpRequest). The text fields go before the file, as the API
 * reads them; one Idempotency-Key per upload, so a retry after a lost answer is not recorded twice.
 */
export async function uploadReport(
  upload: ReportUpload,
  onProgress: (sentBytes: number, totalBytes: number) => void,
  idempotencyKey: string,
  signal?: AbortSignal,
): Promise<RecordedReport> {
  const first = await send(upload, onProgress, idempotencyKey, await accessToken(), signal);
  if (!(first instanceof ApiError) || first.status !== 401) return unwrap(first);
  const token = await refreshAccessToken();
  return unwrap(token ? await send(upload, onProgress, idempotencyKey, token, signal) : first);
}

function unwrap(result: RecordedReport | ApiError): RecordedReport {
  if (result instanceof ApiError) throw result;
  return result;
}

function send(
  upload: ReportUpload,
  onProgress: (sentBytes: number, totalBytes: number) => void,
  idempotencyKey: string,
  token: string | null,
  signal?: AbortSignal,
): Promise<RecordedReport | ApiError> {
  const form = new FormData();
  form.append('patientId', upload.patientId);
  form.append('type', upload.type);
  form.append('title', upload.title);
  form.append('file', upload.file, upload.file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/v1/reports');
    if (token) request.setRequestHeader('Authorization', `Bearer ${token}`);
    request.setRequestHeader('Idempotency-Key', idempotencyKey);
    request.responseType = 'text';
    request.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : upload.file.size);
    request.onload = () => {
      const response = new Response(request.responseText, {
        status: request.status,
        headers: parseHeaders(request.getAllResponseHeaders()),
      });
      if (request.status >= 200 && request.status < 300) {
        resolve(JSON.parse(request.responseText) as RecordedReport);
      } else {
        void ApiError.fromResponse(response).then(resolve);
      }
    };
    request.onerror = () => resolve(ApiError.unreachable());
    request.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => request.abort(), { once: true });
    request.send(form);
  });
}

function parseHeaders(raw: string): Headers {
  const headers = new Headers();
  for (const line of raw.trim().split(/[\r\n]+/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return headers;
}
