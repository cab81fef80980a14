import { useEffect, useRef, useState } from 'react';
import { ACTIVITY_EVENTS, idlePlan } from './idle-timeout';
import { signOut, stayActive } from './session';
import { onOtherTabs, tellOtherTabs } from './tab-sync';

/** Warns before the idle timeout signs the user out, with a button to stay. */
export function IdleWarning({ idleTimeoutSeconds }: { idleTimeoutSeconds: number }) {
  const plan = idlePlan(idleTimeoutSeconds);
  const lastActivity = useRef(Date.now());
  const lastKeepalive = useRef(Date.now());
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const stayButton = useRef<HTMLButtonElement>(null);
  const warning = secondsLeft !== null;

  useEffect(() => {
    const onActivity = () => {
      if (warning) return; // once announced, only "Stay signed in" keeps the session
      lastActivity.current = Date.now();
      if (Date.now() - lastKeepalive.current > plan.keepaliveSeconds * 1000) {
        lastKeepalive.current = Date.now();
        tellOtherTabs({ kind: 'activity', at: lastActivity.current });
        void stayActive();
      }
    };
    // Activity in another tab of the same session counts here too (that tab told the API).
    const stopListening = onOtherTabs((message) => {
      if (message.kind !== 'activity') return;
      lastActivity.current = Math.max(lastActivity.current, message.at);
      lastKeepalive.current = Math.max(lastKeepalive.current, message.at);
      setSecondsLeft(null);
    });
    for (const name of ACTIVITY_EVENTS) window.addEventListener(name, onActivity, { passive: true, capture: true });
    return () => {
      stopListening();
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, onActivity, { capture: true });
    };
  }, [warning, plan.keepaliveSeconds]);

  useEffect(() => {
    const timer = window.setInterval(() => {
      const left = Math.ceil(plan.budgetSeconds - (Date.now() - lastActivity.current) / 1000);
      if (left <= 0) {
        window.clearInterval(timer);
        void signOut(`You were signed out after ${inWords(idleTimeoutSeconds)} without activity.`);
      } else {
        setSecondsLeft(left <= plan.warnSeconds ? left : null);
      }
    }, 1000);
    return () => window.clearInterval(timer);
  }, [plan.budgetSeconds, plan.warnSeconds, idleTimeoutSeconds]);

  useEffect(() => {
    if (warning) stayButton.current?.focus();
  }, [warning]);

  if (!warning) return null;
  const stay = async () => {
    lastActivity.current = Date.now();
    lastKeepalive.current = Date.now();
    tellOtherTabs({ kind: 'activity', at: lastActivity.current });
    setSecondsLeft(null);
    if (!(await stayActive())) await signOut('Your session had already ended. Please sign in again.');
  };
  return (
    <div className="modal-backdrop">
      <div
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-text"
        className="modal"
      >
        <h2 id="idle-title">Are you still there?</h2>
        <p id="idle-text" aria-live="polite">
          For patients&apos; privacy you will be signed out in {secondsLeft} seconds.
        </p>
        <div className="actions">
          <button ref={stayButton} type="button" className="primary" onClick={() => void stay()}>
            Stay signed in
          </button>
          <button type="button" onClick={() => void signOut()}>
            Sign out now
          </button>
        </div>
      </div>
    </div>
  );
}

function inWords(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}
