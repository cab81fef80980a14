import busboy from 'busboy';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { DomainError, InvalidInputError } from '../common/domain-error.js';

export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}

/** The content of a report as it arrives: a stream, never a whole buffer. */
export interface ReportFile {
  stream: AsyncIterable<Uint8Array>;
  fileName: string | null;
  contentType: string;
}

/** The text fields of an upload (they must come before the file part) and its file. */
export interface MultipartUpload {
  fields: Record<string, string>;
  file: ReportFile;
}

const MAX_FIELD_BYTES = 4096;
const MAX_FIELDS = 10;

/**
 * Reads a `multipart/form-data` request up to its file part and hands the file on as a
 * stream, never buffering it: the text fields first (so that they can be checked before a
 * byte of the file is stored), then the file, which fails with PayloadTooLargeError as soon
 * as it passes `maxFileBytes` — before the rest of the request is read.
 */
export function readMultipartUpload(
  request: Readable & { headers: IncomingHttpHeaders },
  maxFileBytes: number,
): Promise<MultipartUpload> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    return Promise.reject(
      new UnsupportedMediaTypeError(
        'uploads are multipart/form-data with a file part named "file", or a JSON case report (application/json)',
      ),
    );
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: {
          // One byte over the limit tells a file of exactly the limit from a larger one.
          fileSize: maxFileBytes + 1,
          files: 1,
          fields: MAX_FIELDS,
          fieldSize: MAX_FIELD_BYTES,
          parts: MAX_FIELDS + 1,
        },
      });
    } catch {
      reject(new InvalidInputError('malformed multipart request (no boundary)'));
      return;
    }
    const fields: Record<string, string> = {};
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      request.unpipe(parser);
      request.resume();
      reject(error);
    };
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated)
        return fail(new InvalidInputError(`field ${name} is longer than ${MAX_FIELD_BYTES} bytes`));
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return fail(new InvalidInputError(`unexpected file part "${name}": the file goes in a part named "file"`));
      }
      settled = true;
      resolve({
        fields,
        file: { stream: limited(stream, maxFileBytes), fileName: info.filename ?? null, contentType: info.mimeType },
      });
    });
    parser.on('filesLimit', () => fail(new InvalidInputError('one file per upload')));
    parser.on('fieldsLimit', () => fail(new InvalidInputError('too many fields')));
    parser.on('error', () => fail(new InvalidInputError('malformed multipart request')));
    parser.on('close', () =>
      fail(
        new InvalidInputError('the upload has no file part named "file"', {
          details: { errors: [{ field: 'file', messages: ['file is required'] }] },
        }),
      ),
    );
    request.pipe(parser);
  });
}

/** Passes the file through, failing with PayloadTooLargeError as soon as it passes the limit. */
async function* limited(stream: Readable & { truncated?: boolean }, maxFileBytes: number): AsyncIterable<Uint8Array> {
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Uint8Array).length;
    if (size > maxFileBytes) throw new PayloadTooLargeError(`the file is larger than ${maxFileBytes} bytes`);
    yield chunk as Uint8Array;
  }
  if (stream.truncated) throw new PayloadTooLargeError(`the file is larger than ${maxFileBytes} bytes`);
}
