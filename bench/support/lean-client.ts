import { Agent, request } from 'node:http';
import { randomBytes } from 'node:crypto';

/**
 * The benchmarks' HTTP client for the API: HTTP/1.1 over keep-alive connections, bodies
 * encoded once and sent as bytes. The load generator runs on the machine it measures and
 * shares its cores; `fetch` with a FormData body cost it about 1.3 ms of CPU per upload
 * (multipart encoding, web streams), CPU the API then lacked. The requests are the ones a
 * browser form sends; only the client's own work is less.
 */
export class LeanClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(apiUrl: string, connections: number) {
    this.url = new URL(apiUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<{ status: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const outgoing = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks) }));
          response.on('error', reject);
        },
      );
      outgoing.setTimeout(60_000, () => outgoing.destroy(new Error(`${method} ${path} timed out`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A multipart/form-data body, fields first and then the file, as a browser form encodes it. */
export function multipartBody(
  fields: Record<string, string>,
  file: { bytes: Uint8Array; name: string; contentType: string },
): { contentType: string; body: Buffer } {
  const boundary = `----medledger-bench-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        `Content-Type: ${file.contentType}\r\n\r\n`,
    ),
    Buffer.from(file.bytes),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}
