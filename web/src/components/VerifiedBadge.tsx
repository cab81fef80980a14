/**
 * "Verified against the ledger": the content that was just opened matched the ledger's
 * record; names the transaction that recorded it.
 */
export function VerifiedBadge({ txId }: { txId: string }) {
  return (
    <p className="verified-badge">
      <span aria-hidden="true">✓</span>
      <span>
        Verified against the ledger · transaction <code className="break">{txId}</code>
      </span>
    </p>
  );
}
