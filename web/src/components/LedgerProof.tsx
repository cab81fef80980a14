import { Time } from './Time';

export interface Proof {
  txId: string;
  blockNumber: string | number;
  cid?: string | null;
  sha256?: string | null;
  recordedAt?: string | null;
}

/** Where a record stands on the ledger: transaction, block, content ID and digest, in full. */
export function LedgerProof({ proof, title = 'Ledger proof' }: { proof: Proof; title?: string }) {
  return (
    <section className="ledger-proof" aria-label={title}>
      <h2>{title}</h2>
      <dl>
        <dt>Transaction</dt>
        <dd>
          <code className="break">{proof.txId}</code>
        </dd>
        <dt>Block</dt>
        <dd>{String(proof.blockNumber)}</dd>
        {proof.cid && (
          <>
            <dt>Content ID (CID)</dt>
            <dd>
              <code className="break">{proof.cid}</code>
            </dd>
          </>
        )}
        {proof.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd>
              <code className="break">{proof.sha256}</code>
            </dd>
          </>
        )}
        {proof.recordedAt && (
          <>
            <dt>Recorded</dt>
            <dd>
              <Time value={proof.recordedAt} />
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
