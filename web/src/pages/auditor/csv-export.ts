import { ApiError } from '../../api/api-error';
import { accessToken, refreshAccessToken } from '../../session/session';

export interface SavedFile {
  fileName: string;
  bytes: number;
}

/** The name the API gave the attachment (`Content-Disposition`), else a dated one. */
function fileNameOf(response: Response): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const today = new Date().toISOString().slice(0, 10);
  const base = named ? decodeURIComponent(named) : 'accesses.csv';
  return base.replace(/\.csv$/i, `-${today}.csv`);
}

async function send(url: string, token: string | null): Promise<Response> {
  try {
    return await fetch(url, {
      headers: { Accept: 'text/csv', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    });
  } catch {
    throw ApiError.unreachable();
  }
}

/**
 * Downloads a CSV the API streams (`Accept: text/csv`) and hands it to the browser as a
 * file through a blob link: nothing is kept in any browser storage, and the object URL is
 * released once the download has started.
 */
export async function downloadCsv(url: string): Promise<SavedFile> {
  let response = await send(url, await accessToken());
  if (response.status === 401) {
    const token = await refreshAccessToken();
    if (token) response = await send(url, token);
  }
  if (!response.ok) throw await ApiError.fromResponse(response);
  const blob = await response.blob();
  const fileName = fileNameOf(response);
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return { fileName, bytes: blob.size };
}
