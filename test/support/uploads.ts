import { API_URL, callApi, type ApiResponse } from './api.js';
import { bearer, type SignedIn } from './accounts.js';
import { phiFileName, phiText } from './phi.js';

/**
 * Uploads a file as a doctor, as a browser form would (fields first, then the file); the
 * title and file name are registered PHI probes unless given.
 */
export function uploadReport(
  doctor: SignedIn,
  fields: { patientId: string; type?: string; title?: string },
  file: { bytes: Uint8Array; name?: string; contentType?: string },
  headers: Record<string, string> = {},
  apiUrl?: string,
): Promise<ApiResponse> {
  const form = new FormData();
  form.append('patientId', fields.patientId);
  form.append('type', fields.type ?? 'report');
  form.append('title', fields.title ?? phiText('title', 'Discharge summary:'));
  form.append(
    'file',
    new Blob([file.bytes], { type: file.contentType ?? 'application/pdf' }),
    file.name ?? phiFileName(),
  );
  return callApi(
    '/api/v1/reports',
    { method: 'POST', body: form, headers: { ...bearer(doctor.accessToken), ...headers } },
    apiUrl,
  );
}

/** Opens a report's content and returns the exact bytes with the response headers. */
export async function openReport(
  reader: SignedIn,
  reportId: string,
  apiUrl = API_URL,
): Promise<{ status: number; headers: Headers; bytes: Buffer; body: unknown }> {
  const response = await fetch(`${apiUrl}/api/v1/reports/${reportId}/content`, {
    headers: bearer(reader.accessToken),
    signal: AbortSignal.timeout(60_000),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, bytes, body };
}
