/**
 * The ledger as the rest of the API sees it: typed transactions of the MedLedger
 * chaincode, each signed by the identity of the user who acts. Implemented over the
 * Fabric Gateway (fabric-ledger.ts); nothing else imports Fabric.
 */
import type { KeyObject } from 'node:crypto';
export interface LedgerPort {
  /** A transaction that changes nothing: endorsed by every hospital, ordered, committed. */
  ping(actor: LedgerIdentity): Promise<Committed<PingAnswer>>;

  /** Writes the next revision of a connectivity probe as the actor. */
  recordProbe(actor: LedgerIdentity, probeId: string): Promise<Committed<ProbeRecord>>;

  /** Reads the current revision of a probe, through the actor's own hospital's peer. */
  readProbe(actor: LedgerIdentity, probeId: string): Promise<ProbeRecord>;

  /** Records the actor on the ledger (uid, role, hospital from their certificate); idempotent. */
  registerSelf(actor: LedgerIdentity): Promise<Committed<ParticipantRecord>>;

  /** An admin assigns a doctor to a patient's care team (both of the admin's hospital). */
  assignCare(
    actor: LedgerIdentity,
    assignmentId: string,
    patientId: string,
    doctorId: string,
  ): Promise<Committed<CareAssignmentRecord>>;

  /** An admin ends a care assignment of their hospital. */
  endCare(actor: LedgerIdentity, assignmentId: string): Promise<Committed<CareAssignmentRecord>>;

  /** Care assignments of a patient, oldest first, as the actor may see them. */
  listCareByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>>;

  /** Care assignments of a doctor, oldest first. */
  listCareByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>>;

  /** Grants held by a doctor, oldest first, with their status at query time. */
  listGrantsByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<GrantRecord>>;

  /** A doctor records a case report: ids, the ciphertext's CID and digest, the plaintext's salted commitment. */
  recordReport(actor: LedgerIdentity, report: NewReportRecord): Promise<Committed<ReportRecord>>;

  /** Opens a report: the chaincode checks the reader's right now and writes the access receipt. */
  accessReport(actor: LedgerIdentity, reportId: string): Promise<Committed<AccessReceiptRecord>>;

  /** The ledger's record of a report, as the actor may see it (NOT_FOUND otherwise). */
  getReport(actor: LedgerIdentity, reportId: string): Promise<ReportRecord>;

  /**
   * Marks a report ID as never to be recorded, as the upload's author, before its content
   * is unpinned; refused (CONFLICT) when the report is recorded.
   */
  voidReport(actor: LedgerIdentity, reportId: string): Promise<Committed<ReportVoidRecord>>;

  /** The number of the block that holds a committed transaction. */
  blockOfTransaction(actor: LedgerIdentity, transactionId: string): Promise<bigint>;

  /** Reports of a patient that the actor may see (a doctor: what they wrote or may open), oldest first. */
  listReportsByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<ReportRecord>>;

  /** Reports a doctor wrote, oldest first (the doctor themself, auditors). */
  listReportsByAuthor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<ReportRecord>>;

  /**
   * An admin of the patient's hospital records that the patient's content was erased (their
   * key-encryption key destroyed); once per patient: CONFLICT when already recorded.
   */
  recordErasure(actor: LedgerIdentity, patientId: string): Promise<Committed<ErasureRecord>>;

  /** The erasure record of a patient (auditors, admins of the patient's hospital, the patient); NOT_FOUND if none. */
  getErasure(actor: LedgerIdentity, patientId: string): Promise<ErasureRecord>;

  /** Throws LedgerUnavailableError naming what is unreachable, when a transaction could not be served now. */
  checkReady(): Promise<void>;
}

/** Whoever signs a transaction: a user's enrolled certificate and their opened private key. */
export interface LedgerIdentity {
  /** The hospital whose peer the Gateway connection uses (`hospital-a`, `hospital-b`). */
  hospital: string;
  mspId: string;
  certificatePem: string;
  privateKey: KeyObject;
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

export interface PageRequest {
  pageSize: number;
  /** The `nextBookmark` of the previous page, or empty for the first. */
  bookmark: string;
}

export interface Page<T> {
  items: T[];
  nextBookmark: string | null;
}

export interface ParticipantRecord {
  uid: string;
  role: string;
  mspId: string;
  registeredAt: string;
  txId: string;
}

export interface CareAssignmentRecord {
  assignmentId: string;
  patientId: string;
  doctorId: string;
  hospitalMspId: string;
  assignedBy: string;
  startedAt: string;
  endedAt: string | null;
  endedBy: string | null;
  txId: string;
}

export interface GrantRecord {
  grantId: string;
  kind: 'consent' | 'emergency';
  patientId: string;
  doctorId: string;
  reportIds: string[] | null;
  validFrom: string;
  expiresAt: string;
  status: 'active' | 'revoked';
  /** The status at the time of the query: a grant past its expiry reads `expired`. */
  effectiveStatus?: 'active' | 'expired' | 'revoked' | 'not-yet-valid';
  txId: string;
}

export interface NewReportRecord {
  reportId: string;
  patientId: string;
  type: string;
  cid: string;
  ciphertextSha256: string;
  plaintextCommitment: string;
  /** Ciphertext bytes. */
  size: number;
  encryptionScheme: string;
}

export interface ReportRecord extends NewReportRecord {
  authorId: string;
  recordedAt: string;
  txId: string;
}

export interface AccessReceiptRecord {
  txId: string;
  reportId: string;
  patientId: string;
  readerId: string;
  basis: 'patient' | 'author' | 'grant' | 'emergency';
  grantId: string | null;
  at: string;
}

/** That a patient's content was erased: by which admin (and hospital), when (transaction time), in which transaction. */
export interface ErasureRecord {
  patientId: string;
  erasedBy: string;
  erasedByMspId: string;
  erasedAt: string;
  txId: string;
}

/** A report ID marked on the ledger as never to be recorded (reports:VoidReport). */
export interface ReportVoidRecord {
  reportId: string;
  voidedBy: string;
  voidedAt: string;
  txId: string;
}

/** Injection token of the LedgerPort. */
export const LEDGER = Symbol('LedgerPort');
