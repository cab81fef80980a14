import { randomUUID } from 'node:crypto';
import { expectErrorEnvelope } from '../support/api.js';
import { registerPatient, type SignedIn, uniqueEmail } from '../support/accounts.js';
import { ClientAt, inParallel, spareLoopbackAddress } from '../support/from-address.js';

/**
 * Sign-in protection that nobody can use to lock others out, on the running API with its
 * default settings (LOGIN_FAILURES_BEFORE_DELAY 5, LOGIN_SUSPECT_ADDRESS_FAILURES 500).
 * Each test signs in from a loopback address of its own, so that the failures it makes
 * count against no other suite (they all come from 127.0.0.1).
 */
describe('sign-in throttling', () => {
  const clients: ClientAt[] = [];
  const clientAtNewAddress = () => {
    const client = new ClientAt(spareLoopbackAddress());
    clients.push(client);
    return client;
  };
  const signIn = (client: ClientAt, email: string, password: string) =>
    client.call('/api/v1/auth/login', { method: 'POST', json: { email, password } });

  afterAll(() => clients.forEach((client) => client.close()));

  it('lets the right password of another account through after 1 000 failed sign-ins from the same address', async () => {
    const patient = await registerPatient();
    const nat = clientAtNewAddress(); // a hospital's one address, say
    const started = Date.now();
    // Every failure a real one: a password checked (1 000 accounts that do not exist, each
    // checked against the decoy hash, so that guessing several accounts' passwords is what
    // the address is seen doing).
    const failures = await inParallel(Array.from({ length: 1000 }), 8, () =>
      signIn(nat, uniqueEmail('nobody'), `wrong-${randomUUID()}`),
    );
    const seconds = (Date.now() - started) / 1000;
    const statuses = countBy(failures.map((response) => response.status));
    expect(statuses).toEqual({ 401: 1000 });

    const rightPassword = await signIn(nat, patient.email, patient.password);
    expect(rightPassword.status).toBe(200);
    expect((rightPassword.body as { user: { id: string } }).user.id).toBe(patient.id);
    console.log(`1 000 failed sign-ins from one address took ${seconds.toFixed(1)} s; the right password then: 200`);
    // Each failure is an argon2id check (about 30 ms of a core): some 20 s on an idle two-core
    // machine. The bound catches attempts that queue behind one another, not a slow machine.
    expect(seconds).toBeLessThan(120);

    // The address is suspect now: it slows down what it does next, without refusing anyone's
    // first attempt. A second account's wrong password, then its right one at once: wait.
    const other = await registerPatient();
    expect((await signIn(nat, other.email, 'not-the-password-1')).status).toBe(401);
    const hurried = await signIn(nat, other.email, other.password);
    expectErrorEnvelope(hurried, 429, 'RATE_LIMITED');
    expect(Number(hurried.headers.get('retry-after'))).toBeGreaterThan(0);
    // The same account from anywhere else is not slowed down at all.
    expect((await signIn(clientAtNewAddress(), other.email, other.password)).status).toBe(200);
  }, 300_000);

  it('counts at most the free failures of 20 concurrent wrong guesses for one account; the rest wait', async () => {
    const patient = await registerPatient();
    const guesser = clientAtNewAddress();
    const guesses = await Promise.all(
      Array.from({ length: 20 }, (_, guess) => signIn(guesser, patient.email, `wrong-password-${guess}`)),
    );
    const statuses = countBy(guesses.map((response) => response.status));
    expect(statuses).toEqual({ 401: 5, 429: 15 });
    for (const refused of guesses.filter((response) => response.status === 429)) {
      expectErrorEnvelope(refused, 429, 'RATE_LIMITED');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(2);
      expect((refused.body as { retryAfterSeconds: number }).retryAfterSeconds).toBe(retryAfter);
    }

    // A delay, not a lock: the account signs in from elsewhere at once, and from the
    // guesser's address once the wait is over; the right password forgets the failures.
    expect((await signIn(clientAtNewAddress(), patient.email, patient.password)).status).toBe(200);
    await waitForSignIn(guesser, patient);
    const afterwards = await Promise.all(
      Array.from({ length: 5 }, (_, guess) => signIn(guesser, patient.email, `wrong-again-${guess}`)),
    );
    expect(afterwards.map((response) => response.status)).toEqual([401, 401, 401, 401, 401]);
  });

  /** Signs in with the right password as soon as the pair's wait allows (a few seconds at most here). */
  async function waitForSignIn(client: ClientAt, account: SignedIn): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = await signIn(client, account.email, account.password);
      if (answer.status === 200) return;
      expectErrorEnvelope(answer, 429, 'RATE_LIMITED');
      if (Date.now() > deadline) throw new Error('the right password was still refused after 10 s');
      await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after')) * 1000));
    }
  }
});

function countBy(values: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
