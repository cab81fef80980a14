import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError, InvalidInputError } from '../common/domain-error.js';
import { readMultipartUpload, type UploadRequest } from './multipart-upload.js';

const BOUNDARY = 'spec-boundary';
const IDLE_MS = 400;
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const FIELDS = { patientId: 'p-1', type: 'report', title: 'Discharge summary' };

const fieldPart = (name: string, value: string) =>
  Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const fileHead = () =>
  Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
const fileEnd = () => Buffer.from('\r\n');
const closing = () => Buffer.from(`--${BOUNDARY}--\r\n`);
const fieldParts = (fields: Record<string, string>) =>
  Buffer.concat(Object.entries(fields).map(([name, value]) => fieldPart(name, value)));

/** What the server made of one upload: its fields and file size, or the error's code. */
interface Outcome {
  status: number;
  code?: string;
  fields?: Record<string, string>;
  size?: number;
  connection?: string;
  reusedSocket?: boolean;
}

class ForbiddenSpecError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the client's request is done and its connection back in the agent's pool (the server kept it open). */
async function socketFreed(agent: Agent): Promise<void> {
  for (let waited = 0; Object.keys(agent.freeSockets).length === 0; waited += 10) {
    if (waited > 2000) throw new Error('the connection was not kept open');
    await sleep(10);
  }
}

/**
 * A real HTTP server around readMultipartUpload, as the upload route uses it: the fields are
 * checked at the file part, then the file is read (after `busyMs`, the API's own work).
 */
describe('readMultipartUpload', () => {
  let server: Server;
  let url: URL;
  let busyMs = 0;
  /** The route refuses the upload once its fields are known, leaving the file unread (an authorisation refusal). */
  let refuseUnread = false;
  const outcomes: Outcome[] = [];
  const waiting: Array<(outcome: Outcome) => void> = [];
  const record = (outcome: Outcome) => {
    const next = waiting.shift();
    if (next) next(outcome);
    else outcomes.push(outcome);
  };
  /** The server's outcome of the next upload, whether or not its client is still there. */
  const nextOutcome = () =>
    new Promise<Outcome>((resolve) => {
      const ready = outcomes.shift();
      if (ready) resolve(ready);
      else waiting.push(resolve);
    });

  beforeAll(async () => {
    server = createServer((request, response) => {
      (request as UploadRequest).res = response;
      void (async () => {
        try {
          const upload = await readMultipartUpload(request, {
            maxFileBytes: MAX_FILE_BYTES,
            idleTimeoutMs: IDLE_MS,
            checkFields: (fields) => {
              const missing = Object.keys(FIELDS).filter((name) => !fields[name]);
              if (missing.length > 0) return Promise.reject(new InvalidInputError(`missing ${missing.join(', ')}`));
              return Promise.resolve(fields);
            },
          });
          await sleep(busyMs);
          if (refuseUnread) throw new ForbiddenSpecError('refused before a byte of the file was read');
          let size = 0;
          for await (const chunk of upload.file.stream) size += chunk.length;
          const outcome = { status: 201, fields: upload.fields, size };
          record(outcome);
          response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(outcome));
        } catch (error) {
          const status = error instanceof DomainError ? error.status : 500;
          const code = error instanceof DomainError ? error.code : String(error);
          record({ status, code });
          if (!response.headersSent && !response.destroyed)
            response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status, code }));
        }
      })();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  /**
   * Sends a body piece by piece (`pause` between pieces: a slow client), then reads the answer;
   * `abortAfter` pieces, the client disconnects instead; `stallAfter` pieces, it sends nothing more.
   */
  async function send(
    pieces: Buffer[],
    options: { pause?: number; abortAfter?: number; stallAfter?: number; agent?: Agent } = {},
  ): Promise<Outcome | 'aborted'> {
    const client = httpRequest(url, {
      method: 'POST',
      agent: options.agent,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'transfer-encoding': 'chunked' },
    });
    const answered = new Promise<Outcome>((resolve, reject) => {
      client.once('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () =>
          resolve({
            ...(JSON.parse(Buffer.concat(chunks).toString()) as Outcome),
            connection: response.headers.connection,
            reusedSocket: client.reusedSocket,
          }),
        );
      });
      client.once('error', reject);
    });
    answered.catch(() => undefined);
    for (const [index, piece] of pieces.entries()) {
      if (index === options.abortAfter) {
        client.destroy();
        return 'aborted';
      }
      if (index === options.stallAfter) return answered;
      client.write(piece);
      if (options.pause) await sleep(options.pause);
    }
    client.end();
    return answered;
  }

  it('reads the fields sent before the file, and the whole file', async () => {
    const bytes = randomBytes(300_000);
    const answer = await send([fieldParts(FIELDS), fileHead(), bytes, fileEnd(), closing()]);
    expect(answer).toMatchObject({ status: 201, fields: FIELDS, size: bytes.length });
    expect(await nextOutcome()).toMatchObject({ status: 201 });
  });

  it.each([
    ['10 bytes', 10],
    ['1 MiB', 1024 * 1024],
  ])('refuses fields sent after a file of %s with the same 400 FIELDS_AFTER_FILE', async (_size, size) => {
    const answer = await send([fileHead(), randomBytes(size), fileEnd(), fieldParts(FIELDS), closing()]);
    expect(answer).toMatchObject({ status: 400, code: 'FIELDS_AFTER_FILE' });
    expect(await nextOutcome()).toMatchObject({ code: 'FIELDS_AFTER_FILE' });
  });

  it('refuses a field after the file even when the fields before it passed: the checked upload never changes', async () => {
    const answer = await send([
      fieldParts(FIELDS),
      fileHead(),
      randomBytes(1000),
      fileEnd(),
      fieldPart('title', 'Another title'),
      closing(),
    ]);
    expect(answer).toMatchObject({ status: 400, code: 'FIELDS_AFTER_FILE' });
    await nextOutcome();
  });

  it('answers the field check’s own refusal when a field is missing, not sent late', async () => {
    const answer = await send([fieldPart('patientId', 'p-1'), fileHead(), randomBytes(10), fileEnd(), closing()]);
    expect(answer).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    await nextOutcome();
  });

  it('reads no more than the limit of a body whose fields did not pass, to find late fields', async () => {
    const answer = await send([fieldPart('type', 'report'), fileHead(), randomBytes(MAX_FILE_BYTES + 2 * 1024 * 1024)]);
    expect(answer).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    await nextOutcome();
  });

  it('fails the file’s stream at once when the client disconnects in the middle of the file', async () => {
    const started = Date.now();
    const answer = await send([fieldParts(FIELDS), fileHead(), randomBytes(64 * 1024), randomBytes(64 * 1024)], {
      abortAfter: 3,
      pause: 20,
    });
    expect(answer).toBe('aborted');
    expect(await nextOutcome()).toMatchObject({ code: 'UPLOAD_ABORTED' });
    expect(Date.now() - started).toBeLessThan(IDLE_MS);
  });

  it('fails a disconnect before the file part too', async () => {
    expect(await send([fieldParts(FIELDS), fieldPart('x', 'y')], { abortAfter: 1, pause: 20 })).toBe('aborted');
    expect(await nextOutcome()).toMatchObject({ code: 'UPLOAD_ABORTED' });
  });

  it('cuts a stalled upload after the idle timeout with 408 UPLOAD_STALLED, and closes the connection', async () => {
    const started = Date.now();
    const answer = await send([fieldParts(FIELDS), fileHead(), randomBytes(1000), randomBytes(1000)], {
      stallAfter: 3,
    });
    expect(answer).toMatchObject({ status: 408, code: 'UPLOAD_STALLED', connection: 'close' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS);
    await nextOutcome();
  });

  it('cuts a client that stalls before its file part too', async () => {
    const answer = await send([fieldPart('patientId', 'p-1'), fieldPart('type', 'report'), fileHead()], {
      stallAfter: 2,
    });
    expect(answer).toMatchObject({ status: 408, code: 'UPLOAD_STALLED' });
    await nextOutcome();
  });

  it('never cuts a slow upload that keeps sending, however long it takes in all', async () => {
    const pieces = Array.from({ length: 12 }, () => randomBytes(1000)); // 12 × IDLE_MS / 2: three idle timeouts
    const answer = await send([fieldParts(FIELDS), fileHead(), ...pieces, fileEnd(), closing()], {
      pause: IDLE_MS / 2,
    });
    expect(answer).toMatchObject({ status: 201, size: 12_000 });
    await nextOutcome();
  });

  it('does not count the API’s own work against the client: the file read after a long pause is whole', async () => {
    busyMs = IDLE_MS * 3;
    try {
      const bytes = randomBytes(2 * 1024 * 1024);
      const answer = await send([fieldParts(FIELDS), fileHead(), bytes, fileEnd(), closing()]);
      expect(answer).toMatchObject({ status: 201, size: bytes.length });
      await nextOutcome();
    } finally {
      busyMs = 0;
    }
  });

  it('answers 413 as soon as the file passes the limit', async () => {
    const answer = await send([fieldParts(FIELDS), fileHead(), randomBytes(MAX_FILE_BYTES + 1), fileEnd(), closing()]);
    expect(answer).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    await nextOutcome();
  });

  it('keeps the connection usable after an upload refused before its body ended', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Refused at the file part: the rest of the body is read and discarded, the answer arrives.
      const refused = await send(
        [fieldPart('patientId', 'p-1'), fileHead(), randomBytes(1024 * 1024), fileEnd(), closing()],
        { agent },
      );
      expect(refused).toMatchObject({ status: 400, connection: 'keep-alive' });
      await nextOutcome();
      await socketFreed(agent);
      const next = await send([fieldParts(FIELDS), fileHead(), randomBytes(10), fileEnd(), closing()], { agent });
      expect(next).toMatchObject({ status: 201, size: 10, reusedSocket: true });
      await nextOutcome();
    } finally {
      agent.destroy();
    }
  });

  it('answers a refusal made before the file is read while the client still sends it, and discards the rest', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    refuseUnread = true;
    try {
      const pieces = Array.from({ length: 8 }, () => randomBytes(256 * 1024));
      const refused = await send([fieldParts(FIELDS), fileHead(), ...pieces, fileEnd(), closing()], {
        agent,
        pause: 10,
      });
      expect(refused).toMatchObject({ status: 403, code: 'FORBIDDEN', connection: 'keep-alive' });
      await nextOutcome();
      refuseUnread = false;
      await socketFreed(agent);
      const next = await send([fieldParts(FIELDS), fileHead(), randomBytes(10), fileEnd(), closing()], { agent });
      expect(next).toMatchObject({ status: 201, size: 10, reusedSocket: true });
      await nextOutcome();
    } finally {
      refuseUnread = false;
      agent.destroy();
    }
  });
});
