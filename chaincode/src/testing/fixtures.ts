import type { Context } from 'fabric-contract-api';
import { createHash, createHmac } from 'node:crypto';
import { AuditContract } from '../audit/audit.contract';
import { canonicalBytes } from '../canonical-json';
import { CareContract } from '../care/care.contract';
import { BASE32_ALPHABET, CID_CODECS, SHA2_256 } from '../cid';
import { ConsentContract } from '../consent/consent.contract';
import { ErasureContract } from '../erasure/erasure.contract';
import { Grant, GRANT_BY_PAIR, GRANT_OBJECT_TYPE, OrganisationGranteeKind } from '../consent/grant';
import type { PurposeOfUse } from '../consent/purpose-of-use';
import { ParticipantsContract } from '../participants/participants.contract';
import type { Role } from '../participants/participant';
import { ReportsContract } from '../reports/reports.contract';
import { SystemContract } from '../system/system.contract';
import { StubCaller, StubContext } from './stub-context';

export const HOSPITAL_A = 'HospitalAMSP';
export const HOSPITAL_B = 'HospitalBMSP';

/** A deterministic, valid v4 UUID numbered `n` within a family (`0a` reports, `0b` grants…). */
export function uuid(family: string, n: number): string {
  return `${family.padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A user of the ledger: its uid, role and hospital, and the certificate facts the stub signs with. */
export interface Person {
  uid: string;
  role: Role;
  mspId: string;
  caller: StubCaller;
}

function person(n: number, role: Role, mspId: string): Person {
  const uid = uuid('0e', n);
  return { uid, role, mspId, caller: { mspId, attributes: { 'ehr.uid': uid, 'ehr.role': role } } };
}

/** The cast of the unit tests: two hospitals, each with an admin, two doctors, patients and an auditor. */
export const people = {
  adminA: person(1, 'admin', HOSPITAL_A),
  adminB: person(2, 'admin', HOSPITAL_B),
  doctorA: person(3, 'doctor', HOSPITAL_A),
  otherDoctorA: person(4, 'doctor', HOSPITAL_A),
  doctorB: person(5, 'doctor', HOSPITAL_B),
  patientA: person(6, 'patient', HOSPITAL_A),
  otherPatientA: person(7, 'patient', HOSPITAL_A),
  patientB: person(8, 'patient', HOSPITAL_B),
  auditor: person(9, 'auditor', HOSPITAL_A),
  auditorB: person(10, 'auditor', HOSPITAL_B),
  otherDoctorB: person(11, 'doctor', HOSPITAL_B),
} as const;

/**
 * The API's own certificate at a hospital (`medledger-api`): `ehr.role=service`, no
 * `ehr.uid`, never registered (see requireAuditReader).
 */
export const serviceOf = (mspId: string): StubCaller => ({ mspId, attributes: { 'ehr.role': 'service' } });

/** A certificate whose facts contradict what `who` registered with (another hospital's MSP). */
export const impostorOf = (who: Person): StubCaller => ({
  mspId: who.mspId === HOSPITAL_A ? HOSPITAL_B : HOSPITAL_A,
  attributes: { 'ehr.uid': who.uid, 'ehr.role': who.role },
});

export const reportId = (n: number) => uuid('0a', n);
export const grantId = (n: number) => uuid('0b', n);
export const requestId = (n: number) => uuid('0c', n);
export const assignmentId = (n: number) => uuid('0d', n);
/** A grant's duration in minutes, the unit GrantAccess and ApproveRequest take. */
export const days = (n: number) => n * 24 * 60;

/** SHA-256 of a label, as lower-case hex: stands for a digest of public bytes (a ciphertext). */
export const digest = (label: string): string => createHash('sha256').update(label).digest('hex');

/**
 * HMAC-SHA-256 of a label under a fixed test key, as lower-case hex: stands for a keyed
 * commitment to a text kept off-chain (a reason, a justification, a report's plaintext).
 */
export const commitment = (label: string): string =>
  createHmac('sha256', 'unit tests: the off-chain commitment key').update(label).digest('hex');

/** A CIDv1 in base32 of `label`'s SHA-256, as IPFS would name a raw block (or a dag-pb root). */
export function cidOf(label: string, codec: keyof typeof CID_CODECS = 'raw'): string {
  const hash = createHash('sha256').update(label).digest();
  return `b${base32(Uint8Array.from([1, CID_CODECS[codec], SHA2_256.code, SHA2_256.length, ...hash]))}`;
}

export function base32(bytes: Uint8Array): string {
  let text = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      text += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  return bits > 0 ? text + BASE32_ALPHABET[(buffer << (5 - bits)) & 31] : text;
}

/** The arguments of RecordReport, in order, for report `n` of a patient; override any of them. */
export interface ReportArguments {
  reportId: string;
  patientId: string;
  type: string;
  cid: string;
  ciphertextSha256: string;
  plaintextCommitment: string;
  size: string;
  encryptionScheme: string;
}

export function reportArguments(n: number, patient: Person, overrides: Partial<ReportArguments> = {}): ReportArguments {
  return {
    reportId: reportId(n),
    patientId: patient.uid,
    type: 'lab',
    cid: cidOf(`report ${n}`),
    ciphertextSha256: digest(`ciphertext ${n}`),
    plaintextCommitment: commitment(`plaintext ${n}`),
    size: '4096',
    encryptionScheme: 'aes-256-gcm-chunked-v1',
    ...overrides,
  };
}

/** One instance of every contract, as the chaincode serves them. */
export const contracts = {
  participants: new ParticipantsContract(),
  care: new CareContract(),
  reports: new ReportsContract(),
  consent: new ConsentContract(),
  audit: new AuditContract(),
  erasure: new ErasureContract(),
  system: new SystemContract(),
};

/**
 * A stub ledger with the steps most tests start from, each a committed transaction signed
 * by the person it names.
 */
export class Scenario {
  readonly ledger = new StubContext();

  async register(...who: Person[]): Promise<this> {
    for (const person of who) {
      await this.ledger.submit({ caller: person.caller }, (ctx) => contracts.participants.RegisterSelf(ctx));
    }
    return this;
  }

  /** Registers the whole cast. */
  async registerEveryone(): Promise<this> {
    return this.register(...Object.values(people));
  }

  async assignCare(admin: Person, id: string, patient: Person, doctor: Person, at?: string) {
    return JSON.parse(
      await this.ledger.submit({ caller: admin.caller, at }, (ctx) =>
        contracts.care.AssignCare(ctx, id, patient.uid, doctor.uid),
      ),
    );
  }

  /** `author` (a doctor, or a patient for themself) records a report. */
  async recordReport(author: Person, args: ReportArguments, at?: string) {
    return JSON.parse(await this.ledger.submit({ caller: author.caller, at }, (ctx) => recordWith(ctx, args)));
  }

  /**
   * The patient grants `doctor` access for `minutes` (see `days`), for `purposeOfUse`
   * (treatment unless said otherwise).
   */
  async grant(
    patient: Person,
    id: string,
    doctor: Person,
    reportIds: string[] | null,
    minutes: number,
    at?: string,
    purposeOfUse: PurposeOfUse = 'TREAT',
  ) {
    return JSON.parse(
      await this.ledger.submit({ caller: patient.caller, at }, (ctx) =>
        contracts.consent.GrantAccess(ctx, id, doctor.uid, JSON.stringify(reportIds), String(minutes), purposeOfUse),
      ),
    );
  }

  /**
   * The patient grants the hospital `mspId` as a whole (`hospital`) or its care team of the
   * patient (`care-team`) access for `minutes`, for `purposeOfUse` (treatment unless said
   * otherwise).
   */
  async grantOrganisation(
    patient: Person,
    id: string,
    granteeKind: OrganisationGranteeKind,
    mspId: string,
    reportIds: string[] | null,
    minutes: number,
    at?: string,
    purposeOfUse: PurposeOfUse = 'TREAT',
  ) {
    return JSON.parse(
      await this.ledger.submit({ caller: patient.caller, at }, (ctx) =>
        contracts.consent.GrantOrganisationAccess(
          ctx,
          id,
          granteeKind,
          mspId,
          JSON.stringify(reportIds),
          String(minutes),
          purposeOfUse,
        ),
      ),
    );
  }

  /** The doctor breaks the glass on `patient`'s reports for `hours`, on a committed justification. */
  async declareEmergency(doctor: Person, id: string, patient: Person, hours: number, at?: string) {
    return JSON.parse(
      await this.ledger.submit({ caller: doctor.caller, at }, (ctx) =>
        contracts.consent.DeclareEmergency(ctx, id, patient.uid, commitment(`justification ${id}`), String(hours)),
      ),
    );
  }

  /**
   * Writes a record as the previous chaincode version did, committed in a transaction of
   * its own (the chaincode is upgraded in place, so such records stay): see `legacy`.
   */
  plant(objectType: string, id: string, record: object): void {
    this.ledger.seed(this.ledger.compositeKey(objectType, [id]), canonicalBytes(record));
  }

  /** Plants a grant to a doctor of an earlier version where reads find it: under its key and under its pair. */
  plantGrant(record: LegacyGrant | PreGranteeGrant): void {
    this.plant(GRANT_OBJECT_TYPE, record.grantId, record);
    const pairKey = this.ledger.compositeKey(GRANT_BY_PAIR, [record.patientId, record.doctorId, record.grantId]);
    this.ledger.seed(pairKey, canonicalBytes(record));
  }

  async access(reader: Person, report: string, at?: string) {
    return JSON.parse(
      await this.ledger.submit({ caller: reader.caller, at }, (ctx) => contracts.reports.AccessReport(ctx, report)),
    );
  }

  /** `reader` records that AccessReport refuses them `report` (reports:RecordRefusedAccess); answers the refusal. */
  async recordRefusal(reader: Person | StubCaller, report: string, at?: string) {
    const caller = 'caller' in reader ? reader.caller : reader;
    return JSON.parse(
      await this.ledger.submit({ caller, at }, (ctx) => contracts.reports.RecordRefusedAccess(ctx, report)),
    );
  }

  /** Submits as `who`, for transactions with no helper of their own. */
  submit<T>(who: Person | StubCaller, run: (ctx: Context) => Promise<T>, at?: string): Promise<T> {
    return this.ledger.submit({ caller: 'caller' in who ? who.caller : who, at }, run);
  }

  /**
   * What the event of the transaction committed last carries besides its IDs (see
   * emitEvent): that transaction's time, its signer as their certificate names them, and
   * the records it wrote.
   */
  envelope(signer: Person, records: Record<string, unknown>) {
    return {
      at: this.ledger.now,
      actor: { id: signer.uid, role: signer.role, mspId: signer.mspId },
      records,
    };
  }

  /** Evaluates a query as `who` and parses its JSON answer. */
  async query<T = unknown>(who: Person | StubCaller, run: (ctx: Context) => Promise<string>, at?: string): Promise<T> {
    return JSON.parse(await this.ledger.evaluate({ caller: 'caller' in who ? who.caller : who, at }, run)) as T;
  }
}

export function recordWith(ctx: Context, args: ReportArguments): Promise<string> {
  return contracts.reports.RecordReport(
    ctx,
    args.reportId,
    args.patientId,
    args.type,
    args.cid,
    args.ciphertextSha256,
    args.plaintextCommitment,
    args.size,
    args.encryptionScheme,
  );
}

/**
 * Every field of a grant as this version stores it, for the tests of the state class and
 * its rules: a consent grant of `patientA` to `doctorB` for treatment, a day from
 * 2026-01-01. Override any field.
 */
export function grantFields(n: number, overrides: Partial<Grant> = {}): Grant {
  return {
    grantId: grantId(n),
    kind: 'consent',
    patientId: people.patientA.uid,
    patientMspId: people.patientA.mspId,
    granteeKind: 'doctor',
    doctorId: people.doctorB.uid,
    doctorMspId: people.doctorB.mspId,
    granteeMspId: null,
    reportIds: null,
    purposeOfUse: 'TREAT',
    validFrom: '2026-01-01T00:00:00.000Z',
    expiresAt: '2026-01-02T00:00:00.000Z',
    status: 'active',
    revokedAt: null,
    requestId: null,
    justificationCommitment: null,
    reviewed: null,
    reviewOutcome: null,
    reviewedBy: null,
    reviewedAt: null,
    txId: 'f'.repeat(64),
    ...overrides,
  };
}

/** The fields of a consent grant of `patientA` to HospitalB as a whole (or to its care team), a day from 2026-01-01. */
export const organisationGrantFields = (
  n: number,
  granteeKind: OrganisationGranteeKind = 'hospital',
  overrides: Partial<Grant> = {},
): Grant => grantFields(n, { granteeKind, doctorId: null, doctorMspId: null, granteeMspId: HOSPITAL_B, ...overrides });

/** The fields of an unreviewed emergency grant of `doctorB` on `patientA`, for one hour from 2026-01-01. */
export const emergencyGrantFields = (n: number, overrides: Partial<Grant> = {}): Grant =>
  grantFields(n, {
    kind: 'emergency',
    purposeOfUse: 'ETREAT',
    expiresAt: '2026-01-01T01:00:00.000Z',
    justificationCommitment: commitment('justification'),
    reviewed: false,
    ...overrides,
  });

/** A grant exactly as the version before purposes of use stored it. */
export interface LegacyGrant {
  grantId: string;
  kind: 'consent' | 'emergency';
  patientId: string;
  patientMspId: string;
  doctorId: string;
  doctorMspId: string;
  reportIds: string[] | null;
  validFrom: string;
  expiresAt: string;
  status: 'active' | 'revoked';
  revokedAt: string | null;
  requestId: string | null;
  justificationSha256: string | null;
  reviewed: boolean | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  txId: string;
}

/** A grant exactly as the version before grantees other than doctors stored it: today's, without the grantee fields. */
export type PreGranteeGrant = Omit<Grant, 'granteeKind' | 'granteeMspId' | 'doctorId' | 'doctorMspId'> & {
  doctorId: string;
  doctorMspId: string;
};

const LEGACY_TX = 'e'.repeat(64);

/**
 * Records as earlier chaincode versions wrote them. The oldest (`consentGrant`,
 * `emergencyGrant`, `request`, `receipt`): bare `reasonSha256` and `justificationSha256`,
 * no purpose of use, no review outcome. The previous one (`grantToDoctor`, `report`,
 * `receiptWithPurpose`): purposes and commitments, but no grantee kind (every grant went
 * to one doctor, every receipt's grant too) and no author role (only doctors wrote).
 * Between `patientA` and `doctorB` unless overridden.
 */
export const legacy = {
  grantToDoctor: (n: number, overrides: Partial<PreGranteeGrant> = {}): PreGranteeGrant => {
    const fields: Record<string, unknown> = {
      ...grantFields(n, { expiresAt: '2027-01-01T00:00:00.000Z', txId: LEGACY_TX }),
    };
    delete fields.granteeKind;
    delete fields.granteeMspId;
    return {
      ...(fields as PreGranteeGrant),
      doctorId: people.doctorB.uid,
      doctorMspId: people.doctorB.mspId,
      ...overrides,
    };
  },

  /** A report of `doctorA` for `patientA` under care assignment 1, without an author role. */
  report: (n: number, overrides: Record<string, unknown> = {}) => ({
    ...reportArguments(n, people.patientA),
    size: 4096,
    hospitalMspId: people.patientA.mspId,
    authorId: people.doctorA.uid,
    authorMspId: people.doctorA.mspId,
    recordedAt: '2026-01-01T00:00:00.000Z',
    writeBasis: 'care',
    writeBasisId: assignmentId(1),
    txId: LEGACY_TX,
    ...overrides,
  }),

  receiptWithPurpose: (
    basis: 'patient' | 'author' | 'grant' | 'emergency',
    txId: string,
    overrides: Record<string, unknown> = {},
  ) => ({
    ...legacy.receipt(basis, txId),
    purposeOfUse: { patient: 'PATRQT', author: 'TREAT', grant: 'CAREMGT', emergency: 'ETREAT' }[basis],
    ...overrides,
  }),

  consentGrant: (n: number, overrides: Partial<LegacyGrant> = {}): LegacyGrant => ({
    grantId: grantId(n),
    kind: 'consent',
    patientId: people.patientA.uid,
    patientMspId: people.patientA.mspId,
    doctorId: people.doctorB.uid,
    doctorMspId: people.doctorB.mspId,
    reportIds: null,
    validFrom: '2026-01-01T00:00:00.000Z',
    expiresAt: '2027-01-01T00:00:00.000Z',
    status: 'active',
    revokedAt: null,
    requestId: null,
    justificationSha256: null,
    reviewed: null,
    reviewedBy: null,
    reviewedAt: null,
    txId: LEGACY_TX,
    ...overrides,
  }),

  emergencyGrant: (n: number, overrides: Partial<LegacyGrant> = {}): LegacyGrant =>
    legacy.consentGrant(n, {
      kind: 'emergency',
      expiresAt: '2026-01-02T00:00:00.000Z',
      justificationSha256: digest('legacy justification'),
      reviewed: false,
      ...overrides,
    }),

  request: (n: number, overrides: Record<string, unknown> = {}) => ({
    requestId: requestId(n),
    patientId: people.patientA.uid,
    patientMspId: people.patientA.mspId,
    doctorId: people.doctorB.uid,
    doctorMspId: people.doctorB.mspId,
    reportIds: null,
    durationDays: 7,
    reasonSha256: digest('legacy reason'),
    status: 'pending',
    requestedAt: '2026-01-01T00:00:00.000Z',
    decidedAt: null,
    grantId: null,
    txId: LEGACY_TX,
    ...overrides,
  }),

  receipt: (
    basis: 'patient' | 'author' | 'grant' | 'emergency',
    txId: string,
    overrides: Record<string, unknown> = {},
  ) => ({
    txId,
    reportId: reportId(1),
    patientId: people.patientA.uid,
    readerId: basis === 'patient' ? people.patientA.uid : people.doctorB.uid,
    readerMspId: basis === 'patient' ? people.patientA.mspId : people.doctorB.mspId,
    readerRole: basis === 'patient' ? 'patient' : 'doctor',
    basis,
    grantId: basis === 'grant' || basis === 'emergency' ? grantId(1) : null,
    at: '2026-01-01T12:00:00.000Z',
    ...overrides,
  }),
};
