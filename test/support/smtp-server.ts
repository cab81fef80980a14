import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One e-mail as the test SMTP server received it. */
export interface ReceivedMail {
  /** The envelope's sender (MAIL FROM). */
  from: string;
  /** The envelope's recipients (RCPT TO). */
  to: string[];
  /** The message as it came over the wire: headers and body. */
  raw: string;
  /** The Message-ID header, with its angle brackets; null when there was none. */
  messageId: string | null;
}

/**
 * A real SMTP server on loopback, for the suites: no authentication, no TLS, every message
 * kept in memory. The API sends to it when SMTP_URL points at its port (`npm test` sets
 * that); until a suite starts it, the API's e-mail waits in the outbox.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  private server?: SMTPServer;
  private boundPort?: number;

  /** `port` 0 takes a free port (see `port` once started). */
  constructor(private readonly requestedPort = Number(process.env.TEST_SMTP_PORT ?? 2525)) {}

  /** The port it listens on (or last listened on). */
  get port(): number {
    return this.boundPort ?? this.requestedPort;
  }

  /** The SMTP_URL that points at this server. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      logger: false,
      // Without this, stop() would wait up to 30 s for connections a client keeps open.
      closeTimeout: 100,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', callback);
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          const { mailFrom, rcptTo } = session.envelope;
          this.received.push({
            from: mailFrom ? mailFrom.address : '',
            to: rcptTo.map((recipient) => recipient.address),
            raw,
            messageId: headerOf(raw, 'Message-ID'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // The port it had before, once it had one: a restarted server is found where it was.
      server.listen(this.port, '127.0.0.1', () => {
        server.off('error', reject);
        this.boundPort = (server.server.address() as AddressInfo).port;
        resolve();
      });
    });
    // A client that drops its connection is no failure of the server (and an unheard 'error' would end the process).
    server.on('error', () => undefined);
    this.server = server;
  }

  /** Stops listening and closes the connections still open. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of server.connections) connection.close();
    await closed;
  }

  /** The messages received for this address (compared case-insensitively), oldest first. */
  messagesTo(address: string): ReceivedMail[] {
    const wanted = address.toLowerCase();
    return this.received.filter((mail) => mail.to.some((to) => to.toLowerCase() === wanted));
  }

  /** Waits until at least `count` messages came for this address; fails after `timeoutMs`. */
  async waitForMessages(address: string, count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const messages = this.messagesTo(address);
      if (messages.length >= count) return messages;
      if (Date.now() >= deadline) {
        throw new Error(`${messages.length} of ${count} messages to ${address} arrived within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A header's value from a raw message (unfolded), or null. */
function headerOf(raw: string, name: string): string | null {
  const headers = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = headers.split(/\r?\n/).find((header) => header.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}

/**
 * The text of a single-part message as its reader sees it: the body after the headers,
 * decoded from quoted-printable or base64 when its Content-Transfer-Encoding says so (a
 * long line, such as a link, is quoted-printable: `=3D` for `=`, soft line breaks).
 */
export function textOf(mail: ReceivedMail): string {
  const [, ...rest] = mail.raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const encoding = headerOf(mail.raw, 'Content-Transfer-Encoding')?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding !== 'quoted-printable') return body;
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** The Subject header of a received message (unfolded), or null. */
export const subjectOf = (mail: ReceivedMail): string | null => headerOf(mail.raw, 'Subject');
