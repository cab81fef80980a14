/**
 * The ledger as the rest of the API sees it: typed transactions of the MedLedger
 * chaincode, each signed by the identity of the user who acts. Implemented over the
 * Fabric Gateway (fabric-ledger.ts); nothing else imports Fabric.
 */
export interface LedgerPort {
  /** A transaction that changes nothing: endorsed by every hospital, ordered, committed. */
  ping(actor: LedgerIdentity): Promise<Committed<PingAnswer>>;

  /** Writes the next revision of a connectivity probe as the actor. */
  recordProbe(actor: LedgerIdentity, probeId: string): Promise<Committed<ProbeRecord>>;

  /** Reads the current revision of a probe, through the actor's own hospital's peer. */
  readProbe(actor: LedgerIdentity, probeId: string): Promise<ProbeRecord>;

  /** Throws LedgerUnavailableError naming what is unreachable, when a transaction could not be served now. */
  checkReady(): Promise<void>;
}

/** Whoever signs a transaction: a user's enrolled certificate and key, opened for this call. */
export interface LedgerIdentity {
  /** The hospital whose peer the Gateway connection uses (`hospital-a`, `hospital-b`). */
  hospital: string;
  mspId: string;
  certificatePem: string;
  privateKeyPem: string;
}

/** The result of a committed transaction, with its place on the ledger. */
export interface Committed<T> {
  result: T;
  transactionId: string;
  blockNumber: bigint;
}

export interface PingAnswer {
  mspId: string;
  role: string | null;
  uid: string | null;
  time: string;
  txId: string;
}

export interface ProbeRecord {
  probeId: string;
  revision: number;
  writerMspId: string;
  recordedAt: string;
  txId: string;
}

/** Injection token of the LedgerPort. */
export const LEDGER = Symbol('LedgerPort');
