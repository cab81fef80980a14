/**
 * The portal's tabs share one session (one refresh cookie): they tell each other about the
 * user's activity, so that a tab left alone does not sign out a user working in another,
 * and about a sign-out, so that no tab keeps showing a session that has ended. Messages
 * carry times and a kind only; BroadcastChannel keeps nothing once the tabs are closed.
 */
type TabMessage = { kind: 'activity'; at: number } | { kind: 'signed-out' };

const channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('medledger-session');

export function tellOtherTabs(message: TabMessage): void {
  channel?.postMessage(message);
}

export function onOtherTabs(listener: (message: TabMessage) => void): () => void {
  if (!channel) return () => undefined;
  const handler = (event: MessageEvent<TabMessage>) => listener(event.data);
  channel.addEventListener('message', handler);
  return () => channel.removeEventListener('message', handler);
}
