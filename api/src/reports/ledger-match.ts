import type { ReportRecord } from '../ledger/ledger.port.js';
import type { ReportRow } from './reports.repository.js';

/** True when the stored report names the content the ledger recorded: same CID and digests. */
export function storedMatchesLedger(
  stored: Pick<ReportRow, 'cid' | 'ciphertextSha256' | 'plaintextCommitment'>,
  onLedger: ReportRecord,
): boolean {
  return (
    stored.cid === onLedger.cid &&
    stored.ciphertextSha256 === onLedger.ciphertextSha256 &&
    stored.plaintextCommitment === onLedger.plaintextCommitment
  );
}
