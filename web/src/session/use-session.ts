import { useSyncExternalStore } from 'react';
import { type SessionState, sessionStore, type User } from './session';

export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.snapshot);
}

/** The signed-in user; only for pages behind the sign-in gate. */
export function useUser(): User {
  const session = useSession();
  if (session.status !== 'signed-in') throw new Error('useUser outside a signed-in page');
  return session.user;
}
