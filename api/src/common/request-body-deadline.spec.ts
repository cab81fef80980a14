import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exemptFromBodyDeadline, requestBodyDeadline } from './request-body-deadline.js';

const DEADLINE_MS = 300;

describe('requestBodyDeadline', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const app = express();
    app.use(requestBodyDeadline(DEADLINE_MS) as unknown as express.RequestHandler);
    app.post('/body', (request, response) => {
      if (request.headers['x-exempt']) exemptFromBodyDeadline(request);
      let size = 0;
      request.on('data', (chunk: Buffer) => (size += chunk.length));
      request.on('end', () => {
        if (!response.headersSent) response.json({ size });
      });
    });
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  /** Sends `pieces` with `pauseMs` between them; the answer's status, body and Connection header. */
  async function send(pieces: string[], pauseMs: number, headers: Record<string, string> = {}) {
    const client = httpRequest({ port, host: '127.0.0.1', path: '/body', method: 'POST', headers });
    client.on('error', () => undefined);
    const answered = new Promise<{ status: number; body: unknown; connection?: string }>((resolve) =>
      client.once('response', (response: IncomingMessage) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString()) as unknown,
            connection: response.headers.connection,
          }),
        );
      }),
    );
    for (const piece of pieces) {
      if (client.destroyed) break;
      client.write(piece);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    if (!client.destroyed) client.end();
    return answered;
  }

  it('lets a body that arrives in time through', async () => {
    expect(await send(['{"a":', '1}'], 10)).toMatchObject({ status: 200, body: { size: 7 } });
  });

  it('answers 408 REQUEST_TIMEOUT on a closed connection to a body still arriving at the deadline', async () => {
    const answer = await send(['{"a":', '1', '2', '3', '}'], DEADLINE_MS / 2);
    expect(answer).toMatchObject({ status: 408, body: { code: 'REQUEST_TIMEOUT' }, connection: 'close' });
  });

  it('leaves a body read under its own timeout alone (an upload)', async () => {
    const answer = await send(['{"a":', '1', '2', '3', '}'], DEADLINE_MS / 2, { 'x-exempt': '1' });
    expect(answer).toMatchObject({ status: 200, body: { size: 9 } });
  });
});
