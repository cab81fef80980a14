import busboy from 'busboy';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { exemptFromBodyDeadline } from '../common/request-body-deadline.js';
import { DomainError, InvalidInputError } from '../common/domain-error.js';

export class PayloadTooLargeError extends DomainError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
  readonly status = 415;
}

/** A text field came after the file part: the fields are read once, at the file part. */
export class FieldsAfterFileError extends DomainError {
  readonly code = 'FIELDS_AFTER_FILE';
  readonly status = 400;
}

/** The client sent no byte of its upload for the idle timeout while the API waited for one. */
export class UploadStalledError extends DomainError {
  readonly code = 'UPLOAD_STALLED';
  readonly status = 408;
}

/** The client closed the connection before its upload was complete (no one is left to answer). */
export class UploadAbortedError extends DomainError {
  readonly code = 'UPLOAD_ABORTED';
  readonly status = 400;
}

/** The content of a report as it arrives: a stream, never a whole buffer. */
export interface ReportFile {
  stream: AsyncIterable<Uint8Array>;
  fileName: string | null;
  contentType: string;
}

/** The text fields of an upload as they stood at the file part, checked, and its file. */
export interface MultipartUpload<Fields> {
  fields: Fields;
  file: ReportFile;
}

export interface MultipartUploadOptions<Fields> {
  /** A larger file fails with PayloadTooLargeError as soon as it passes the limit. */
  maxFileBytes: number;
  /** While the API waits for the client's next byte, this long without one cuts the upload (UploadStalledError). */
  idleTimeoutMs: number;
  /** Checks the text fields received before the file part; rejects (a 400) when they do not describe an upload. */
  checkFields: (fields: Record<string, string>) => Promise<Fields>;
}

/** The request of an upload; Express sets `res`, through which a stalled client is answered and disconnected. */
export type UploadRequest = Readable & {
  headers: IncomingHttpHeaders;
  complete?: boolean;
  res?: ServerResponse;
};

const MAX_FIELD_BYTES = 4096;
const MAX_FIELDS = 10;
/**
 * Beyond the file's limit, how much more of a body is read: the fields and the parts'
 * headers, and then, after a refusal, what is left of the body, discarded before the
 * connection is closed.
 */
const BODY_SLACK_BYTES = 1024 * 1024;

const FIELDS_FIRST =
  'text fields must come before the file: send patientId, type and title first, then the part named "file"';

/**
 * Reads a `multipart/form-data` request up to its file part and hands the file on as a
 * stream, never buffering it. The text fields are read once, at the file part, and checked
 * then (`checkFields`), before a byte of the file is stored; a field after the file is
 * refused with FieldsAfterFileError whatever the file's size: when the fields before the
 * file do not pass, the rest of the body is read (the file discarded) to tell a late field
 * from a missing one; when they pass, the file's stream fails at its end if a field follows
 * it, so that nothing a late field says can change a checked upload. The stream fails with
 * PayloadTooLargeError as soon as the file passes `maxFileBytes`, with UploadAbortedError
 * when the client disconnects, and with UploadStalledError when the client sends nothing
 * for `idleTimeoutMs` while the API waits for its bytes (time spent by the API itself, with
 * the client held back, does not count: a slow but progressing upload is never cut).
 * Once the request has been answered, what is left of a refused upload's body is read and
 * discarded (up to the file's limit, under the same idle timeout), so that the client sees
 * the answer on a connection that stays usable.
 */
export function readMultipartUpload<Fields>(
  request: UploadRequest,
  options: MultipartUploadOptions<Fields>,
): Promise<MultipartUpload<Fields>> {
  const contentType = request.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    return Promise.reject(
      new UnsupportedMediaTypeError(
        'uploads are multipart/form-data with a file part named "file", or a JSON case report (application/json)',
      ),
    );
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: request.headers,
      limits: {
        // One byte over the limit tells a file of exactly the limit from a larger one.
        fileSize: options.maxFileBytes + 1,
        files: 1,
        fields: MAX_FIELDS,
        fieldSize: MAX_FIELD_BYTES,
        parts: MAX_FIELDS + 1,
      },
    });
  } catch {
    return Promise.reject(new InvalidInputError('malformed multipart request (no boundary)'));
  }
  return new MultipartReader(request, parser, options).read();
}

/** One upload's reading: the parser's events, the client's progress, and the end of the body. */
class MultipartReader<Fields> {
  private readonly fields: Record<string, string> = {};
  private file?: Readable & { truncated?: boolean };
  /** Why the body cannot be read to its end (aborted, stalled, malformed, a late field); set once. */
  private failure?: Error;
  /** Settles once the parser has read the whole body: rejects with `failure`. */
  private readonly parsed: Promise<void>;
  private resolveParsed!: () => void;
  private rejectParsed!: (error: Error) => void;
  private readonly idle: IdleWatch;

  constructor(
    private readonly request: UploadRequest,
    private readonly parser: busboy.Busboy,
    private readonly options: MultipartUploadOptions<Fields>,
  ) {
    this.parsed = new Promise<void>((resolve, reject) => {
      this.resolveParsed = resolve;
      this.rejectParsed = reject;
    });
    this.parsed.catch(() => undefined); // awaited only by those who need it
    this.idle = new IdleWatch(options.idleTimeoutMs, () =>
      this.end(
        new UploadStalledError(
          `no byte of the upload arrived for ${Math.round(options.idleTimeoutMs / 1000)} s; the upload was cut off`,
        ),
      ),
    );
  }

  read(): Promise<MultipartUpload<Fields>> {
    const { request, parser } = this;
    // This upload's own idle timeout replaces the fixed deadline of other request bodies.
    exemptFromBodyDeadline(request);
    return new Promise((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        this.idle.stop();
        outcome();
      };
      const fail = (error: unknown) => settle(() => reject(error));

      parser.on('field', (name, value, info) => {
        if (this.file) return this.end(new FieldsAfterFileError(FIELDS_FIRST));
        if (info.valueTruncated)
          return this.end(new InvalidInputError(`a field is longer than ${MAX_FIELD_BYTES} bytes`));
        this.fields[name] = value;
      });
      parser.on('file', (name, stream, info) => {
        if (name !== 'file') {
          stream.resume();
          return this.end(new InvalidInputError('unexpected file part: the file goes in a part named "file"'));
        }
        this.file = stream;
        // Its reader hears of a failure by the read it waits on; nobody else must.
        stream.on('error', () => undefined);
        // The fields as they stand now are the upload's: read once, here.
        this.options.checkFields({ ...this.fields }).then(
          (fields) => {
            if (this.failure) return fail(this.failure);
            settle(() =>
              resolve({
                fields,
                file: { stream: this.content(stream), fileName: info.filename ?? null, contentType: info.mimeType },
              }),
            );
          },
          (refusal: unknown) => {
            // Nothing is stored: read the rest (discarding the file) to tell a field sent
            // after the file from one not sent at all.
            stream.resume();
            this.parsed.then(
              () => fail(refusal),
              (failure: unknown) => fail(tellsMore(failure) ? failure : refusal),
            );
          },
        );
      });
      parser.on('filesLimit', () => this.end(new InvalidInputError('one file per upload')));
      parser.on('fieldsLimit', () => this.end(new InvalidInputError('too many fields')));
      parser.on('partsLimit', () => this.end(new InvalidInputError('too many parts')));
      parser.on('error', () => this.end(new InvalidInputError('malformed multipart request')));
      parser.on('close', () => {
        if (!this.file)
          return this.end(
            new InvalidInputError('the upload has no file part named "file"', {
              details: { errors: [{ field: 'file', messages: ['file is required'] }] },
            }),
          );
        this.resolveParsed();
      });
      this.parsed.catch((failure: unknown) => {
        if (!this.file) fail(failure);
      });

      request.once('close', () => {
        if (!request.complete)
          this.end(new UploadAbortedError('the client closed the connection before the upload was complete'));
      });
      request.on('error', () =>
        this.end(new UploadAbortedError('the client closed the connection before the upload was complete')),
      );
      request.res?.once('close', () => this.afterResponse());
      request.pipe(parser);
      let received = 0;
      request.on('data', (chunk: Uint8Array) => {
        this.idle.progress();
        received += chunk.length;
        // However the parts are laid out (a file read only to be discarded included), no
        // body is read much beyond the file's limit.
        if (received > this.options.maxFileBytes + BODY_SLACK_BYTES)
          this.end(new PayloadTooLargeError(`the file is larger than ${this.options.maxFileBytes} bytes`));
      });
      this.idle.start();
    });
  }

  /**
   * The file as the saga reads it: waits for the client only while the saga waits for a
   * chunk, and ends only once the whole body was parsed (no field after the file).
   */
  private async *content(stream: Readable & { truncated?: boolean }): AsyncGenerator<Uint8Array> {
    const { maxFileBytes } = this.options;
    const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    let size = 0;
    try {
      for (;;) {
        this.idle.start();
        const next = await chunks.next();
        this.idle.stop();
        if (next.done) break;
        size += next.value.length;
        if (size > maxFileBytes) throw new PayloadTooLargeError(`the file is larger than ${maxFileBytes} bytes`);
        yield next.value;
      }
      if (stream.truncated) throw new PayloadTooLargeError(`the file is larger than ${maxFileBytes} bytes`);
      this.idle.start();
      await this.parsed;
    } catch (error) {
      // A destroyed file stream fails with its own error: report why the body ended.
      throw this.failure ?? error;
    } finally {
      this.idle.stop();
    }
  }

  /** The body cannot be read to its end: stop reading it, and fail whoever waits for it. */
  private end(failure: Error): void {
    if (this.failure) return;
    this.failure = failure;
    this.idle.stop();
    this.request.unpipe(this.parser);
    this.rejectParsed(failure);
    this.file?.destroy(failure);
    const response = this.request.res;
    // A stalled client is answered, then disconnected (Node closes the connection after a `close` answer).
    if (failure instanceof UploadStalledError && response && !response.headersSent)
      response.setHeader('Connection', 'close');
  }

  /**
   * The request was answered: an upload refused before its body ended leaves the rest of the
   * body unread. Read and discard it (the connection stays usable), within the file's limit
   * and the idle timeout; a stalled or oversized rest closes the connection instead.
   */
  private afterResponse(): void {
    const { request } = this;
    this.idle.stop();
    if (request.readableEnded || request.destroyed) return;
    request.unpipe(this.parser);
    this.file?.destroy();
    // Answered with `Connection: close`: Node closes the connection once the answer is out.
    if (this.failure instanceof UploadStalledError) return;
    let discarded = 0;
    const discard = new IdleWatch(this.options.idleTimeoutMs, () => request.destroy());
    request.on('data', (chunk: Uint8Array) => {
      discarded += chunk.length;
      discard.progress();
      if (discarded > this.options.maxFileBytes + BODY_SLACK_BYTES) request.destroy();
    });
    request.once('close', () => discard.stop());
    discard.start();
    request.resume();
  }
}

/** Whether a failure found while reading past refused fields says more than the refusal itself. */
const tellsMore = (failure: unknown) =>
  failure instanceof FieldsAfterFileError ||
  failure instanceof UploadStalledError ||
  failure instanceof UploadAbortedError;

/** Cuts off a client that sends nothing for `ms` while it is waited for. */
class IdleWatch {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly ms: number,
    private readonly onIdle: () => void,
  ) {}

  /** From now on, the client is waited for. */
  start(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onIdle();
    }, this.ms);
  }

  /** A byte arrived: the wait starts over. */
  progress(): void {
    this.timer?.refresh();
  }

  /** The client is not waited for (the API is busy with what it sent, or it is done). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
