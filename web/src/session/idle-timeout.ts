/**
 * Automatic logoff: the portal counts the user's own activity (keys, pointer, touch), tells
 * the API about it at most every KEEPALIVE interval (a refresh resets the session's idle
 * clock there), announces the end ahead of time and signs out when it comes.
 */
export interface IdlePlan {
  /** Seconds of no activity after which the portal signs out (a little before the API would). */
  budgetSeconds: number;
  /** Seconds before the end at which the warning shows (never under 20). */
  warnSeconds: number;
  /** At most one keepalive per this many seconds of activity. */
  keepaliveSeconds: number;
}

export function idlePlan(serverIdleSeconds: number): IdlePlan {
  const keepaliveSeconds = Math.max(5, Math.min(30, Math.floor(serverIdleSeconds / 6)));
  const budgetSeconds = serverIdleSeconds - keepaliveSeconds - 5;
  const warnSeconds = Math.max(20, Math.min(60, Math.floor(budgetSeconds / 2)));
  return { budgetSeconds, warnSeconds, keepaliveSeconds };
}

export const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;
