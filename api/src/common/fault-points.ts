/**
 * Named points between two durable steps of a workflow where a crash must leave nothing
 * half-done. The fault tests start an API with `FAULT_INJECTION=<point>`: reaching that
 * point kills the process at once with SIGKILL (no cleanup, no shutdown hooks), as a power
 * cut would. Unset, reaching a point costs one comparison.
 */
export const FAULT_POINTS = [
  /** The upload's saga row exists; nothing is stored yet. */
  'upload:saga-started',
  /** The ciphertext is on IPFS, not pinned yet; the saga row does not know its CID. */
  'upload:content-added',
  /** The saga row holds the CID, digests and wrapped keys, and the content is pinned; the ledger knows nothing. */
  'upload:stored',
  /** The ledger committed the report; the saga row does not know it yet. */
  'upload:ledger-committed',
  /** The report row is written and the saga row holds the ledger proof; the client has not had its answer. */
  'upload:completed',
] as const;

export type FaultPoint = (typeof FAULT_POINTS)[number];
