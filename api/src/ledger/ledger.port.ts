/**
 * The ledger as the rest of the API sees it: typed transactions of the MedLedger
 * chaincode, each signed by the identity of the user who acts. Implemented over the
 * Fabric Gateway (fabric-ledger.ts, one adapter per contract over gateway-session.ts);
 * nothing else imports Fabric.
 */
import type { KeyObject } from 'node:crypto';
import type { PurposeOfUse } from './purpose-of-use.js';
export interface LedgerPort {
  reports: ReportsLedger;
  consent: ConsentLedger;
  care: CareLedger;
  erasure: ErasureLedger;
  participants: ParticipantsLedger;
  system: SystemLedger;
  events: LedgerEvents;
  inspection: LedgerInspection;
}

/** The chaincode's events, in ledger order: the bus between the ledger and every API node. */
export interface LedgerEvents {
  /**
   * Delivers every event after `checkpoint` (from the first block when null) in ledger
   * order, in batches: what the stream has already received when a batch starts goes into
   * it (up to a bound), so a reader catching up writes many events at once and a reader
   * keeping up gets each event as it comes. Each batch after `handle` resolved for the one
   * before; never an empty batch. Resolves when `signal` aborts.
   * @throws LedgerUnavailableError when the stream breaks; follow again from the last checkpoint.
   */
  follow(
    checkpoint: LedgerCheckpoint | null,
    handle: (events: LedgerEvent[]) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void>;
}

/** A chaincode event: its name, its JSON payload (IDs, codes and times only), and where it sits on the ledger. */
export interface LedgerEvent {
  blockNumber: bigint;
  transactionId: string;
  name: string;
  payload: unknown;
}

/** Where an event reader stands: the block to resume at, and the last transaction of it already handled. */
export interface LedgerCheckpoint {
  blockNumber: bigint;
  transactionId: string | null;
}

/** The `reports` contract: records of content, their opening, and void report IDs. */
export interface ReportsLedger {
  /** A doctor records a case report: ids, the ciphertext's CID and digest, the plaintext's salted commitment. */
  record(actor: LedgerIdentity, report: NewReportRecord): Promise<Committed<ReportRecord>>;

  /**
   * Whether the chaincode would record a report of this ID, patient and type by the actor
   * now, asked before any content exists: `RecordReport` evaluated as the actor (simulated
   * on a peer, never ordered or committed) with placeholder content facts, so the decision
   * is the chaincode's own, not a copy of its rules. Resolves when it would.
   * @throws ChaincodeRefusedError FORBIDDEN, GRANT_EXPIRED or GRANT_REVOKED (no care
   *   assignment or grant that lets the actor write for the patient), CONFLICT, NOT_FOUND…
   */
  checkRecordable(
    actor: LedgerIdentity,
    draft: Pick<NewReportRecord, 'reportId' | 'patientId' | 'type'>,
  ): Promise<void>;

  /**
   * Opens a report: the chaincode checks the reader's right now and writes the access receipt.
   * @throws ChaincodeRefusedError FORBIDDEN, GRANT_EXPIRED or GRANT_REVOKED when the reader may not open it.
   */
  access(actor: LedgerIdentity, reportId: string): Promise<Committed<AccessReceiptRecord>>;

  /**
   * Records on the ledger, under the actor's own identity, that opening the report was
   * refused to them now: the chaincode writes it only when AccessReport would in fact
   * refuse this actor at this moment (CONFLICT when it would admit them).
   */
  recordRefusal(actor: LedgerIdentity, reportId: string): Promise<Committed<AccessRefusalRecord>>;

  /** The ledger's record of a report, as the actor may see it (NOT_FOUND otherwise). */
  get(actor: LedgerIdentity, reportId: string): Promise<ReportRecord>;

  /**
   * Marks a report ID as never to be recorded, as the upload's author, before its content
   * is unpinned; refused (CONFLICT) when the report is recorded.
   */
  void(actor: LedgerIdentity, reportId: string): Promise<Committed<ReportVoidRecord>>;

  /** Reports of a patient that the actor may see (a doctor: what they wrote or may open), oldest first. */
  listByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<ReportRecord>>;

  /** Reports a doctor wrote, oldest first (the doctor themself, auditors). */
  listByAuthor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<ReportRecord>>;
}

/**
 * The `consent` contract: doctors' requests, patients' grants and revocations, emergency
 * access and its review. Every change is signed by the acting user; the chaincode decides.
 * Refusals arrive as ChaincodeRefusedError with the contract's code (FORBIDDEN, NOT_FOUND,
 * CONFLICT, INVALID_ARGUMENT, EMERGENCY_ACTIVE).
 */
export interface ConsentLedger {
  /** A doctor asks a patient for access (reason kept off-chain: only its keyed commitment). */
  requestAccess(actor: LedgerIdentity, request: NewAccessRequest): Promise<Committed<AccessRequestRecord>>;

  /**
   * The patient approves a pending request, choosing scope and duration of the grant it
   * creates, and its grantee: the requesting doctor, their hospital, or the care team there.
   */
  approveRequest(
    actor: LedgerIdentity,
    approval: {
      requestId: string;
      grantId: string;
      reportIds: string[] | null;
      durationMinutes: number;
      granteeKind: GranteeKind;
    },
  ): Promise<Committed<{ grant: GrantRecord; request: AccessRequestRecord }>>;

  /** The patient denies a pending request. */
  denyRequest(actor: LedgerIdentity, requestId: string): Promise<Committed<AccessRequestRecord>>;

  /** The requesting doctor cancels a pending request. */
  cancelRequest(actor: LedgerIdentity, requestId: string): Promise<Committed<AccessRequestRecord>>;

  /** The patient grants a doctor access directly. */
  grantAccess(actor: LedgerIdentity, grant: NewConsentGrant): Promise<Committed<GrantRecord>>;

  /** The patient grants every doctor of a hospital, or their care team at a hospital, access directly. */
  grantOrganisationAccess(actor: LedgerIdentity, grant: NewOrganisationGrant): Promise<Committed<GrantRecord>>;

  /** The patient revokes a grant; effective for the next transaction (CONFLICT when it already ended). */
  revokeGrant(actor: LedgerIdentity, grantId: string): Promise<Committed<GrantRecord>>;

  /** A doctor breaks the glass (EMERGENCY_ACTIVE while one of theirs for the patient is active). */
  declareEmergency(actor: LedgerIdentity, emergency: NewEmergency): Promise<Committed<GrantRecord>>;

  /** An auditor closes an emergency grant's review with an outcome (CONFLICT when already reviewed). */
  reviewEmergency(
    actor: LedgerIdentity,
    grantId: string,
    outcome: EmergencyReviewOutcome,
  ): Promise<Committed<GrantRecord>>;

  /** One request, for its patient, its doctor and auditors (NOT_FOUND for anyone else). */
  getRequest(actor: LedgerIdentity, requestId: string): Promise<AccessRequestRecord>;

  /** One grant with its status at query time, for its patient, its doctor and auditors. */
  getGrant(actor: LedgerIdentity, grantId: string): Promise<GrantRecord>;

  /** Requests addressed to a patient, oldest first. */
  listRequestsByPatient(
    actor: LedgerIdentity,
    patientId: string,
    page: PageRequest,
  ): Promise<Page<AccessRequestRecord>>;

  /** Requests a doctor made, oldest first. */
  listRequestsByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<AccessRequestRecord>>;

  /** Grants a patient gave, oldest first, with their status at query time. */
  listGrantsByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<GrantRecord>>;

  /** Grants held by a doctor, oldest first, with their status at query time. */
  listGrantsByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<GrantRecord>>;

  /** Organisation grants to a hospital (both kinds), oldest first: its doctors and auditors. */
  listGrantsByHospital(actor: LedgerIdentity, mspId: string, page: PageRequest): Promise<Page<GrantRecord>>;

  /** Every emergency grant, oldest first (auditors). */
  listEmergencyGrants(actor: LedgerIdentity, page: PageRequest): Promise<Page<GrantRecord>>;
}

/** The `care` contract: care-team assignments, recorded by admins. */
export interface CareLedger {
  /** An admin assigns a doctor to a patient's care team (both of the admin's hospital). */
  assign(
    actor: LedgerIdentity,
    assignmentId: string,
    patientId: string,
    doctorId: string,
  ): Promise<Committed<CareAssignmentRecord>>;

  /** An admin ends a care assignment of their hospital. */
  end(actor: LedgerIdentity, assignmentId: string): Promise<Committed<CareAssignmentRecord>>;

  /** Care assignments of a patient, oldest first, as the actor may see them. */
  listByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>>;

  /** Care assignments of a doctor, oldest first. */
  listByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>>;
}

/** The `erasure` contract: that a patient's content was erased. */
export interface ErasureLedger {
  /**
   * An admin of the patient's hospital records that the patient's content was erased (their
   * key-encryption key destroyed); once per patient: CONFLICT when already recorded.
   */
  record(actor: LedgerIdentity, patientId: string): Promise<Committed<ErasureRecord>>;

  /** The erasure record of a patient (auditors, admins of the patient's hospital, the patient); NOT_FOUND if none. */
  get(actor: LedgerIdentity, patientId: string): Promise<ErasureRecord>;
}

/** The `participants` contract: who is on the ledger, from their certificates. */
export interface ParticipantsLedger {
  /** Records the actor on the ledger (uid, role, hospital from their certificate); idempotent. */
  registerSelf(actor: LedgerIdentity): Promise<Committed<ParticipantRecord>>;
}

/** The `system` contract and the channel itself: connectivity, probes, blocks, readiness. */
export interface SystemLedger {
  /** A transaction that changes nothing: endorsed by every hospital, ordered, committed. */
  ping(actor: LedgerIdentity): Promise<Committed<PingAnswer>>;

  /** Writes the next revision of a connectivity probe as the actor. */
  recordProbe(actor: LedgerIdentity, probeId: string): Promise<Committed<ProbeRecord>>;

  /** Reads the current revision of a probe, through the actor's own hospital's peer. */
  readProbe(actor: LedgerIdentity, probeId: string): Promise<ProbeRecord>;

  /** The number of the block that holds a committed transaction. */
  blockOfTransaction(actor: LedgerIdentity, transactionId: string): Promise<bigint>;

  /** The channel's height (its number of blocks), as this node's own peer knows it. */
  chainHeight(): Promise<bigint>;

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

export type EmergencyReviewOutcome = 'appropriate' | 'inappropriate';

export interface NewAccessRequest {
  requestId: string;
  patientId: string;
  /** null: all of the patient's reports. */
  reportIds: string[] | null;
  durationDays: number;
  purposeOfUse: PurposeOfUse;
  /** HMAC-SHA-256 of the reason under a key kept off-chain. */
  reasonCommitment: string;
}

export interface AccessRequestRecord {
  requestId: string;
  patientId: string;
  patientMspId: string;
  doctorId: string;
  doctorMspId: string;
  reportIds: string[] | null;
  durationDays: number;
  purposeOfUse: PurposeOfUse;
  reasonCommitment: string;
  status: 'pending' | 'approved' | 'denied' | 'cancelled';
  requestedAt: string;
  decidedAt: string | null;
  grantId: string | null;
  txId: string;
}

export interface NewConsentGrant {
  grantId: string;
  doctorId: string;
  reportIds: string[] | null;
  durationMinutes: number;
  purposeOfUse: PurposeOfUse;
}

export interface NewOrganisationGrant {
  grantId: string;
  granteeKind: 'hospital' | 'care-team';
  granteeMspId: string;
  reportIds: string[] | null;
  durationMinutes: number;
  purposeOfUse: PurposeOfUse;
}

export interface NewEmergency {
  grantId: string;
  patientId: string;
  /** HMAC-SHA-256 of the justification under a key kept off-chain. */
  justificationCommitment: string;
  hours: number;
}

/** Who a grant lets in: one doctor, every doctor of a hospital, or the patient's care team at a hospital. */
export const GRANTEE_KINDS = ['doctor', 'hospital', 'care-team'] as const;
export type GranteeKind = (typeof GRANTEE_KINDS)[number];

export interface GrantRecord {
  grantId: string;
  kind: 'consent' | 'emergency';
  patientId: string;
  patientMspId: string;
  granteeKind: GranteeKind;
  /** The doctor of a `doctor` grant; null for the organisation kinds. */
  doctorId: string | null;
  doctorMspId: string | null;
  /** The hospital of a `hospital` or `care-team` grant; null for a doctor's. */
  granteeMspId: string | null;
  reportIds: string[] | null;
  purposeOfUse: PurposeOfUse;
  validFrom: string;
  expiresAt: string;
  status: 'active' | 'revoked';
  revokedAt: string | null;
  requestId: string | null;
  justificationCommitment: string | null;
  reviewed: boolean | null;
  reviewOutcome: EmergencyReviewOutcome | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  /** The status at the time of the query (absent on a transaction's own answer): past its expiry reads `expired`. */
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

/** The role in the author's certificate: a clinician's record, or one the patient added themself. */
export const AUTHOR_ROLES = ['doctor', 'patient'] as const;
export type AuthorRole = (typeof AUTHOR_ROLES)[number];

export interface ReportRecord extends NewReportRecord {
  authorId: string;
  authorRole: AuthorRole;
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
  /** The kind of grantee the grant used let in by; null for the patient and the author. */
  granteeKind: GranteeKind | null;
  purposeOfUse: PurposeOfUse;
  at: string;
}

/** A refused opening of a report, as the chaincode recorded it (no grant, ended grant, or a role that never opens content). */
export interface AccessRefusalRecord {
  txId: string;
  reportId: string;
  patientId: string;
  readerId: string;
  readerRole: 'patient' | 'doctor' | 'auditor' | 'admin';
  code: 'FORBIDDEN' | 'GRANT_EXPIRED' | 'GRANT_REVOKED';
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

/**
 * The ledger read whole, as each hospital's own API identity may read it (`medledger-api`,
 * `ehr.role=service`: read-only, with the view of an auditor of its hospital), and the
 * network's own state: for the reconciliation of the projection and for the status page.
 * Nothing here writes. Every call names the hospital whose identity and peer it goes through.
 */
export interface LedgerInspection {
  /** The channel, the chaincode, the Fabric release the network was built with, and each hospital's peer. */
  network(): InspectedNetwork;

  /**
   * The channel's height as one hospital's peer knows it (qscc GetChainInfo).
   * @throws LedgerUnavailableError when the peer does not answer within `deadlineMs`.
   */
  chainHeightAt(hospital: string, deadlineMs: number): Promise<bigint>;

  /**
   * The Fabric version a hospital's peer reports on its operations endpoint (`GET /version`);
   * null when the network profile names no operations endpoint for it.
   * @throws LedgerUnavailableError when the endpoint does not answer within `deadlineMs`.
   */
  peerVersionAt(hospital: string, deadlineMs: number): Promise<string | null>;

  /**
   * The chaincode's committed definition as one hospital's peer knows it (`_lifecycle`
   * QueryChaincodeDefinition, which the channel's writers, the API's client identity among them, may call).
   * @throws LedgerUnavailableError when the peer does not answer within `deadlineMs`.
   * @throws ChaincodeRefusedError when the peer refuses the query.
   */
  chaincodeDefinitionAt(hospital: string, deadlineMs: number): Promise<ChaincodeDefinition>;

  /**
   * How many events of the chaincode (of valid transactions) lie after `after` (from the
   * first block when null) and below block `height`: what a reader at `after` has still to
   * handle before it holds everything of a ledger of that height. Read from the filtered
   * blocks of the first hospital's peer, the one the API follows events through.
   * @throws LedgerUnavailableError when the peer does not deliver those blocks within `deadlineMs`.
   */
  countEventsBetween(after: LedgerCheckpoint | null, height: bigint, deadlineMs: number): Promise<number>;

  /**
   * Every event of the chaincode of a valid transaction in the blocks below `height` (from
   * the first block), with its payload, in ledger order: exactly the events a reader
   * following the chaincode's events from the first block is given, handed to `handle` a
   * block at a time (blocks without one are skipped). Read from the full blocks of the first
   * hospital's peer, as its service identity (a reader of the channel).
   * @throws LedgerUnavailableError when the peer does not deliver those blocks within `deadlineMs`.
   */
  readEventsBelow(height: bigint, deadlineMs: number, handle: (events: LedgerEvent[]) => void): Promise<void>;

  /** Every participant (`audit:ListParticipants`), in uid order. */
  listParticipants(hospital: string, page: PageRequest): Promise<Page<InspectedParticipant>>;

  /** Every recorded report (`reports:ListReports`), with the fields the projection keeps. */
  listReports(hospital: string, page: PageRequest): Promise<Page<InspectedReport>>;

  /** Every opening of a patient's reports (`audit:ListReceiptsByPatient`), oldest first. */
  listReceiptsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<InspectedReceipt>>;

  /** Every refused opening of a patient's reports (`audit:ListRefusalsByPatient`), oldest first. */
  listRefusalsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<InspectedRefusal>>;

  /** A patient's access requests (`consent:ListRequestsByPatient`), oldest first. */
  listRequestsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<AccessRequestRecord>>;

  /** A patient's grants (`consent:ListGrantsByPatient`), oldest first. */
  listGrantsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<GrantRecord>>;

  /** A patient's care assignments (`care:ListCareByPatient`), oldest first. */
  listCareByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>>;

  /** A patient's erasure record (`erasure:GetErasure`), or null when the patient was not erased. */
  getErasure(hospital: string, patientId: string): Promise<ErasureRecord | null>;
}

/** The network as the API's profile describes it. */
export interface InspectedNetwork {
  channel: string;
  chaincode: string;
  /** The Fabric release the network's binaries were built from, when the profile says. */
  fabricVersion: string | null;
  peers: Array<{ hospital: string; mspId: string; endpoint: string }>;
}

/** A chaincode definition committed on the channel. */
export interface ChaincodeDefinition {
  name: string;
  version: string;
  sequence: number;
}

/** A participant as the ledger keeps it; `erasedAt` for a patient whose content was erased. */
export interface InspectedParticipant {
  uid: string;
  role: string;
  mspId: string;
  registeredAt: string;
  erasedAt: string | null;
  txId: string;
}

/** A recorded report with every field the ledger keeps of it. */
export interface InspectedReport extends ReportRecord {
  /** The patient's hospital. */
  hospitalMspId: string;
  authorMspId: string;
  writeBasis: 'care' | 'grant' | 'self';
  writeBasisId: string;
}

/** An access receipt with the reader's hospital and role. */
export interface InspectedReceipt extends AccessReceiptRecord {
  readerMspId: string;
  readerRole: 'patient' | 'doctor';
}

/** A refused opening (AccessRefusal) with every field the ledger keeps of it. */
export interface InspectedRefusal extends AccessRefusalRecord {
  readerMspId: string;
  /** The ended grant's purpose; null when no grant was involved. */
  purposeOfUse: PurposeOfUse | null;
}

/** A void mark with every field the ledger keeps of it (as ReportVoided's event carries it). */
export interface InspectedReportVoid extends ReportVoidRecord {
  /** The first voider's hospital. */
  voidedByMspId: string;
}
