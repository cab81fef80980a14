import { describe, expect, it, jest } from '@jest/globals';
import type { KeyObject } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { AppConfig } from '../config/app-config.js';
import { commitPlaintext } from '../crypto/plaintext-commitment.js';
import type { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError, LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { Committed, ConsentLedger, GrantRecord, LedgerIdentity, LedgerPort } from '../ledger/ledger.port.js';
import type { NetworkProfile } from '../ledger/network-profile.js';
import { EmergencyActiveError } from './access.errors.js';
import { type ConsentStatement, ConsentStatementsRepository } from './consent-statements.repository.js';
import { EmergencyAccessService } from './emergency-access.service.js';

/** A network of two hospitals, as the profile names them. */
const NETWORK = {
  channel: 'medledger',
  chaincode: 'medledger',
  hospitals: [
    { hospital: 'hospital-a', mspId: 'HospitalAMSP' },
    { hospital: 'hospital-b', mspId: 'HospitalBMSP' },
  ],
} as unknown as NetworkProfile;
const MAX_HOURS = 6;
const CONFIG = { EMERGENCY_MAX_HOURS: MAX_HOURS } as AppConfig;

const DOCTOR: AuthenticatedUser = {
  id: '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6',
  role: 'doctor',
  hospital: 'hospital-b',
  sessionId: 'session-doctor',
};
const AUDITOR_A: AuthenticatedUser = {
  id: 'a0d1707e-0000-4000-8000-00000000000a',
  role: 'auditor',
  hospital: 'hospital-a',
  sessionId: 'session-auditor-a',
};
const PATIENT_ID = '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10';
const GRANT_ID = 'e0e0e0e0-1234-4abc-8def-0123456789ab';
const JUSTIFICATION = 'Unconscious on arrival, allergy history needed before anaesthesia';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const actorOf = (userId: string, hospital: string): LedgerIdentity => ({
  hospital,
  mspId: hospital === 'hospital-a' ? 'HospitalAMSP' : 'HospitalBMSP',
  certificatePem: `certificate of ${userId}`,
  privateKey: {} as KeyObject,
});

const emergencyGrant = (overrides: Partial<GrantRecord> = {}): GrantRecord => ({
  grantId: GRANT_ID,
  kind: 'emergency',
  patientId: PATIENT_ID,
  patientMspId: 'HospitalAMSP',
  doctorId: DOCTOR.id,
  doctorMspId: 'HospitalBMSP',
  reportIds: null,
  purposeOfUse: 'ETREAT',
  validFrom: '2026-11-21T10:00:00.000Z',
  expiresAt: '2026-11-21T16:00:00.000Z',
  status: 'active',
  revokedAt: null,
  requestId: null,
  justificationCommitment: 'cd'.repeat(32),
  reviewed: false,
  reviewOutcome: null,
  reviewedBy: null,
  reviewedAt: null,
  txId: 'tx-declared',
  ...overrides,
});

const committed = <T>(result: T, transactionId: string, blockNumber: bigint): Committed<T> => ({
  result,
  transactionId,
  blockNumber,
});

const refused = (code: string, detail: string) => new ChaincodeRefusedError(code, detail);

/**
 * The real ConsentStatementsRepository over a stand-in for its SQL: rows of consent_statements
 * in an array, so a test sees what the service wrote and removed around the ledger call.
 */
function consentStatementsTable() {
  const rows: ConsentStatement[] = [];
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
      rows.push({ subjectId, kind, patientId, authorId, body, commitmentKey });
      return Promise.resolve([]);
    }
    if (sql.startsWith('DELETE FROM consent_statements WHERE subject_id')) {
      const [subjectId, kind] = params;
      const kept = rows.filter((row) => row.subjectId !== subjectId || row.kind !== kind);
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
  return { rows, repository };
}

/** The service with the ledger, the identities and the network profile mocked, over the real statements repository. */
function newTestService() {
  const table = consentStatementsTable();
  const mocks = {
    consent: {
      declareEmergency: jest.fn<ConsentLedger['declareEmergency']>((_actor, emergency) =>
        Promise.resolve(
          committed(
            emergencyGrant({
              grantId: emergency.grantId,
              patientId: emergency.patientId,
              justificationCommitment: emergency.justificationCommitment,
            }),
            'tx-declare',
            41n,
          ),
        ),
      ),
      getGrant: jest.fn<ConsentLedger['getGrant']>(() => Promise.resolve(emergencyGrant())),
      reviewEmergency: jest.fn<ConsentLedger['reviewEmergency']>((_actor, grantId, outcome) =>
        Promise.resolve(
          committed(
            emergencyGrant({ grantId, reviewed: true, reviewOutcome: outcome, reviewedBy: AUDITOR_A.id }),
            'tx-review',
            42n,
          ),
        ),
      ),
      listEmergencyGrants: jest.fn<ConsentLedger['listEmergencyGrants']>(() =>
        Promise.resolve({ items: [], nextBookmark: null }),
      ),
    },
    identities: {
      signingIdentity: jest.fn((userId: string, hospital: string) => Promise.resolve(actorOf(userId, hospital))),
    },
    statements: table.rows,
  };
  const sut = new EmergencyAccessService(
    { consent: mocks.consent } as unknown as LedgerPort,
    NETWORK,
    mocks.identities as unknown as LedgerIdentityService,
    table.repository,
    CONFIG,
  );
  return { sut, mocks };
}

describe('EmergencyAccessService', () => {
  describe('declare', () => {
    it.each([
      ['none asked', undefined, MAX_HOURS],
      ['more asked', 24, MAX_HOURS],
      ['fewer asked', 2, 2],
    ])('opens the records for the hours EMERGENCY_MAX_HOURS allows (%s)', async (_asked, durationHours, hours) => {
      const { sut, mocks } = newTestService();

      await sut.declare(DOCTOR, { patientId: PATIENT_ID, justification: JUSTIFICATION, durationHours });

      expect(mocks.consent.declareEmergency.mock.calls[0][1]).toMatchObject({ patientId: PATIENT_ID, hours });
    });

    it('writes the justification before the ledger call, commits the ledger to it with a kept key, and answers with it', async () => {
      const { sut, mocks } = newTestService();
      let writtenAtLedgerCall: ConsentStatement[] = [];
      mocks.consent.declareEmergency.mockImplementationOnce((_actor, emergency) => {
        writtenAtLedgerCall = [...mocks.statements];
        return Promise.resolve(committed(emergencyGrant({ grantId: emergency.grantId }), 'tx-declare', 41n));
      });

      const view = await sut.declare(DOCTOR, { patientId: PATIENT_ID, justification: JUSTIFICATION });

      const [actor, sent] = mocks.consent.declareEmergency.mock.calls[0];
      expect(actor.certificatePem).toBe(`certificate of ${DOCTOR.id}`);
      expect(sent.grantId).toMatch(UUID);
      expect(writtenAtLedgerCall).toEqual([
        {
          subjectId: sent.grantId,
          kind: 'emergency-justification',
          patientId: PATIENT_ID,
          authorId: DOCTOR.id,
          body: JUSTIFICATION,
          commitmentKey: expect.any(Buffer),
        },
      ]);
      expect(sent.justificationCommitment).toMatch(/^[0-9a-f]{64}$/);
      await expect(
        commitPlaintext(writtenAtLedgerCall[0].commitmentKey!, Buffer.from(JUSTIFICATION, 'utf8')),
      ).resolves.toBe(sent.justificationCommitment);
      expect(view).toMatchObject({
        record: { grantId: sent.grantId, kind: 'emergency' },
        status: 'active',
        justification: JUSTIFICATION,
        reviewNote: null,
        txId: 'tx-declare',
        blockNumber: '41',
      });
    });

    it('answers EMERGENCY_ACTIVE (409) while one of the doctor’s is active, and removes the justification', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.declareEmergency.mockRejectedValueOnce(
        refused('EMERGENCY_ACTIVE', `doctor ${DOCTOR.id} already holds an active emergency grant`),
      );

      const declaring = sut.declare(DOCTOR, { patientId: PATIENT_ID, justification: JUSTIFICATION });

      await expect(declaring).rejects.toBeInstanceOf(EmergencyActiveError);
      await expect(declaring).rejects.toMatchObject({ code: 'EMERGENCY_ACTIVE', status: 409 });
      expect(mocks.statements).toEqual([]);
    });

    it('answers PATIENT_NOT_FOUND for an unknown patient, and removes the justification', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.declareEmergency.mockRejectedValueOnce(
        refused('NOT_FOUND', `patient ${PATIENT_ID} is not registered`),
      );

      await expect(sut.declare(DOCTOR, { patientId: PATIENT_ID, justification: JUSTIFICATION })).rejects.toMatchObject({
        code: 'PATIENT_NOT_FOUND',
        status: 404,
      });
      expect(mocks.statements).toEqual([]);
    });

    it('keeps the justification when the ledger is unavailable: the emergency may still commit', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.declareEmergency.mockRejectedValueOnce(new LedgerUnavailableError('orderer unreachable'));

      await expect(sut.declare(DOCTOR, { patientId: PATIENT_ID, justification: JUSTIFICATION })).rejects.toMatchObject({
        status: 503,
      });
      expect(mocks.statements.map((row) => row.body)).toEqual([JUSTIFICATION]);
    });
  });

  describe('list', () => {
    /** Emergency grants on the ledger, oldest first: which hospitals each involves is in its IDs. */
    const LISTED = [
      emergencyGrant({
        grantId: 'patient-a-doctor-b',
        validFrom: '2026-11-18T10:00:00.000Z',
        patientMspId: 'HospitalAMSP',
        doctorMspId: 'HospitalBMSP',
      }),
      emergencyGrant({
        grantId: 'patient-b-doctor-a',
        validFrom: '2026-11-19T10:00:00.000Z',
        patientMspId: 'HospitalBMSP',
        doctorMspId: 'HospitalAMSP',
        reviewed: true,
        reviewOutcome: 'appropriate',
      }),
      emergencyGrant({
        grantId: 'patient-b-doctor-b',
        validFrom: '2026-11-20T10:00:00.000Z',
        patientMspId: 'HospitalBMSP',
        doctorMspId: 'HospitalBMSP',
      }),
      emergencyGrant({
        grantId: 'patient-a-doctor-a',
        validFrom: '2026-11-21T10:00:00.000Z',
        patientMspId: 'HospitalAMSP',
        doctorMspId: 'HospitalAMSP',
      }),
    ];

    function listed(mocks: ReturnType<typeof newTestService>['mocks']) {
      mocks.consent.listEmergencyGrants.mockImplementation((_actor, page) =>
        Promise.resolve(
          page.bookmark === ''
            ? { items: LISTED.slice(0, 2), nextBookmark: 'bookmark-1' }
            : { items: LISTED.slice(2), nextBookmark: null },
        ),
      );
    }

    it('shows only the emergencies of the auditor’s hospital’s patients or doctors, newest first', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const page = await sut.list(AUDITOR_A, { limit: 10 });

      expect(page.items.map((view) => view.record.grantId)).toEqual([
        'patient-a-doctor-a',
        'patient-b-doctor-a',
        'patient-a-doctor-b',
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('shows another hospital’s auditor the emergencies of theirs', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const page = await sut.list({ ...AUDITOR_A, id: 'auditor-b', hospital: 'hospital-b' }, { limit: 10 });

      expect(page.items.map((view) => view.record.grantId)).toEqual([
        'patient-b-doctor-b',
        'patient-b-doctor-a',
        'patient-a-doctor-b',
      ]);
    });

    it.each([
      [false, ['patient-a-doctor-a', 'patient-a-doctor-b']],
      [true, ['patient-b-doctor-a']],
    ])('with reviewed=%s lists only the emergencies whose review matches', async (reviewed, grantIds) => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const page = await sut.list(AUDITOR_A, { reviewed, limit: 10 });

      expect(page.items.map((view) => view.record.grantId)).toEqual(grantIds);
    });

    it('shows each emergency with its justification and review note', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);
      mocks.statements.push(
        {
          subjectId: 'patient-b-doctor-a',
          kind: 'emergency-justification',
          patientId: PATIENT_ID,
          authorId: DOCTOR.id,
          body: JUSTIFICATION,
          commitmentKey: Buffer.alloc(32),
        },
        {
          subjectId: 'patient-b-doctor-a',
          kind: 'review-note',
          patientId: PATIENT_ID,
          authorId: AUDITOR_A.id,
          body: 'Documented in the admission notes',
          commitmentKey: null,
        },
      );

      const page = await sut.list(AUDITOR_A, { reviewed: true, limit: 10 });

      expect(page.items[0]).toMatchObject({
        justification: JUSTIFICATION,
        reviewNote: 'Documented in the admission notes',
      });
    });
  });

  describe('review', () => {
    it('records the outcome as the auditor, with the note written first, and answers the reviewed grant', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockResolvedValueOnce(
        emergencyGrant({ patientMspId: 'HospitalBMSP', doctorMspId: 'HospitalAMSP' }),
      );
      let writtenAtLedgerCall: ConsentStatement[] = [];
      mocks.consent.reviewEmergency.mockImplementationOnce((_actor, grantId, outcome) => {
        writtenAtLedgerCall = [...mocks.statements];
        return Promise.resolve(
          committed(emergencyGrant({ grantId, reviewed: true, reviewOutcome: outcome }), 'tx-review', 42n),
        );
      });

      const view = await sut.review(AUDITOR_A, GRANT_ID, { outcome: 'inappropriate', note: 'No emergency recorded' });

      expect(mocks.consent.reviewEmergency).toHaveBeenCalledWith(
        expect.objectContaining({ certificatePem: `certificate of ${AUDITOR_A.id}` }),
        GRANT_ID,
        'inappropriate',
      );
      expect(writtenAtLedgerCall).toEqual([
        {
          subjectId: GRANT_ID,
          kind: 'review-note',
          patientId: PATIENT_ID,
          authorId: AUDITOR_A.id,
          body: 'No emergency recorded',
          commitmentKey: null,
        },
      ]);
      expect(view).toMatchObject({
        record: { reviewed: true, reviewOutcome: 'inappropriate' },
        reviewNote: 'No emergency recorded',
        txId: 'tx-review',
        blockNumber: '42',
      });
    });

    it.each([
      ['another hospital’s emergency', emergencyGrant({ patientMspId: 'HospitalBMSP', doctorMspId: 'HospitalBMSP' })],
      ['a consent grant', emergencyGrant({ kind: 'consent', reviewed: null })],
    ])('answers GRANT_NOT_FOUND for %s, without asking the ledger to review it', async (_what, grant) => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockResolvedValueOnce(grant);

      await expect(
        sut.review(AUDITOR_A, GRANT_ID, { outcome: 'appropriate', note: 'looks fine' }),
      ).rejects.toMatchObject({ code: 'GRANT_NOT_FOUND', status: 404 });
      expect(mocks.consent.reviewEmergency).not.toHaveBeenCalled();
      expect(mocks.statements).toEqual([]);
    });

    it('answers GRANT_NOT_FOUND for a grant the ledger does not show the auditor', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockRejectedValueOnce(refused('NOT_FOUND', `grant ${GRANT_ID} does not exist`));

      await expect(sut.review(AUDITOR_A, GRANT_ID, { outcome: 'appropriate' })).rejects.toMatchObject({
        code: 'GRANT_NOT_FOUND',
      });
      expect(mocks.consent.reviewEmergency).not.toHaveBeenCalled();
    });

    it('answers EMERGENCY_ALREADY_REVIEWED (409) for a reviewed emergency, without a ledger change', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockResolvedValueOnce(emergencyGrant({ reviewed: true, reviewOutcome: 'appropriate' }));

      await expect(
        sut.review(AUDITOR_A, GRANT_ID, { outcome: 'inappropriate', note: 'second opinion' }),
      ).rejects.toMatchObject({ code: 'EMERGENCY_ALREADY_REVIEWED', status: 409 });
      expect(mocks.consent.reviewEmergency).not.toHaveBeenCalled();
      expect(mocks.statements).toEqual([]);
    });

    it.each([
      ['CONFLICT', 'EMERGENCY_ALREADY_REVIEWED', 409],
      ['FORBIDDEN', 'GRANT_NOT_FOUND', 404],
    ])('answers the chaincode’s %s with %s and removes the note again', async (chaincodeCode, code, status) => {
      const { sut, mocks } = newTestService();
      mocks.consent.reviewEmergency.mockRejectedValueOnce(refused(chaincodeCode, `emergency grant ${GRANT_ID}`));

      await expect(
        sut.review(AUDITOR_A, GRANT_ID, { outcome: 'appropriate', note: 'looks fine' }),
      ).rejects.toMatchObject({ code, status });
      expect(mocks.statements).toEqual([]);
    });
  });
});
