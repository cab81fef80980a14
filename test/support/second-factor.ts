/**
 * The suites' authenticator app: TOTP codes (RFC 6238, computed with the library the API
 * uses) for the accounts whose secrets the suites know, each code used once.
 *
 * The API accepts a code of the step before, at or after now, and never a step at or before
 * the last one it accepted for the account. So the suites remember, per account, the last
 * step they used, and take the next one they may: up to three sign-ins of one account
 * follow one another at once; a fourth waits for the clock.
 *
 * The bootstrap admins live longer than a suite: their secrets and last steps are kept in
 * `.run/test/second-factors.json` (mode 600, beside the system's other secrets), under a lock,
 * so that every suite and benchmark (and suites running side by side) shares them.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HOTP, Secret, TOTP } from 'otpauth';
import { RUN_DIR } from './network-profile.js';

const PERIOD_MS = 30_000;
/** A step before now is used only while this much of the current step is left (the API's clock reads later). */
const PAST_STEP_MARGIN_MS = 5_000;

const STATE_DIR = path.join(RUN_DIR, 'test');
const STATE_FILE = path.join(STATE_DIR, 'second-factors.json');
const LOCK_FILE = `${STATE_FILE}.lock`;

interface KnownFactor {
  secret: string;
  /** The last time step a code was made for. */
  lastStep: number | null;
  /** Kept in the state file (the bootstrap admins), not only in this process. */
  persisted: boolean;
}

/** By e-mail address, lower-case. */
const known = new Map<string, KnownFactor>();

const keyOf = (email: string) => email.trim().toLowerCase();

/** The code of a time step for a base32 secret. */
export function totpCodeAt(secret: string, step: number): string {
  return HOTP.generate({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, counter: step });
}

/** The current time step. */
export const currentStep = (now = Date.now()) => TOTP.counter({ period: 30, timestamp: now });

/**
 * Remembers an account's TOTP secret (after its enrolment), with the step its confirmation
 * used; `persisted` keeps it for later suites too (the bootstrap admins).
 */
export function rememberSecondFactor(
  email: string,
  secret: string,
  { lastStep = null, persisted = false }: { lastStep?: number | null; persisted?: boolean } = {},
): void {
  const factor = { secret, lastStep, persisted };
  known.set(keyOf(email), factor);
  if (persisted) withState((state) => ({ ...state, [keyOf(email)]: { secret, lastStep } }));
}

/** The TOTP secret the suites know for an account, if any. */
export function knownSecondFactor(email: string): string | undefined {
  return known.get(keyOf(email))?.secret ?? readState()[keyOf(email)]?.secret;
}

/**
 * A code for the account that the API has not accepted yet (as far as the suites know):
 * the earliest usable step after the last one used, waiting for the clock when none is.
 */
export async function nextTotpCode(email: string): Promise<string> {
  for (;;) {
    const now = Date.now();
    const step = withFactor(email, (factor) => {
      const earliest = now % PERIOD_MS < PERIOD_MS - PAST_STEP_MARGIN_MS ? currentStep(now) - 1 : currentStep(now);
      const candidate = Math.max(earliest, (factor.lastStep ?? Number.NEGATIVE_INFINITY) + 1);
      if (candidate > currentStep(now) + 1) return undefined;
      factor.lastStep = candidate;
      return candidate;
    });
    if (step !== undefined) return totpCodeAt(knownSecondFactor(email)!, step);
    await new Promise((resolve) => setTimeout(resolve, PERIOD_MS - (now % PERIOD_MS) + 50));
  }
}

/** Reads and updates an account's factor: in the state file under its lock when it is kept there. */
function withFactor<T>(email: string, update: (factor: KnownFactor) => T): T {
  const key = keyOf(email);
  const local = known.get(key);
  if (local && !local.persisted) return update(local);
  let result: T | undefined;
  let found = false;
  withState((state) => {
    const stored = state[key];
    if (!stored) return state;
    found = true;
    const factor: KnownFactor = { ...stored, persisted: true };
    result = update(factor);
    known.set(key, factor);
    return { ...state, [key]: { secret: factor.secret, lastStep: factor.lastStep } };
  });
  if (!found) throw new Error(`no TOTP secret is known for ${email}: enrol it through test/support/accounts.ts`);
  return result as T;
}

type State = Record<string, { secret: string; lastStep: number | null }>;

function readState(): State {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as State;
  } catch {
    return {};
  }
}

/** Changes the state file under an exclusive lock file (another process's stale lock is broken after 10 s). */
function withState(change: (state: State) => State): void {
  mkdirSync(STATE_DIR, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + 15_000;
  let lock: number | undefined;
  while (lock === undefined) {
    try {
      lock = openSync(LOCK_FILE, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statOrUndefined(LOCK_FILE)?.mtimeMs ?? Date.now());
      if (age > 10_000 || Date.now() > deadline) rmSync(LOCK_FILE, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
  try {
    const next = change(readState());
    const temporary = `${STATE_FILE}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, STATE_FILE);
  } finally {
    closeSync(lock);
    rmSync(LOCK_FILE, { force: true });
  }
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
