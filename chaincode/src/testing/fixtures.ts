import type { Context } from 'fabric-contract-api';
import { createHash } from 'node:crypto';
import { AuditContract } from '../audit/audit.contract';
import { CareContract } from '../care/care.contract';
import { BASE32_ALPHABET, CID_CODECS, SHA2_256 } from '../cid';
import { ConsentContract } from '../consent/consent.contract';
import { ParticipantsContract } from '../participants/participants.contract';
import type { Role } from '../participants/participant';
import { ReportsContract } from '../reports/reports.contract';
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

/** The cast of the unit tests: two hospitals, each with an admin, doctors and patients; one auditor. */
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
} as const;

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

/** SHA-256 of a label, as lower-case hex: stands for a digest or a commitment. */
export const digest = (label: string): string => createHash('sha256').update(label).digest('hex');

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
    plaintextCommitment: digest(`commitment ${n}`),
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

  async recordReport(doctor: Person, args: ReportArguments, at?: string) {
    return JSON.parse(await this.ledger.submit({ caller: doctor.caller, at }, (ctx) => recordWith(ctx, args)));
  }

  /** The patient grants `doctor` access for `minutes` (see `days`). */
  async grant(patient: Person, id: string, doctor: Person, reportIds: string[] | null, minutes: number, at?: string) {
    return JSON.parse(
      await this.ledger.submit({ caller: patient.caller, at }, (ctx) =>
        contracts.consent.GrantAccess(ctx, id, doctor.uid, JSON.stringify(reportIds), String(minutes)),
      ),
    );
  }

  async access(reader: Person, report: string, at?: string) {
    return JSON.parse(
      await this.ledger.submit({ caller: reader.caller, at }, (ctx) => contracts.reports.AccessReport(ctx, report)),
    );
  }

  /** Submits as `who`, for transactions with no helper of their own. */
  submit<T>(who: Person | StubCaller, run: (ctx: Context) => Promise<T>, at?: string): Promise<T> {
    return this.ledger.submit({ caller: 'caller' in who ? who.caller : who, at }, run);
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
