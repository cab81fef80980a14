import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../api/src/config/app-config.js';
import { attentionMail } from '../../api/src/notifications/mail/attention-mail.js';
import { SmtpMailer } from '../../api/src/notifications/mail/smtp-mailer.js';
import { MailOutboxRepository } from '../../api/src/notifications/mail-outbox.repository.js';
import { MailOutboxWorker } from '../../api/src/notifications/mail-outbox.worker.js';
import type { NewNotification } from '../../api/src/notifications/notification-kinds.js';
import { NotificationsRepository } from '../../api/src/notifications/notifications.repository.js';
import { NotificationsService } from '../../api/src/notifications/notifications.service.js';
import { GrantExpiryRemindersRepository } from '../../api/src/notifications/grant-expiry-reminders.repository.js';
import { Metrics } from '../../api/src/system/metrics.js';
import { PHI, PHI_VALUES } from '../support/phi.js';
import { ScratchDatabase } from '../support/scratch-database.js';
import { type ReceivedMail, TestSmtpServer } from '../support/smtp-server.js';

const FROM = 'MedLedger <no-reply@medledger.test>';
const PORTAL_URL = 'http://127.0.0.1:3000/';

/** The body of a raw message: what follows the headers. */
const bodyOf = (mail: ReceivedMail): string =>
  mail.raw
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n');

/** What a message must never carry: any PHI but the recipient's own address in its envelope and To header. */
function expectNoPhi(mail: ReceivedMail): void {
  for (const value of PHI_VALUES.filter((value) => value !== PHI.email)) expect(mail.raw).not.toContain(value);
  expect(bodyOf(mail)).not.toContain(PHI.email);
  expect(bodyOf(mail)).not.toContain('@');
}

/** Sends through SmtpMailer to the real SMTP server of the suites (the `smtp-server` package). */
describe('SmtpMailer against a real SMTP server', () => {
  // A port of its own: the API that `npm test` started sends its outbox to TEST_SMTP_PORT.
  const smtp = new TestSmtpServer(0);

  beforeAll(() => smtp.start());
  afterAll(() => smtp.stop());

  it('delivers the attention e-mail with its outbox id as Message-ID, the fixed text, and no PHI', async () => {
    const mailer = new SmtpMailer({ url: smtp.url, from: FROM });
    const outboxId = randomUUID();

    await mailer.send(attentionMail(outboxId, PHI.email, PORTAL_URL));

    const [mail] = await smtp.waitForMessages(PHI.email, 1, 5000);
    expect(mail.from).toBe('no-reply@medledger.test');
    expect(mail.to).toEqual([PHI.email]);
    expect(mail.messageId).toBe(`<${outboxId}@medledger.invalid>`);
    expect(mail.raw).toMatch(/^Subject: MedLedger: something needs your attention\r?$/m);
    expect(mail.raw).toMatch(/^From: MedLedger <no-reply@medledger\.test>\r?$/m);
    expect(bodyOf(mail)).toContain('Something in MedLedger needs your attention.');
    expect(bodyOf(mail)).toContain(PORTAL_URL);
    expectNoPhi(mail);
  });

  it('throws at once when no server listens (an outage), within the connection timeout at most', async () => {
    const stopped = new TestSmtpServer(0);
    await stopped.start();
    await stopped.stop();
    const mailer = new SmtpMailer({ url: stopped.url, from: FROM });

    const started = Date.now();
    await expect(mailer.send(attentionMail(randomUUID(), PHI.email, PORTAL_URL))).rejects.toThrow(/ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('gives up within its timeout on a server that accepts but never greets', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: FROM, timeoutMs: 500 });

      const started = Date.now();
      await expect(mailer.send(attentionMail(randomUUID(), PHI.email, PORTAL_URL))).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

/** Notifications and their e-mail on the real PostgreSQL (a scratch database) and the real SMTP server. */
describe('the notification feed and the mail outbox on the real PostgreSQL', () => {
  let scratch: ScratchDatabase;
  const smtp = new TestSmtpServer(0);
  let database: DataSource;
  /** A second connection pool, as a second API process has. */
  let otherProcess: DataSource;
  let notifications: NotificationsRepository;

  const config = {
    PORTAL_URL,
    MAIL_POLL_MS: 200,
    MAIL_RETRY_BASE_SECONDS: 1,
    MAIL_RETRY_MAX_SECONDS: 2,
  } as AppConfig;

  const newWorker = (dataSource: DataSource) =>
    new MailOutboxWorker(
      config,
      new MailOutboxRepository(dataSource),
      new SmtpMailer({ url: smtp.url, from: FROM, timeoutMs: 1000 }),
      new Metrics(),
    );

  const newUser = async (email = `user.${randomUUID()}@medledger.test`): Promise<{ id: string; email: string }> => {
    const id = randomUUID();
    await database.query(
      "INSERT INTO users (id, email, password_hash, full_name, role, hospital) VALUES ($1, $2, 'x', $3, 'patient', 'hospital-a')",
      [id, email, PHI.fullName],
    );
    return { id, email };
  };

  const notificationFor = (userId: string, overrides: Partial<NewNotification> = {}): NewNotification => ({
    userId,
    kind: 'access-requested',
    subject: { type: 'access-request', id: randomUUID() },
    sourceTxId: randomBytes(32).toString('hex'),
    ...overrides,
  });

  const record = (items: NewNotification[], dataSource = database) =>
    dataSource.transaction((manager) => new NotificationsRepository(dataSource).recordAll(manager, items));

  const outboxOf = (userId: string) =>
    database.query<Array<{ attempts: number; last_error: string | null; sent: boolean; due_in: number }>>(
      `SELECT attempts, last_error, sent_at IS NOT NULL AS sent,
              extract(epoch FROM next_attempt_at - now())::float8 AS due_in
       FROM mail_outbox WHERE user_id = $1`,
      [userId],
    );

  beforeAll(async () => {
    scratch = await ScratchDatabase.create('mail');
    database = await scratch.connect();
    await database.runMigrations({ transaction: 'each' });
    otherProcess = await scratch.connect();
    notifications = new NotificationsRepository(database);
    await smtp.start();
  });

  afterAll(async () => {
    await smtp.stop();
    await otherProcess?.destroy();
    await database?.destroy();
    await scratch?.drop();
  });

  it('records each notification once, with one e-mail, skipping users this node does not have', async () => {
    const user = await newUser();
    const item = notificationFor(user.id);
    const ofAnotherHospital = notificationFor(randomUUID());

    await expect(record([item, ofAnotherHospital, item])).resolves.toBe(1);
    await expect(record([item])).resolves.toBe(0);
    // Two API processes seeing the same ledger event at once.
    const again = notificationFor(user.id, { kind: 'grant-created', subject: { type: 'grant', id: randomUUID() } });
    const both = await Promise.all([record([again]), record([again], otherProcess)]);
    expect(both.sort()).toEqual([0, 1]);

    expect(await notifications.unreadCount(user.id)).toBe(2);
    expect(await outboxOf(user.id)).toHaveLength(2);
    await expect(
      database.query('SELECT 1 FROM notifications WHERE user_id = $1', [ofAnotherHospital.userId]),
    ).resolves.toEqual([]);
  });

  it('pages the feed newest first without losing rows that one transaction wrote, and marks them read', async () => {
    const user = await newUser();
    const other = await newUser();
    await record([1, 2, 3, 4, 5].map(() => notificationFor(user.id)));
    await record([notificationFor(other.id)]);
    const service = new NotificationsService(notifications);
    const caller = { id: user.id, role: 'patient' as const, hospital: 'hospital-a', sessionId: 's' };

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list(caller, { limit: 2, cursor });
      expect(page.unreadCount).toBe(5);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);

    const marked = await service.markRead(caller, seen[0]);
    expect(marked.readAt).toBeInstanceOf(Date);
    await expect(service.markRead({ ...caller, id: other.id }, seen[1])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await service.list(caller, { unread: true })).items).toHaveLength(4);
    expect((await service.list(caller, { unread: false })).items.map((item) => item.id)).toEqual([seen[0]]);
    await expect(service.markAllRead(caller)).resolves.toBe(4);
    await expect(service.markAllRead(caller)).resolves.toBe(0);
    expect(await notifications.unreadCount(user.id)).toBe(0);
    expect(await notifications.unreadCount(other.id)).toBe(1);
  });

  it('sends every due e-mail exactly once while two API processes poll at the same time', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => newUser()));
    await record(users.map((user) => notificationFor(user.id)));
    const [first, second] = [newWorker(database), newWorker(otherProcess)];

    for (let pass = 0; pass < 3; pass += 1) await Promise.all([first.deliverDue(), second.deliverDue()]);

    for (const user of users) {
      const [mail] = await smtp.waitForMessages(user.email, 1, 5000);
      expect(smtp.messagesTo(user.email)).toHaveLength(1);
      expectNoPhi(mail);
      expect(await outboxOf(user.id)).toEqual([expect.objectContaining({ sent: true, attempts: 0, last_error: null })]);
    }
  });

  it('keeps an e-mail through an SMTP outage, noting why without the address, and sends it once the server is back', async () => {
    const user = await newUser(PHI.email);
    await record([notificationFor(user.id)]);
    const worker = newWorker(database);
    await smtp.stop();
    try {
      await expect(worker.deliverDue()).resolves.toBe(0);
      const [failed] = await outboxOf(user.id);
      expect(failed).toMatchObject({ sent: false, attempts: 1 });
      expect(failed.last_error).toMatch(/ECONNREFUSED/);
      expect(failed.last_error).not.toContain(user.email);
      // MAIL_RETRY_BASE_SECONDS · 2^0, less up to a tenth.
      expect(failed.due_in).toBeGreaterThan(0.5);
      expect(failed.due_in).toBeLessThanOrEqual(1);
      // Not due yet: the next poll leaves it.
      await expect(worker.deliverDue()).resolves.toBe(0);
      expect((await outboxOf(user.id))[0].attempts).toBe(1);
    } finally {
      await smtp.start();
    }

    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expect(worker.deliverDue()).resolves.toBe(1);
    const [mail] = await smtp.waitForMessages(user.email, 1, 5000);
    expectNoPhi(mail);
    expect(await outboxOf(user.id)).toEqual([expect.objectContaining({ sent: true, attempts: 1 })]);
  });

  it('reminds a grant’s doctor once, a day before the end; not a revoked, ended or not yet due grant', async () => {
    const reminders = new GrantExpiryRemindersRepository(database, notifications);
    const doctor = await newUser();
    const now = new Date();
    const hours = (count: number) => new Date(now.getTime() + count * 3_600_000);
    const watch = (grantId: string, expiresAt: Date, remindAt: Date) =>
      database.transaction((manager) =>
        reminders.watch(manager, { grantId, patientId: randomUUID(), doctorId: doctor.id, expiresAt, remindAt }),
      );
    const [due, revoked, ended, later] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await watch(due, hours(20), hours(-4));
    await watch(revoked, hours(20), hours(-4));
    await database.transaction((manager) => reminders.forget(manager, revoked));
    await watch(ended, hours(-1), hours(-25));
    await watch(later, hours(48), hours(24));
    // The same event again changes nothing.
    await watch(due, hours(20), hours(-4));

    await expect(reminders.remindDue(now)).resolves.toBe(1);
    await expect(reminders.remindDue(now)).resolves.toBe(0);
    const feed = await database.query<Array<{ kind: string; subject_id: string }>>(
      'SELECT kind, subject_id FROM notifications WHERE user_id = $1',
      [doctor.id],
    );
    expect(feed).toEqual([{ kind: 'grant-expiring', subject_id: due }]);
    expect(await outboxOf(doctor.id)).toHaveLength(1);
  });
});
