import { randomInt } from 'node:crypto';
import { Agent, request } from 'node:http';
import { API_URL, type ApiResponse } from './api.js';

/**
 * A loopback address of its own for a suite (127.x.y.z; every one of them reaches the API
 * on 127.0.0.1), so that what the API counts per client address, such as failed sign-ins
 * and rate limits, is the suite's alone: the other suites all come from 127.0.0.1.
 */
export function spareLoopbackAddress(): string {
  return `127.${randomInt(100, 250)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
}

/**
 * A client of the API that connects from one local address (`localAddress`) with its own
 * pool of kept-alive sockets: the API sees that address as the client's.
 */
export class ClientAt {
  private readonly agent: Agent;

  constructor(
    readonly address: string,
    private readonly apiUrl = API_URL,
    maxSockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets, localAddress: address });
  }

  /** Calls the API as callApi does: a JSON body (when given) in, status, headers, text and parsed body out. */
  call(
    path: string,
    init: { method?: string; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse> {
    const url = new URL(path, this.apiUrl);
    const body = init.json === undefined ? undefined : Buffer.from(JSON.stringify(init.json));
    const headers: Record<string, string> = { ...init.headers };
    if (body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(body.length);
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(
        url,
        { method: init.method ?? 'GET', headers, agent: this.agent, timeout: 30_000 },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.on('error', reject);
          incoming.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            const answerHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (value !== undefined) answerHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
            }
            resolve({ status: incoming.statusCode ?? 0, headers: answerHeaders, text, body: parsed });
          });
        },
      );
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer from ${url.pathname} within 30 s`)));
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `task` for each item with at most `concurrency` at a time; the results in the items' order. */
export async function inParallel<Item, Result>(
  items: readonly Item[],
  concurrency: number,
  task: (item: Item, index: number) => Promise<Result>,
): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as Item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
