import { describe, expect, it, jest } from '@jest/globals';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { AppConfig } from '../config/app-config.js';
import { commitPlaintext } from '../crypto/plaintext-commitment.js';
import { LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { ConsentLedger } from '../ledger/ledger.port.js';
import { EmergencyActiveError } from './access.errors.js';
import type { ConsentStatement } from './consent-statements.repository.js';
import { EmergencyAccessService } from './emergency-access.service.js';
import {
  committed,
  consentMocks,
  DOCTOR,
  EMERGENCY_GRANT_ID,
  emergencyGrantRecord,
  inTwoLedgerPages,
  NAMED_DOCTOR,
  organisationGrantRecord,
  PATIENT,
  refused,
  UUID,
} from './testing/consent-fixtures.js';

const MAX_HOURS = 6;
const CONFIG = { EMERGENCY_MAX_HOURS: MAX_HOURS } as AppConfig;

const AUDITOR_A: AuthenticatedUser = {
  id: 'a0d1707e-0000-4000-8000-00000000000a',
  role: 'auditor',
  hospital: 'hospital-a',
  sessionId: 'session-auditor-a',
};
const JUSTIFICATION = 'Unconscious on arrival, allergy history needed before anaesthesia';

/** The service with the ledger and the identities mocked, over the real statements repository and hospital directory. */
function newTestService() {
  const { mocks, deps } = consentMocks({
    declareEmergency: jest.fn<ConsentLedger['declareEmergency']>((_actor, emergency) =>
      Promise.resolve(
        committed(
          emergencyGrantRecord({
            grantId: emergency.grantId,
            patientId: emergency.patientId,
            justificationCommitment: emergency.justificationCommitment,
          }),
          'tx-declare',
          41n,
        ),
      ),
    ),
    getGrant: jest.fn<ConsentLedger['getGrant']>(() => Promise.resolve(emergencyGrantRecord())),
    reviewEmergency: jest.fn<ConsentLedger['reviewEmergency']>((_actor, grantId, outcome) =>
      Promise.resolve(
        committed(
          emergencyGrantRecord({ grantId, reviewed: true, reviewOutcome: outcome, reviewedBy: AUDITOR_A.id }),
          'tx-review',
          42n,
        ),
      ),
    ),
    listEmergencyGrants: jest.fn<ConsentLedger['listEmergencyGrants']>(() =>
      Promise.resolve({ items: [], nextBookmark: null }),
    ),
  });
  const sut = new EmergencyAccessService(
    deps.ledger,
    deps.identities,
    deps.statements,
    CONFIG,
    deps.hospitals,
    deps.doctorNames,
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

      await sut.declare(DOCTOR, { patientId: PATIENT.id, justification: JUSTIFICATION, durationHours });

      expect(mocks.consent.declareEmergency.mock.calls[0][1]).toMatchObject({ patientId: PATIENT.id, hours });
    });

    it('writes the justification before the ledger call, commits the ledger to it with a kept key, and answers with it', async () => {
      const { sut, mocks } = newTestService();
      let writtenAtLedgerCall: ConsentStatement[] = [];
      mocks.consent.declareEmergency.mockImplementationOnce((_actor, emergency) => {
        writtenAtLedgerCall = [...mocks.statements];
        return Promise.resolve(committed(emergencyGrantRecord({ grantId: emergency.grantId }), 'tx-declare', 41n));
      });

      const view = await sut.declare(DOCTOR, { patientId: PATIENT.id, justification: JUSTIFICATION });

      const [actor, sent] = mocks.consent.declareEmergency.mock.calls[0];
      expect(actor.certificatePem).toBe(`certificate of ${DOCTOR.id}`);
      expect(sent.grantId).toMatch(UUID);
      expect(writtenAtLedgerCall).toEqual([
        {
          subjectId: sent.grantId,
          kind: 'emergency-justification',
          patientId: PATIENT.id,
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
        grantee: { kind: 'doctor', id: DOCTOR.id },
        doctor: NAMED_DOCTOR,
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

      const declaring = sut.declare(DOCTOR, { patientId: PATIENT.id, justification: JUSTIFICATION });

      await expect(declaring).rejects.toBeInstanceOf(EmergencyActiveError);
      await expect(declaring).rejects.toMatchObject({ code: 'EMERGENCY_ACTIVE', status: 409 });
      expect(mocks.statements).toEqual([]);
    });

    it('answers PATIENT_NOT_FOUND for an unknown patient, and removes the justification', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.declareEmergency.mockRejectedValueOnce(
        refused('NOT_FOUND', `patient ${PATIENT.id} is not registered`),
      );

      await expect(sut.declare(DOCTOR, { patientId: PATIENT.id, justification: JUSTIFICATION })).rejects.toMatchObject({
        code: 'PATIENT_NOT_FOUND',
        status: 404,
      });
      expect(mocks.statements).toEqual([]);
    });

    it('keeps the justification when the ledger is unavailable: the emergency may still commit', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.declareEmergency.mockRejectedValueOnce(new LedgerUnavailableError('orderer unreachable'));

      await expect(sut.declare(DOCTOR, { patientId: PATIENT.id, justification: JUSTIFICATION })).rejects.toMatchObject({
        status: 503,
      });
      expect(mocks.statements.map((row) => row.body)).toEqual([JUSTIFICATION]);
    });
  });

  describe('list', () => {
    /**
     * Emergency grants as the ledger lists them to an auditor, oldest first. The chaincode picks those
     * that involve the auditor's hospital; the service passes on whatever it lists (hospitals in the IDs).
     */
    const LISTED = [
      emergencyGrantRecord({
        grantId: 'patient-a-doctor-b',
        validFrom: '2026-11-18T10:00:00.000Z',
        patientMspId: 'HospitalAMSP',
        doctorMspId: 'HospitalBMSP',
      }),
      emergencyGrantRecord({
        grantId: 'patient-b-doctor-a',
        validFrom: '2026-11-19T10:00:00.000Z',
        patientMspId: 'HospitalBMSP',
        doctorMspId: 'HospitalAMSP',
        reviewed: true,
        reviewOutcome: 'appropriate',
      }),
      emergencyGrantRecord({
        grantId: 'patient-b-doctor-b',
        validFrom: '2026-11-20T10:00:00.000Z',
        patientMspId: 'HospitalBMSP',
        doctorMspId: 'HospitalBMSP',
      }),
      emergencyGrantRecord({
        grantId: 'patient-a-doctor-a',
        validFrom: '2026-11-21T10:00:00.000Z',
        patientMspId: 'HospitalAMSP',
        doctorMspId: 'HospitalAMSP',
      }),
    ];

    function listed(mocks: ReturnType<typeof newTestService>['mocks']) {
      const answer = inTwoLedgerPages(LISTED, 2);
      mocks.consent.listEmergencyGrants.mockImplementation((_actor, page) => answer(page));
    }

    it('asks the ledger as the auditor and shows what it lists from every page, newest first', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const page = await sut.list(AUDITOR_A, { limit: 10 });

      expect(mocks.consent.listEmergencyGrants).toHaveBeenCalledWith(
        expect.objectContaining({ certificatePem: `certificate of ${AUDITOR_A.id}`, mspId: 'HospitalAMSP' }),
        { pageSize: 100, bookmark: '' },
      );
      expect(mocks.consent.listEmergencyGrants).toHaveBeenLastCalledWith(expect.anything(), {
        pageSize: 100,
        bookmark: 'bookmark-1',
      });
      expect(page.items.map((view) => view.record.grantId)).toEqual([
        'patient-a-doctor-a',
        'patient-b-doctor-b',
        'patient-b-doctor-a',
        'patient-a-doctor-b',
      ]);
      expect(page.nextCursor).toBeNull();
    });

    it('names each emergency’s doctor, from one query of the accounts for the page', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const page = await sut.list(AUDITOR_A, { limit: 10 });

      expect(page.items.map((view) => view.doctor)).toEqual(LISTED.map(() => NAMED_DOCTOR));
      expect(mocks.accountQueries).toEqual([[DOCTOR.id]]);
    });

    it.each([
      [false, ['patient-a-doctor-a', 'patient-b-doctor-b', 'patient-a-doctor-b']],
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
          patientId: PATIENT.id,
          authorId: DOCTOR.id,
          body: JUSTIFICATION,
          commitmentKey: Buffer.alloc(32),
        },
        {
          subjectId: 'patient-b-doctor-a',
          kind: 'review-note',
          patientId: PATIENT.id,
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
        emergencyGrantRecord({ patientMspId: 'HospitalBMSP', doctorMspId: 'HospitalAMSP' }),
      );
      let writtenAtLedgerCall: ConsentStatement[] = [];
      mocks.consent.reviewEmergency.mockImplementationOnce((_actor, grantId, outcome) => {
        writtenAtLedgerCall = [...mocks.statements];
        return Promise.resolve(
          committed(emergencyGrantRecord({ grantId, reviewed: true, reviewOutcome: outcome }), 'tx-review', 42n),
        );
      });

      const view = await sut.review(AUDITOR_A, EMERGENCY_GRANT_ID, {
        outcome: 'inappropriate',
        note: 'No emergency recorded',
      });

      expect(mocks.consent.reviewEmergency).toHaveBeenCalledWith(
        expect.objectContaining({ certificatePem: `certificate of ${AUDITOR_A.id}` }),
        EMERGENCY_GRANT_ID,
        'inappropriate',
      );
      expect(writtenAtLedgerCall).toEqual([
        {
          subjectId: EMERGENCY_GRANT_ID,
          kind: 'review-note',
          patientId: PATIENT.id,
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
      ['a consent grant', emergencyGrantRecord({ kind: 'consent', reviewed: null })],
      ['a consent grant to a hospital', organisationGrantRecord('hospital', { reviewed: null })],
    ])('answers GRANT_NOT_FOUND for %s, without asking the ledger to review it', async (_what, grant) => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockResolvedValueOnce(grant);

      await expect(
        sut.review(AUDITOR_A, EMERGENCY_GRANT_ID, { outcome: 'appropriate', note: 'looks fine' }),
      ).rejects.toMatchObject({ code: 'GRANT_NOT_FOUND', status: 404 });
      expect(mocks.consent.reviewEmergency).not.toHaveBeenCalled();
      expect(mocks.statements).toEqual([]);
    });

    it('answers GRANT_NOT_FOUND for a grant the ledger hides from the auditor (NOT_FOUND), without a review', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockRejectedValueOnce(refused('NOT_FOUND', `grant ${EMERGENCY_GRANT_ID} does not exist`));

      await expect(
        sut.review(AUDITOR_A, EMERGENCY_GRANT_ID, { outcome: 'appropriate', note: 'looks fine' }),
      ).rejects.toMatchObject({ code: 'GRANT_NOT_FOUND', status: 404 });
      expect(mocks.consent.getGrant).toHaveBeenCalledWith(
        expect.objectContaining({ certificatePem: `certificate of ${AUDITOR_A.id}` }),
        EMERGENCY_GRANT_ID,
      );
      expect(mocks.consent.reviewEmergency).not.toHaveBeenCalled();
      expect(mocks.statements).toEqual([]);
    });

    it('leaves which hospitals an emergency shown involves to the chaincode, and asks it to review', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockResolvedValueOnce(
        emergencyGrantRecord({ patientMspId: 'HospitalBMSP', doctorMspId: 'HospitalBMSP' }),
      );

      await sut.review(AUDITOR_A, EMERGENCY_GRANT_ID, { outcome: 'appropriate' });

      expect(mocks.consent.reviewEmergency).toHaveBeenCalledWith(expect.anything(), EMERGENCY_GRANT_ID, 'appropriate');
    });

    it('answers EMERGENCY_ALREADY_REVIEWED (409) for a reviewed emergency, without a ledger change', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getGrant.mockResolvedValueOnce(
        emergencyGrantRecord({ reviewed: true, reviewOutcome: 'appropriate' }),
      );

      await expect(
        sut.review(AUDITOR_A, EMERGENCY_GRANT_ID, { outcome: 'inappropriate', note: 'second opinion' }),
      ).rejects.toMatchObject({ code: 'EMERGENCY_ALREADY_REVIEWED', status: 409 });
      expect(mocks.consent.reviewEmergency).not.toHaveBeenCalled();
      expect(mocks.statements).toEqual([]);
    });

    it.each([
      ['CONFLICT', 'EMERGENCY_ALREADY_REVIEWED', 409],
      ['FORBIDDEN', 'GRANT_NOT_FOUND', 404],
      ['NOT_FOUND', 'GRANT_NOT_FOUND', 404],
    ])('answers the chaincode’s %s with %s and removes the note again', async (chaincodeCode, code, status) => {
      const { sut, mocks } = newTestService();
      mocks.consent.reviewEmergency.mockRejectedValueOnce(
        refused(chaincodeCode, `emergency grant ${EMERGENCY_GRANT_ID}`),
      );

      await expect(
        sut.review(AUDITOR_A, EMERGENCY_GRANT_ID, { outcome: 'appropriate', note: 'looks fine' }),
      ).rejects.toMatchObject({ code, status });
      expect(mocks.statements).toEqual([]);
    });
  });
});
