import { type ReactNode, useEffect, useRef } from 'react';

/**
 * What the patient just did, said once it is done: a polite live region that is always in
 * the page (so that screen readers announce what appears in it), focused when it fills,
 * since the element that was acted on may have left the page.
 */
export function Confirmation({ children, onDismiss }: { children: ReactNode; onDismiss: () => void }) {
  const region = useRef<HTMLDivElement>(null);
  const shown = Boolean(children);
  useEffect(() => {
    if (shown) region.current?.focus();
  }, [shown, children]);
  return (
    <div role="status" aria-live="polite" ref={region} tabIndex={-1} className="confirmation-region">
      {shown && (
        <div className="notice notice-ok">
          {children}
          <button type="button" onClick={onDismiss}>
            Dismiss
          </button>
        </div>
      )}
    </div>
  );
}
