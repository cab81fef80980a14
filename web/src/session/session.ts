/**
 * The signed-in session, in memory only: the access token never leaves this module's
 * variables, the refresh token lives in an HttpOnly cookie the API sets for its refresh
 * route alone. A reload restores the session from that cookie; nothing is kept in
 * localStorage, sessionStorage, IndexedDB or the Cache API.
 */
import { ApiError } from '../api/api-error';
import type { components } from '../api/openapi';
import { onOtherTabs, tellOtherTabs } from './tab-sync';

export type User = components['schemas']['UserDto'];
type TokenAnswer = {
  accessToken: string;
  expiresIn: number;
  idleTimeoutSeconds?: number;
  secondFactorEnrolmentRequired?: boolean;
};

export type SessionState =
  | { status: 'restoring' }
  | { status: 'signed-out'; notice: string | null }
  /** Staff signed in with a password alone: the portal shows second-factor enrolment and nothing else (user unknown after a reload). */
  | { status: 'second-factor-enrolment'; user: User | null; idleTimeoutSeconds: number }
  | { status: 'signed-in'; user: User; idleTimeoutSeconds: number };

/** What the password leads to: the session, or (the account has a second factor) a code to ask for. */
export type SignInOutcome =
  { secondFactorRequired: true; challengeId: string } | { secondFactorRequired: false; user: User };

/** The second step of a sign-in: a code of the authenticator app, or a recovery code. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

/** A token this close to its expiry is refreshed before it is used. */
const EXPIRY_MARGIN_MS = 15_000;
const DEFAULT_IDLE_TIMEOUT_SECONDS = 30 * 60;

let state: SessionState = { status: 'restoring' };
let token: { value: string; expiresAt: number } | null = null;
let refreshing: Promise<string | null> | null = null;
let idleSeconds: number | null = null;
/** Whether the session reaches second-factor enrolment only (as the last token answer said). */
let awaitsSecondFactor = false;
const listeners = new Set<() => void>();
const endListeners = new Set<() => void>();

export const sessionStore = {
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  snapshot: (): SessionState => state,
};

/** Called when a session ends, whatever ended it (the query cache is cleared there). */
export function onSessionEnd(listener: () => void): () => void {
  endListeners.add(listener);
  return () => endListeners.delete(listener);
}

function setState(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

function keep(answer: TokenAnswer): void {
  token = { value: answer.accessToken, expiresAt: Date.now() + answer.expiresIn * 1000 };
  awaitsSecondFactor = answer.secondFactorEnrolmentRequired ?? false;
}

const hasSession = () => state.status === 'signed-in' || state.status === 'second-factor-enrolment';

async function post(path: string, body: unknown, bearer?: string): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  try {
    return await fetch(`/api/v1/auth/${path}`, {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw ApiError.unreachable();
  }
}

async function currentUser(): Promise<User> {
  const response = await fetch('/api/v1/auth/me', { headers: { Authorization: `Bearer ${token?.value ?? ''}` } });
  if (!response.ok) throw await ApiError.fromResponse(response);
  return (await response.json()) as User;
}

/** The password step; with a second factor, signInWithSecondFactor completes it. */
export async function signIn(email: string, password: string): Promise<SignInOutcome> {
  const response = await post('login', { email, password, refreshTokenTransport: 'cookie' });
  if (!response.ok) throw await ApiError.fromResponse(response);
  const answer = (await response.json()) as
    (TokenAnswer & { secondFactorRequired: false; user: User }) | { secondFactorRequired: true; challengeId: string };
  if (answer.secondFactorRequired) return { secondFactorRequired: true, challengeId: answer.challengeId };
  begin(answer, answer.user);
  return { secondFactorRequired: false, user: answer.user };
}

/** The code step of a sign-in that asked for one (the access token, as always, in memory only). */
export async function signInWithSecondFactor(challengeId: string, proof: SecondFactorProof): Promise<User> {
  const response = await post('login/second-factor', { challengeId, ...proof, refreshTokenTransport: 'cookie' });
  if (!response.ok) throw await ApiError.fromResponse(response);
  const answer = (await response.json()) as TokenAnswer & { user: User };
  begin(answer, answer.user);
  return answer.user;
}

function begin(answer: TokenAnswer, user: User): void {
  keep(answer);
  idleSeconds = answer.idleTimeoutSeconds ?? null;
  const idleTimeoutSeconds = idleSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS;
  setState(
    awaitsSecondFactor
      ? { status: 'second-factor-enrolment', user, idleTimeoutSeconds }
      : { status: 'signed-in', user, idleTimeoutSeconds },
  );
}

/** The API refused a page for want of a second factor: the portal shows the enrolment only. */
export function requireSecondFactorEnrolment(): void {
  if (state.status !== 'signed-in') return;
  setState({ status: 'second-factor-enrolment', user: state.user, idleTimeoutSeconds: state.idleTimeoutSeconds });
}

/** The second factor is confirmed: the same session now reaches the whole portal. */
export async function completeSecondFactorEnrolment(): Promise<void> {
  awaitsSecondFactor = false;
  const user = await currentUser();
  setState({ status: 'signed-in', user, idleTimeoutSeconds: idleSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS });
}

/** On start: the refresh cookie, if the browser still has one, gives the session back. */
export async function restoreSession(): Promise<void> {
  const fresh = await refreshAccessToken().catch(() => null);
  if (!fresh) {
    setState({ status: 'signed-out', notice: null });
    return;
  }
  if (awaitsSecondFactor) {
    setState({
      status: 'second-factor-enrolment',
      user: null,
      idleTimeoutSeconds: idleSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS,
    });
    return;
  }
  try {
    const user = await currentUser();
    setState({ status: 'signed-in', user, idleTimeoutSeconds: idleSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS });
  } catch {
    endLocally(null);
  }
}

/**
 * A new access token from the refresh cookie; null when the session is over. One at a time,
 * across tabs too (a Web Lock): two tabs presenting the same single-use cookie would look
 * like a stolen token to the API, which then ends the session.
 */
export function refreshAccessToken(): Promise<string | null> {
  refreshing ??= withRefreshLock(async () => {
    try {
      const response = await post('refresh', { refreshTokenTransport: 'cookie' });
      if (!response.ok) {
        await response.body?.cancel();
        if (hasSession()) endLocally('Your session has ended. Please sign in again.');
        return null;
      }
      const answer = (await response.json()) as TokenAnswer;
      keep(answer);
      idleSeconds = answer.idleTimeoutSeconds ?? idleSeconds;
      return answer.accessToken;
    } finally {
      refreshing = null;
    }
  });
  return refreshing;
}

function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks)
    return navigator.locks.request('medledger-refresh', work) as Promise<T>;
  return work();
}

/** The token to send now, refreshed first when it is about to expire. */
export async function accessToken(): Promise<string | null> {
  if (!hasSession() || !token) return null;
  if (token.expiresAt - Date.now() < EXPIRY_MARGIN_MS) return refreshAccessToken();
  return token.value;
}

/** Tells the API the user is still there: a refresh resets the session's idle clock. */
export async function stayActive(): Promise<boolean> {
  return (await refreshAccessToken()) !== null;
}

/** Ends the session at the API (which also clears the refresh cookie), here and in the other tabs. */
export async function signOut(notice: string | null = null): Promise<void> {
  const bearer = token?.value;
  if (bearer) await post('logout', {}, bearer).catch(() => undefined);
  endLocally(notice);
  tellOtherTabs({ kind: 'signed-out' });
}

onOtherTabs((message) => {
  if (message.kind === 'signed-out' && hasSession()) endLocally('You signed out in another tab.');
});

function endLocally(notice: string | null): void {
  token = null;
  setState({ status: 'signed-out', notice });
  for (const listener of endListeners) listener();
}
