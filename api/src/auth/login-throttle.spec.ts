import { describe, expect, it } from '@jest/globals';
import type { Clock } from '../common/clock.js';
import type { AppConfig } from '../config/app-config.js';
import { RateLimitedError } from '../rate-limits/rate-limited.error.js';
import {
  attemptSubjects,
  decideAttempt,
  LoginThrottle,
  subjectsOfEmail,
  type ThrottleRules,
} from './login-throttle.js';
import type {
  AttemptSubjects,
  FailureCount,
  FailureSignals,
  LoginThrottleRepository,
} from './login-throttle.repository.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const RULES: ThrottleRules = {
  failuresBeforeDelay: 5,
  suspectAccountFailures: 50,
  suspectAddressFailures: 500,
  maxDelaySeconds: 900,
  windowSeconds: 900,
};
const NONE: FailureCount = { failures: 0, nextAttemptAt: new Date(0), forgetAt: new Date(0) };
const QUIET: FailureSignals = { account: 0, address: 0 };
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

/** Attempts of one pair one after the other, each on the count the one before left; every one a failure. */
function failInARow(attempts: number, signals = QUIET, rules = RULES) {
  let count = NONE;
  let now = NOW;
  const delays: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const decision = decideAttempt(count, signals, now, rules);
    if (!decision.admitted) throw new Error(`attempt ${attempt + 1} refused`);
    delays.push(decision.delaySeconds);
    count = decision.count;
    now = count.nextAttemptAt; // the next attempt comes as soon as it may
  }
  return { count, now, delays };
}

describe('decideAttempt', () => {
  it('lets the free failures go ahead without waiting, then doubles the wait from 2 s up to the maximum', () => {
    const { delays } = failInARow(16);
    expect(delays).toEqual([0, 0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]);
  });

  it('refuses an attempt that comes before the wait is over, with the seconds left, and counts nothing', () => {
    const { count } = failInARow(6); // the sixth failure set a wait of 4 s
    const early = decideAttempt(count, QUIET, new Date(count.nextAttemptAt.getTime() - 2500), RULES);
    expect(early).toEqual({ admitted: false, retryAfterSeconds: 3 });
  });

  it('forgets the failures a window after the last wait ended', () => {
    const { count } = failInARow(8);
    const later = decideAttempt(count, QUIET, count.forgetAt, RULES);
    expect(later).toMatchObject({ admitted: true, delaySeconds: 0, count: { failures: 1 } });
    const justBefore = decideAttempt(count, QUIET, new Date(count.forgetAt.getTime() - 1000), RULES);
    expect(justBefore).toMatchObject({ admitted: true, count: { failures: 9 } });
  });

  it.each([
    ['account', { account: 50, address: 0 }],
    ['address', { account: 0, address: 500 }],
  ])('leaves one free failure to the pairs of a suspect %s, and never refuses their first attempt', (_, signals) => {
    const first = decideAttempt(NONE, signals, NOW, RULES);
    expect(first).toMatchObject({ admitted: true, delaySeconds: 2, count: { failures: 1, nextAttemptAt: at(2) } });
    expect(failInARow(3, signals).delays).toEqual([2, 4, 8]);
  });

  it('keeps the wait within the maximum however many failures there were', () => {
    const pair: FailureCount = { failures: 10_000, nextAttemptAt: at(-1), forgetAt: at(600) };
    expect(decideAttempt(pair, QUIET, NOW, RULES)).toMatchObject({ admitted: true, delaySeconds: 900 });
  });
});

describe('attemptSubjects', () => {
  it('counts a pair per account and address, the account by digest only', () => {
    const subjects = attemptSubjects(' Ada@Example.org ', '203.0.113.7');
    expect(subjects.account).toMatch(/^account:[A-Za-z0-9_-]{43}$/);
    expect(subjects.pair).toBe(`pair:${subjects.account.slice('account:'.length)}@203.0.113.7`);
    expect(subjects.address).toBe('address:203.0.113.7');
    expect(JSON.stringify(subjects)).not.toMatch(/ada|example/i);
    expect(attemptSubjects('ada@example.org', '203.0.113.7')).toEqual(subjects);
    expect(attemptSubjects('ada@example.org', '203.0.113.8').pair).not.toBe(subjects.pair);
  });

  it('names the same subjects for an erasure', () => {
    const subjects = attemptSubjects('ada@example.org', '2001:db8:1:2::5');
    const ofEmail = subjectsOfEmail('ADA@example.org');
    expect(ofEmail.account).toBe(subjects.account);
    expect(subjects.pair.startsWith(ofEmail.pairPrefix)).toBe(true);
    expect(subjects.pair).toBe(`${ofEmail.pairPrefix}2001:db8:1:2::/64`);
  });
});

/**
 * The repository as PostgreSQL behaves for it: claims of one pair decide one after the
 * other (the row lock), each on what the one before wrote.
 */
function lockingRepository() {
  const rows = new Map<string, FailureCount>();
  let queue: Promise<unknown> = Promise.resolve();
  const repository = {
    claim: <Outcome>(
      subjects: AttemptSubjects,
      _now: Date,
      decide: (pair: FailureCount, signals: FailureSignals) => { outcome: Outcome; write?: FailureCount },
    ): Promise<Outcome> => {
      const turn = queue.then(async () => {
        await new Promise((resolve) => setImmediate(resolve)); // others pile up behind the lock meanwhile
        const { outcome, write } = decide(rows.get(subjects.pair) ?? NONE, QUIET);
        if (write) rows.set(subjects.pair, write);
        return outcome;
      });
      queue = turn.catch(() => undefined);
      return turn;
    },
    countFailure: () => Promise.resolve(),
    forget: (subject: string) => {
      rows.delete(subject);
      return Promise.resolve();
    },
  };
  return { rows, repository: repository as unknown as LoginThrottleRepository };
}

function newThrottle() {
  const { rows, repository } = lockingRepository();
  const config = {
    LOGIN_FAILURES_BEFORE_DELAY: 5,
    LOGIN_SUSPECT_ACCOUNT_FAILURES: 50,
    LOGIN_SUSPECT_ADDRESS_FAILURES: 500,
    LOGIN_MAX_DELAY_SECONDS: 900,
    LOGIN_FAILURE_WINDOW_SECONDS: 900,
  } as AppConfig;
  return { rows, sut: new LoginThrottle(config, repository, { now: () => NOW } as Clock) };
}

describe('LoginThrottle', () => {
  it('lets at most the free failures of 20 concurrent guesses go ahead; the others wait with Retry-After', async () => {
    const { sut, rows } = newThrottle();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => sut.claimAttempt('ada@example.org', '203.0.113.7')),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    expect(refused).toHaveLength(15);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(RateLimitedError);
      expect((reason as RateLimitedError).retryAfterSeconds).toBe(2);
    }
    expect([...rows.values()].map((count) => count.failures)).toEqual([5]);
  });

  it('never slows down the same account from another address, nor another account from the same address', async () => {
    const { sut } = newThrottle();
    for (let attempt = 0; attempt < 5; attempt += 1) await sut.claimAttempt('ada@example.org', '203.0.113.7');
    await expect(sut.claimAttempt('ada@example.org', '203.0.113.7')).rejects.toThrow(RateLimitedError);
    await expect(sut.claimAttempt('ada@example.org', '198.51.100.1')).resolves.toBeUndefined();
    await expect(sut.claimAttempt('grace@example.org', '203.0.113.7')).resolves.toBeUndefined();
  });

  it("forgets the pair's failures after the right password", async () => {
    const { sut, rows } = newThrottle();
    for (let attempt = 0; attempt < 4; attempt += 1) await sut.claimAttempt('ada@example.org', '203.0.113.7');
    await sut.recordSuccess('ada@example.org', '203.0.113.7');
    expect(rows.size).toBe(0);
    for (let attempt = 0; attempt < 5; attempt += 1) await sut.claimAttempt('ada@example.org', '203.0.113.7');
  });
});
