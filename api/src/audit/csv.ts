import type { Response } from 'express';

/** What a spreadsheet would read as a formula at the start of a cell (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): empty for null; quoted, with its quotes doubled, when it holds a
 * comma, a quote or a line break. Text that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, carriage return first) gets a leading apostrophe, so that a name written by
 * a user is never executed by the auditor's spreadsheet.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, ended by CRLF as RFC 4180 has it. */
export function csvLine(values: Array<string | number | null>): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** Resolves once the response can take more, or is closed (a client that went away never drains). */
function writable(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.once('drain', done);
    response.once('close', done);
  });
}

/**
 * Sends CSV text as an attachment, chunk by chunk as `chunks` yields it, waiting for the
 * client when it reads slower. Stops reading `chunks` when the client goes away. An error
 * of `chunks` is thrown on: before any byte it is an error answer; after, the error filter
 * cuts the connection, so that a truncated file never looks complete.
 */
export async function sendCsv(response: Response, fileName: string, chunks: AsyncIterable<string>): Promise<void> {
  response.status(200);
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${fileName.replace(/[^\w.-]/g, '_')}"`);
  response.setHeader('Cache-Control', 'no-store');
  for await (const chunk of chunks) {
    if (response.destroyed) return;
    if (!response.write(chunk)) await writable(response);
  }
  if (!response.destroyed) response.end();
}
