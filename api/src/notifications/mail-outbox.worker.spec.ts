import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { Metrics } from '../system/metrics.js';
import { ACCOUNT_MAIL_SUBJECTS } from './mail/account-mail.js';
import { ATTENTION_SUBJECT } from './mail/attention-mail.js';
import type { Mailer, OutgoingMail } from './mail/mailer.port.js';
import type { DeliveryOutcome, DueMail, MailOutboxRepository } from './mail-outbox.repository.js';
import { describeFailure, MailOutboxWorker, retryDelaySeconds } from './mail-outbox.worker.js';

const CONFIG = {
  PORTAL_URL: 'https://portal.medledger.test/',
  MAIL_POLL_MS: 1000,
  MAIL_RETRY_BASE_SECONDS: 5,
  MAIL_RETRY_MAX_SECONDS: 600,
} as AppConfig;

const dueMail = (overrides: Partial<DueMail> = {}): DueMail => ({
  id: '7d1e0b5c-4a8e-4f57-9d3c-0a4d2f6b9e11',
  userId: 'a3c1f1d2-58b4-4c33-8f0e-2f9a6c1d7b20',
  to: 'Jane.Roe@patients.example',
  attempts: 0,
  kind: 'attention',
  link: null,
  ...overrides,
});

/** The worker with its outbox and mailer mocked: the outbox hands out `due` in order, as the real one would under its row locks. */
function newTestWorker(due: DueMail[] = []) {
  const queue = [...due];
  const outcomes: Array<{ mail: DueMail; outcome: DeliveryOutcome }> = [];
  const metrics = new Metrics();
  const mocks = {
    outbox: {
      deliverNext: jest.fn(async (deliver: (mail: DueMail) => Promise<DeliveryOutcome>) => {
        const mail = queue.shift();
        if (!mail) return null;
        const outcome = await deliver(mail);
        outcomes.push({ mail, outcome });
        return outcome;
      }),
    },
    mailer: { send: jest.fn((_message: OutgoingMail) => Promise.resolve()) },
    warn: jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined),
  };
  const sut = new MailOutboxWorker(
    CONFIG,
    mocks.outbox as unknown as MailOutboxRepository,
    mocks.mailer satisfies Mailer,
    metrics,
  );
  const counted = async (outcome: 'sent' | 'failed') =>
    (await metrics.registry.getSingleMetric('medledger_mail_deliveries_total')!.get()).values.find(
      (value) => value.labels.outcome === outcome,
    )?.value ?? 0;
  return { sut, mocks, outcomes, counted };
}

describe('MailOutboxWorker', () => {
  afterEach(() => jest.restoreAllMocks());

  it('sends a due e-mail, with the fixed text and its outbox id as Message-ID, and notes it sent', async () => {
    const mail = dueMail();
    const { sut, mocks, outcomes, counted } = newTestWorker([mail]);

    await expect(sut.deliverDue()).resolves.toBe(1);

    expect(mocks.mailer.send).toHaveBeenCalledTimes(1);
    const [message] = mocks.mailer.send.mock.calls[0];
    expect(message).toEqual({
      to: mail.to,
      subject: ATTENTION_SUBJECT,
      text: expect.stringContaining('https://portal.medledger.test/'),
      messageId: `<${mail.id}@medledger.invalid>`,
    });
    expect(outcomes).toEqual([{ mail, outcome: { sent: true } }]);
    expect(await counted('sent')).toBe(1);
  });

  it('sends an account e-mail with its own fixed text and its one-time link to the portal', async () => {
    const link = { token: 'k'.repeat(43), expiresAt: new Date('2026-12-05T09:30:00Z') };
    const mail = dueMail({ kind: 'password-reset', link });
    const { sut, mocks } = newTestWorker([mail]);

    await expect(sut.deliverDue()).resolves.toBe(1);

    const [message] = mocks.mailer.send.mock.calls[0];
    expect(message).toMatchObject({
      to: mail.to,
      subject: ACCOUNT_MAIL_SUBJECTS['password-reset'],
      text: expect.stringContaining(`https://portal.medledger.test/reset-password?token=${link.token}`),
    });
  });

  it('keeps a failed e-mail with why (no address) and a delay of base · 2^attempts', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const mail = dueMail({ attempts: 3 });
    const { sut, mocks, outcomes, counted } = newTestWorker([mail]);
    mocks.mailer.send.mockRejectedValueOnce(
      Object.assign(new Error(`Can't send mail - all recipients were rejected: 550 5.1.1 <${mail.to}>: no such user`), {
        code: 'EENVELOPE',
      }),
    );

    await expect(sut.deliverDue()).resolves.toBe(0);

    expect(outcomes).toEqual([
      {
        mail,
        outcome: {
          sent: false,
          error: "EENVELOPE: Can't send mail - all recipients were rejected: 550 5.1.1 <<recipient>>: no such user",
          retryAfterSeconds: 40,
        },
      },
    ]);
    expect(await counted('failed')).toBe(1);
    const logged = mocks.warn.mock.calls.map(([line]) => String(line)).join('\n');
    expect(logged).toContain(mail.id);
    expect(logged).not.toContain(mail.to);
  });

  it('waits at most MAIL_RETRY_MAX_SECONDS, however often an e-mail failed, and never gives up', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { sut, mocks, outcomes } = newTestWorker([dueMail({ attempts: 7 }), dueMail({ attempts: 5000 })]);
    mocks.mailer.send.mockRejectedValue(new Error('connect ECONNREFUSED 127.0.0.1:2525'));

    await sut.deliverDue();
    await sut.deliverDue();

    expect(outcomes.map(({ outcome }) => outcome)).toEqual([
      { sent: false, error: 'connect ECONNREFUSED 127.0.0.1:2525', retryAfterSeconds: 600 },
      { sent: false, error: 'connect ECONNREFUSED 127.0.0.1:2525', retryAfterSeconds: 600 },
    ]);
  });

  it('ends the pass at the first failure, so that an outage costs one attempt per poll', async () => {
    const { sut, mocks } = newTestWorker([dueMail(), dueMail({ id: 'second' })]);
    mocks.mailer.send.mockRejectedValueOnce(new Error('Greeting never received'));

    await expect(sut.deliverDue()).resolves.toBe(0);
    expect(mocks.mailer.send).toHaveBeenCalledTimes(1);

    await expect(sut.deliverDue()).resolves.toBe(1);
  });

  it('sends at most a batch per pass and leaves the rest for the next poll', async () => {
    const due = Array.from({ length: 12 }, (_, index) => dueMail({ id: `mail-${index}` }));
    const { sut, mocks } = newTestWorker(due);

    await expect(sut.deliverDue()).resolves.toBe(10);
    await expect(sut.deliverDue()).resolves.toBe(2);
    expect(mocks.outbox.deliverNext).toHaveBeenCalledTimes(13);
  });

  it('runs one pass at a time: a poll while one is sending does nothing', async () => {
    const { sut, mocks } = newTestWorker([dueMail()]);
    let release!: () => void;
    mocks.mailer.send.mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)));

    const first = sut.deliverDue();
    await new Promise((resolve) => setImmediate(resolve));
    await expect(sut.deliverDue()).resolves.toBe(0);
    release();
    await expect(first).resolves.toBe(1);
    expect(mocks.outbox.deliverNext).toHaveBeenCalledTimes(2);
  });

  it('survives an unreachable database: the pass ends with a warning, the next poll tries again', async () => {
    const { sut, mocks } = newTestWorker([dueMail()]);
    mocks.outbox.deliverNext.mockRejectedValueOnce(new Error('connect ECONNREFUSED 127.0.0.1:5433'));

    await expect(sut.deliverDue()).resolves.toBe(0);
    expect(mocks.warn).toHaveBeenCalledWith(expect.stringContaining('ECONNREFUSED'));
    await expect(sut.deliverDue()).resolves.toBe(1);
  });

  it('stops polling on shutdown after the e-mail being sent is done', async () => {
    jest.useFakeTimers();
    try {
      const { sut, mocks } = newTestWorker([dueMail(), dueMail({ id: 'later' })]);
      let release!: () => void;
      mocks.mailer.send.mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)));

      sut.onApplicationBootstrap();
      await jest.advanceTimersByTimeAsync(0);
      const stopped = sut.beforeApplicationShutdown();
      release();
      await stopped;
      await jest.advanceTimersByTimeAsync(5 * CONFIG.MAIL_POLL_MS);

      expect(mocks.mailer.send).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('retryDelaySeconds', () => {
  const policy = { baseSeconds: 5, maxSeconds: 600 };

  it('doubles from the base with every failure', () => {
    expect([0, 1, 2, 3].map((failed) => retryDelaySeconds(failed, policy, () => 0))).toEqual([5, 10, 20, 40]);
  });

  it('stops growing at the maximum, even after very many failures', () => {
    expect(retryDelaySeconds(7, policy, () => 0)).toBe(600);
    expect(retryDelaySeconds(100_000, policy, () => 0)).toBe(600);
  });

  it('takes up to a tenth off at random, never adding to the maximum', () => {
    expect(retryDelaySeconds(0, policy, () => 0.5)).toBeCloseTo(4.75);
    expect(retryDelaySeconds(100, policy, () => 0.999)).toBeGreaterThan(540);
    expect(retryDelaySeconds(100, policy, () => 0.999)).toBeLessThanOrEqual(600);
  });
});

describe('describeFailure', () => {
  it('keeps the code and message, with every address replaced', () => {
    const error = Object.assign(
      new Error('Mail command failed: 553 <no-reply@medledger.test> not allowed for x@y.example'),
      {
        code: 'EENVELOPE',
      },
    );
    expect(describeFailure(error, 'x@y.example')).toBe(
      'EENVELOPE: Mail command failed: 553 <<address>> not allowed for <recipient>',
    );
  });

  it('does not repeat a code the message already names, and trims long messages', () => {
    const error = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:2525 ${'x'.repeat(1000)}`), {
      code: 'ECONNREFUSED',
    });
    const described = describeFailure(error, 'a@b.example');
    expect(described.startsWith('connect ECONNREFUSED')).toBe(true);
    expect(described).toHaveLength(500);
  });

  it('names something even for an empty or odd error', () => {
    expect(describeFailure(new Error(''), 'a@b.example')).toBe('unknown error');
    expect(describeFailure('socket hang up', 'a@b.example')).toBe('socket hang up');
  });
});
