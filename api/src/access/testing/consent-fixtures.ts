/**
 * What the unit specs of the consent services share: the callers, the ledger records they start from,
 * the consent_statements table behind the real ConsentStatementsRepository, the accounts behind the
 * real DoctorNamesRepository, the real HospitalDirectory over a two-hospital network, and the mocked
 * ledger port and signing identities. Test-only (the build leaves `testing` folders out).
 */
import { jest } from '@jest/globals';
import type { KeyObject } from 'node:crypto';
import type { AuthenticatedUser } from '../../auth/authenticated-user.js';
import type { LedgerIdentityService } from '../../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../../ledger/ledger.errors.js';
import type {
  AccessRequestRecord,
  Committed,
  ConsentLedger,
  GrantRecord,
  LedgerIdentity,
  LedgerPort,
  Page,
  PageRequest,
} from '../../ledger/ledger.port.js';
import type { NetworkProfile } from '../../ledger/network-profile.js';
import { type ConsentStatement, ConsentStatementsRepository } from '../consent-statements.repository.js';
import { DoctorNamesRepository } from '../doctor-names.repository.js';
import { HospitalDirectory } from '../hospital-directory.js';

export const PATIENT: AuthenticatedUser = {
  id: '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10',
  role: 'patient',
  hospital: 'hospital-a',
  sessionId: 'session-patient',
};
export const DOCTOR: AuthenticatedUser = {
  id: '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  role: 'doctor',
  hospital: 'hospital-b',
  sessionId: 'session-doctor',
};
/** DOCTOR as their account names them (what a patient is shown). */
export const NAMED_DOCTOR = { id: DOCTOR.id, fullName: 'Grace Hopper', hospital: 'hospital-b' };
export const REQUEST_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
export const GRANT_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';
export const EMERGENCY_GRANT_ID = 'e0e0e0e0-1234-4abc-8def-0123456789ab';
export const ORGANISATION_GRANT_ID = '0a0a0a0a-1234-4abc-8def-0123456789ab';
/** A version 4 UUID, as the services draw for new requests and grants. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A network of two hospitals, as the profile names them (only what HospitalDirectory reads). */
export const NETWORK = {
  channel: 'medledger',
  chaincode: 'medledger',
  hospitals: [
    { hospital: 'hospital-a', mspId: 'HospitalAMSP' },
    { hospital: 'hospital-b', mspId: 'HospitalBMSP' },
  ],
} as unknown as NetworkProfile;

/** The real HospitalDirectory over NETWORK. */
export const hospitalDirectory = () => new HospitalDirectory(NETWORK);

const MSP_OF: Record<string, string> = Object.fromEntries(
  NETWORK.hospitals.map(({ hospital, mspId }) => [hospital, mspId]),
);

/** The signing identity LedgerIdentityService opens for a user (a stand-in key: the ledger is mocked). */
export const actorOf = (userId: string, hospital: string): LedgerIdentity => ({
  hospital,
  mspId: MSP_OF[hospital],
  certificatePem: `certificate of ${userId}`,
  privateKey: {} as KeyObject,
});

/** A pending request of DOCTOR (hospital B) for all of PATIENT's (hospital A) reports, 30 days, for treatment. */
export const accessRequestRecord = (overrides: Partial<AccessRequestRecord> = {}): AccessRequestRecord => ({
  requestId: REQUEST_ID,
  patientId: PATIENT.id,
  patientMspId: 'HospitalAMSP',
  doctorId: DOCTOR.id,
  doctorMspId: 'HospitalBMSP',
  reportIds: null,
  durationDays: 30,
  purposeOfUse: 'TREAT',
  reasonCommitment: 'ab'.repeat(32),
  status: 'pending',
  requestedAt: '2026-11-21T10:00:00.000Z',
  decidedAt: null,
  grantId: null,
  txId: 'tx-requested',
  ...overrides,
});

/** An active consent grant of PATIENT to DOCTOR of all reports for a week, for treatment, given without a request. */
export const grantRecord = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  grantId: GRANT_ID,
  kind: 'consent',
  patientId: PATIENT.id,
  patientMspId: 'HospitalAMSP',
  granteeKind: 'doctor',
  doctorId: DOCTOR.id,
  doctorMspId: 'HospitalBMSP',
  granteeMspId: null,
  reportIds: null,
  purposeOfUse: 'TREAT',
  validFrom: '2026-11-21T10:00:00.000Z',
  expiresAt: '2026-11-28T10:00:00.000Z',
  status: 'active',
  revokedAt: null,
  requestId: null,
  justificationCommitment: null,
  reviewed: null,
  reviewOutcome: null,
  reviewedBy: null,
  reviewedAt: null,
  txId: 'tx-granted',
  ...overrides,
});

/**
 * An active consent grant of PATIENT to every doctor of hospital B (`hospital`) or to PATIENT's care
 * team there (`care-team`), of all reports for a week, for treatment: no doctor named.
 */
export const organisationGrantRecord = (
  granteeKind: 'hospital' | 'care-team',
  overrides: Partial<GrantRecord> = {},
): GrantRecord =>
  grantRecord({
    grantId: ORGANISATION_GRANT_ID,
    granteeKind,
    doctorId: null,
    doctorMspId: null,
    granteeMspId: 'HospitalBMSP',
    ...overrides,
  });

/** An active, unreviewed emergency grant of DOCTOR on PATIENT for six hours, with a justification committed to. */
export const emergencyGrantRecord = (overrides: Partial<GrantRecord> = {}): GrantRecord =>
  grantRecord({
    grantId: EMERGENCY_GRANT_ID,
    kind: 'emergency',
    purposeOfUse: 'ETREAT',
    expiresAt: '2026-11-21T16:00:00.000Z',
    justificationCommitment: 'cd'.repeat(32),
    reviewed: false,
    txId: 'tx-declared',
    ...overrides,
  });

export const committed = <T>(result: T, transactionId: string, blockNumber: bigint): Committed<T> => ({
  result,
  transactionId,
  blockNumber,
});

export const refused = (code: string, detail: string) => new ChaincodeRefusedError(code, detail);

/**
 * A ledger list query answering `items` in two pages, as its bookmarks would have it: the first
 * `firstPageSize` with a bookmark, then the rest without one.
 */
export const inTwoLedgerPages =
  <T>(items: T[], firstPageSize: number) =>
  (page: PageRequest): Promise<Page<T>> =>
    Promise.resolve(
      page.bookmark === ''
        ? { items: items.slice(0, firstPageSize), nextBookmark: 'bookmark-1' }
        : { items: items.slice(firstPageSize), nextBookmark: null },
    );

/**
 * The real ConsentStatementsRepository over a stand-in for its SQL: rows of consent_statements
 * in an array, so a test sees what the service wrote and removed around the ledger call.
 */
export function statementsTable() {
  const rows: ConsentStatement[] = [];
  /** `subjectId/kind` of the rows confirmed. */
  const confirmed = new Set<string>();
  const keyOf = (subjectId: unknown, kind: unknown) => `${String(subjectId)}/${String(kind)}`;
  const query = (sql: string, params: unknown[] = []): Promise<unknown> => {
    if (sql.startsWith('INSERT INTO consent_statements')) {
      const [subjectId, kind, patientId, authorId, body, commitmentKey] = params as [
        string,
        ConsentStatement['kind'],
        string,
        string,
        string,
        Buffer | null,
      ];
      const at = rows.findIndex((row) => row.subjectId === subjectId && row.kind === kind);
      const row = { subjectId, kind, patientId, authorId, body, commitmentKey };
      if (at < 0) rows.push(row);
      else if (!confirmed.has(keyOf(subjectId, kind))) rows[at] = row;
      return Promise.resolve([]);
    }
    if (sql.startsWith('UPDATE consent_statements SET confirmed_at')) {
      const [subjectId, kind] = params;
      if (rows.some((row) => row.subjectId === subjectId && row.kind === kind)) confirmed.add(keyOf(subjectId, kind));
      return Promise.resolve([]);
    }
    if (sql.startsWith('DELETE FROM consent_statements WHERE subject_id')) {
      const [subjectId, kind] = params;
      const kept = rows.filter(
        (row) => row.subjectId !== subjectId || row.kind !== kind || confirmed.has(keyOf(subjectId, kind)),
      );
      rows.splice(0, rows.length, ...kept);
      return Promise.resolve([]);
    }
    if (sql.startsWith('SELECT subject_id, kind, body FROM consent_statements')) {
      const [subjectIds] = params as [string[]];
      return Promise.resolve(
        rows
          .filter((row) => subjectIds.includes(row.subjectId))
          .map((row) => ({ subject_id: row.subjectId, kind: row.kind, body: row.body })),
      );
    }
    return Promise.reject(new Error(`consent_statements: unexpected SQL ${sql}`));
  };
  const repository = new ConsentStatementsRepository({ query } as unknown as ConstructorParameters<
    typeof ConsentStatementsRepository
  >[0]);
  return { rows, confirmed, repository };
}

/** An account as the users table holds what DoctorNamesRepository reads of it. */
export interface Account {
  id: string;
  fullName: string;
  hospital: string;
  role: 'doctor' | 'patient' | 'auditor' | 'admin';
}

/**
 * The real DoctorNamesRepository over a stand-in for its SQL: the users table as `accounts`
 * (DOCTOR, and PATIENT with a name that must never be shown), and `queries`, the ids each
 * query asked for, so a test sees one query per page.
 */
export function accountsTable() {
  const accounts: Account[] = [
    { ...NAMED_DOCTOR, role: 'doctor' },
    { id: PATIENT.id, fullName: 'Ada Patient', hospital: 'hospital-a', role: 'patient' },
  ];
  const queries: string[][] = [];
  const query = (sql: string, params: unknown[] = []): Promise<unknown> => {
    if (!sql.startsWith('SELECT id, full_name AS "fullName", hospital FROM users')) {
      return Promise.reject(new Error(`users: unexpected SQL ${sql}`));
    }
    const [ids] = params as [string[]];
    queries.push(ids);
    return Promise.resolve(
      accounts
        .filter((account) => ids.includes(account.id) && account.role === 'doctor')
        .map(({ id, fullName, hospital }) => ({ id, fullName, hospital })),
    );
  };
  const repository = new DoctorNamesRepository({ query } as unknown as ConstructorParameters<
    typeof DoctorNamesRepository
  >[0]);
  return { accounts, queries, repository };
}

/**
 * What a consent service is built on, mocked: the ledger port with the `consent` methods given,
 * signing identities from `actorOf`, the real statements repository over `statementsTable()`, the
 * real doctor names over `accountsTable()`, and the real hospital directory over NETWORK.
 * `mocks` is what a test steers and inspects; `deps` is what the service is constructed with.
 */
export function consentMocks<C extends Partial<ConsentLedger>>(consent: C) {
  const table = statementsTable();
  const users = accountsTable();
  const identities = {
    signingIdentity: jest.fn((userId: string, hospital: string) => Promise.resolve(actorOf(userId, hospital))),
  };
  return {
    mocks: { consent, identities, statements: table.rows, accounts: users.accounts, accountQueries: users.queries },
    deps: {
      ledger: { consent } as unknown as LedgerPort,
      identities: identities as unknown as LedgerIdentityService,
      statements: table.repository,
      hospitals: hospitalDirectory(),
      doctorNames: users.repository,
    },
  };
}
