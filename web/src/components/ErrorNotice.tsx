import { ApiError } from '../api/api-error';

const COMPONENTS: Record<string, string> = {
  LEDGER_UNAVAILABLE: 'the ledger',
  CA_UNAVAILABLE: 'the hospital certificate authority',
  IPFS_UNAVAILABLE: 'the document store (IPFS)',
  DATABASE_UNAVAILABLE: 'the database',
};

/**
 * Any failure, as a user can read it: what went wrong, the error code and the request ID
 * to quote to support; for an outage, what is unavailable and a way to try again.
 */
export function ErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  const unavailable = apiError?.isUnavailable ?? false;
  const component = apiError ? (COMPONENTS[apiError.code] ?? null) : null;
  return (
    <div role="alert" className={unavailable ? 'notice notice-warning' : 'notice notice-error'}>
      {unavailable ? (
        <p>
          <strong>
            {component
              ? `MedLedger cannot reach ${component} right now.`
              : 'A part of MedLedger is unavailable right now.'}
          </strong>{' '}
          Nothing was lost; please try again
          {apiError?.retryAfterSeconds ? ` in ${apiError.retryAfterSeconds} seconds` : ' in a moment'}.
        </p>
      ) : (
        <p>
          <strong>{apiError ? sentence(apiError.message) : 'Something went wrong in the portal.'}</strong>
        </p>
      )}
      {apiError && (
        <p className="notice-detail">
          {apiError.status > 0 && <>Error {apiError.code}. </>}
          {apiError.requestId && (
            <>
              Request ID: <code>{apiError.requestId}</code>
            </>
          )}
        </p>
      )}
      {onRetry && unavailable && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capitalised = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
