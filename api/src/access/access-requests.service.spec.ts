import { describe, expect, it, jest } from '@jest/globals';
import { createHash } from 'node:crypto';
import { commitPlaintext } from '../crypto/plaintext-commitment.js';
import { LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { ConsentLedger } from '../ledger/ledger.port.js';
import { AccessRequestsService } from './access-requests.service.js';
import type { ConsentStatement } from './consent-statements.repository.js';
import {
  accessRequestRecord,
  committed,
  consentMocks,
  DOCTOR,
  grantRecord,
  inTwoLedgerPages,
  NAMED_DOCTOR,
  organisationGrantRecord,
  PATIENT,
  refused,
  REQUEST_ID,
  UUID,
} from './testing/consent-fixtures.js';

const REPORT_IDS = ['1e2d3c4b-5a69-4788-96a5-b4c3d2e1f001', '1e2d3c4b-5a69-4788-96a5-b4c3d2e1f002'];
const REASON = 'Follow-up of the cardiology referral from 14 November';

/** The doctor's reason for the request, as the statements table holds it (the key is a stand-in). */
const storedReason = (subjectId = REQUEST_ID): ConsentStatement => ({
  subjectId,
  kind: 'request-reason',
  patientId: PATIENT.id,
  authorId: DOCTOR.id,
  body: REASON,
  commitmentKey: Buffer.alloc(32),
});

/**
 * The service with the ledger and the identities mocked, over the real statements repository and hospital
 * directory. The ledger grants the kind of grantee asked: the requesting doctor, or their hospital (B).
 */
function newTestService() {
  const { mocks, deps } = consentMocks({
    requestAccess: jest.fn<ConsentLedger['requestAccess']>((_actor, request) =>
      Promise.resolve(
        committed(
          accessRequestRecord({
            requestId: request.requestId,
            patientId: request.patientId,
            reportIds: request.reportIds,
            durationDays: request.durationDays,
            purposeOfUse: request.purposeOfUse,
            reasonCommitment: request.reasonCommitment,
          }),
          'tx-request',
          21n,
        ),
      ),
    ),
    approveRequest: jest.fn<ConsentLedger['approveRequest']>((_actor, approval) =>
      Promise.resolve(
        committed(
          {
            grant:
              approval.granteeKind === 'doctor'
                ? grantRecord({
                    grantId: approval.grantId,
                    reportIds: approval.reportIds,
                    requestId: REQUEST_ID,
                    txId: 'tx-approved',
                  })
                : organisationGrantRecord(approval.granteeKind, {
                    grantId: approval.grantId,
                    reportIds: approval.reportIds,
                    requestId: REQUEST_ID,
                    txId: 'tx-approved',
                  }),
            request: accessRequestRecord({ status: 'approved', grantId: approval.grantId }),
          },
          'tx-approve',
          22n,
        ),
      ),
    ),
    denyRequest: jest.fn<ConsentLedger['denyRequest']>(() =>
      Promise.resolve(committed(accessRequestRecord({ status: 'denied', txId: 'tx-deny' }), 'tx-deny', 23n)),
    ),
    cancelRequest: jest.fn<ConsentLedger['cancelRequest']>(() =>
      Promise.resolve(committed(accessRequestRecord({ status: 'cancelled', txId: 'tx-cancel' }), 'tx-cancel', 24n)),
    ),
    getRequest: jest.fn<ConsentLedger['getRequest']>(() => Promise.resolve(accessRequestRecord())),
    listRequestsByPatient: jest.fn<ConsentLedger['listRequestsByPatient']>(() =>
      Promise.resolve({ items: [], nextBookmark: null }),
    ),
    listRequestsByDoctor: jest.fn<ConsentLedger['listRequestsByDoctor']>(() =>
      Promise.resolve({ items: [], nextBookmark: null }),
    ),
  });
  const sut = new AccessRequestsService(
    deps.ledger,
    deps.identities,
    deps.statements,
    deps.hospitals,
    deps.doctorNames,
  );
  return { sut, mocks };
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('AccessRequestsService', () => {
  describe('request', () => {
    it('writes the reason before the ledger call, signed by the doctor, and answers with both', async () => {
      const { sut, mocks } = newTestService();
      let writtenAtLedgerCall: ConsentStatement[] = [];
      mocks.consent.requestAccess.mockImplementationOnce((_actor, request) => {
        writtenAtLedgerCall = [...mocks.statements];
        return Promise.resolve(committed(accessRequestRecord({ requestId: request.requestId }), 'tx-request', 21n));
      });

      const view = await sut.request(DOCTOR, { patientId: PATIENT.id, reason: REASON });

      const [actor, sent] = mocks.consent.requestAccess.mock.calls[0];
      expect(actor.certificatePem).toBe(`certificate of ${DOCTOR.id}`);
      expect(sent.requestId).toMatch(UUID);
      expect(writtenAtLedgerCall).toEqual([
        {
          subjectId: sent.requestId,
          kind: 'request-reason',
          patientId: PATIENT.id,
          authorId: DOCTOR.id,
          body: REASON,
          commitmentKey: expect.any(Buffer),
        },
      ]);
      expect(view).toMatchObject({
        record: { requestId: sent.requestId },
        reason: REASON,
        denialReason: null,
        doctor: NAMED_DOCTOR,
        txId: 'tx-request',
        blockNumber: '21',
      });
    });

    it('asks for all reports, for 30 days, for treatment, unless the doctor says otherwise', async () => {
      const { sut, mocks } = newTestService();

      await sut.request(DOCTOR, { patientId: PATIENT.id, reason: REASON });
      await sut.request(DOCTOR, {
        patientId: PATIENT.id,
        reason: REASON,
        reportIds: REPORT_IDS,
        durationDays: 7,
        purposeOfUse: 'CAREMGT',
      });

      const [[, asDefault], [, asAsked]] = mocks.consent.requestAccess.mock.calls;
      expect(asDefault).toMatchObject({
        patientId: PATIENT.id,
        reportIds: null,
        durationDays: 30,
        purposeOfUse: 'TREAT',
      });
      expect(asAsked).toMatchObject({ reportIds: REPORT_IDS, durationDays: 7, purposeOfUse: 'CAREMGT' });
    });

    it('gives the ledger a keyed commitment of the reason: 64 hex, not its SHA-256, checked with the key kept', async () => {
      const { sut, mocks } = newTestService();

      await sut.request(DOCTOR, { patientId: PATIENT.id, reason: REASON });

      const { reasonCommitment } = mocks.consent.requestAccess.mock.calls[0][1];
      expect(reasonCommitment).toMatch(/^[0-9a-f]{64}$/);
      expect(reasonCommitment).not.toBe(sha256Hex(REASON));
      expect(JSON.stringify(mocks.consent.requestAccess.mock.calls[0][1])).not.toContain(REASON);
      const [kept] = mocks.statements;
      expect(kept.commitmentKey).toHaveLength(32);
      await expect(commitPlaintext(kept.commitmentKey!, Buffer.from(REASON, 'utf8'))).resolves.toBe(reasonCommitment);
    });

    it('commits to the same reason differently each time (a fresh key per request)', async () => {
      const { sut, mocks } = newTestService();

      await sut.request(DOCTOR, { patientId: PATIENT.id, reason: REASON });
      await sut.request(DOCTOR, { patientId: PATIENT.id, reason: REASON });

      const [first, second] = mocks.consent.requestAccess.mock.calls.map(([, sent]) => sent.reasonCommitment);
      expect(first).not.toBe(second);
      const [firstKey, secondKey] = mocks.statements.map((row) => row.commitmentKey!);
      expect(firstKey.equals(secondKey)).toBe(false);
    });

    it.each([
      [
        'REPORT_NOT_OF_PATIENT',
        'REPORT_NOT_OF_PATIENT',
        404,
        refused('REPORT_NOT_OF_PATIENT', `report ${REPORT_IDS[0]} is not a report of patient ${PATIENT.id}`),
      ],
      ['NOT_FOUND', 'PATIENT_NOT_FOUND', 404, refused('NOT_FOUND', `patient ${PATIENT.id} is not registered`)],
      [
        'NOT_FOUND, whatever its text names (its code decides)',
        'PATIENT_NOT_FOUND',
        404,
        refused('NOT_FOUND', `report ${REPORT_IDS[0]} is not a report of patient ${PATIENT.id}`),
      ],
      [
        'FORBIDDEN (the caller’s own certificate refused: passed on)',
        'FORBIDDEN',
        403,
        refused('FORBIDDEN', 'only doctor may request access'),
      ],
      [
        'INVALID_ARGUMENT (passed on as it is)',
        'INVALID_ARGUMENT',
        400,
        refused('INVALID_ARGUMENT', 'durationDays must be 1 to 365'),
      ],
    ])('answers the chaincode’s %s with %s and removes the reason again', async (_refusal, code, status, refusal) => {
      const { sut, mocks } = newTestService();
      mocks.consent.requestAccess.mockRejectedValueOnce(refusal);

      await expect(
        sut.request(DOCTOR, { patientId: PATIENT.id, reason: REASON, reportIds: REPORT_IDS }),
      ).rejects.toMatchObject({ code, status });
      expect(mocks.statements).toEqual([]);
    });

    it('keeps the reason when the ledger is unavailable (503): the transaction may still commit', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.requestAccess.mockRejectedValueOnce(new LedgerUnavailableError('commit status deadline passed'));

      await expect(sut.request(DOCTOR, { patientId: PATIENT.id, reason: REASON })).rejects.toMatchObject({
        code: 'LEDGER_UNAVAILABLE',
        status: 503,
      });
      const { requestId } = mocks.consent.requestAccess.mock.calls[0][1];
      expect(mocks.statements).toEqual([expect.objectContaining({ subjectId: requestId, body: REASON })]);
    });
  });

  describe('approve', () => {
    it('grants what was asked when the patient names no scope or duration: its reports, its days in minutes', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getRequest.mockResolvedValueOnce(accessRequestRecord({ reportIds: REPORT_IDS, durationDays: 7 }));

      const view = await sut.approve(PATIENT, REQUEST_ID, {});

      expect(mocks.consent.getRequest).toHaveBeenCalledWith(
        expect.objectContaining({ hospital: 'hospital-a' }),
        REQUEST_ID,
      );
      const [actor, approval] = mocks.consent.approveRequest.mock.calls[0];
      expect(actor.certificatePem).toBe(`certificate of ${PATIENT.id}`);
      expect(approval).toEqual({
        requestId: REQUEST_ID,
        grantId: expect.stringMatching(UUID),
        reportIds: REPORT_IDS,
        durationMinutes: 7 * 1440,
        granteeKind: 'doctor',
      });
      expect(view).toMatchObject({
        record: { grantId: approval.grantId, reportIds: REPORT_IDS },
        status: 'active',
        grantee: { kind: 'doctor', id: DOCTOR.id },
        doctor: NAMED_DOCTOR,
        txId: 'tx-approve',
        blockNumber: '22',
      });
    });

    it('grants all reports, including later ones, for reportIds null, though the request named some', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getRequest.mockResolvedValueOnce(accessRequestRecord({ reportIds: REPORT_IDS, durationDays: 7 }));

      const view = await sut.approve(PATIENT, REQUEST_ID, { reportIds: null });

      // The duration is still what was asked.
      expect(mocks.consent.approveRequest.mock.calls[0][1]).toMatchObject({
        reportIds: null,
        durationMinutes: 7 * 1440,
      });
      expect(view.record.reportIds).toBeNull();
    });

    it('grants all reports for reportIds null with the duration chosen, without reading the request first', async () => {
      const { sut, mocks } = newTestService();

      await sut.approve(PATIENT, REQUEST_ID, { reportIds: null, durationMinutes: 60 });

      expect(mocks.consent.getRequest).not.toHaveBeenCalled();
      expect(mocks.consent.approveRequest.mock.calls[0][1]).toMatchObject({ reportIds: null, durationMinutes: 60 });
    });

    it.each([
      ['hospital', { kind: 'hospital', id: 'hospital-b' }],
      ['care-team', { kind: 'care-team', id: 'hospital-b' }],
      ['doctor', { kind: 'doctor', id: DOCTOR.id }],
    ] as const)(
      'grants the grantee the patient chose (%s) and names it in the answer',
      async (grantee, namedGrantee) => {
        const { sut, mocks } = newTestService();

        const view = await sut.approve(PATIENT, REQUEST_ID, { grantee });

        expect(mocks.consent.approveRequest.mock.calls[0][1]).toMatchObject({ granteeKind: grantee });
        expect(view.grantee).toEqual(namedGrantee);
        // An organisation grant lets in no one doctor: it names none.
        expect(view.doctor).toEqual(grantee === 'doctor' ? NAMED_DOCTOR : null);
      },
    );

    it('grants all reports when the request asked for all and the patient names none', async () => {
      const { sut, mocks } = newTestService();

      await sut.approve(PATIENT, REQUEST_ID, {});

      expect(mocks.consent.approveRequest.mock.calls[0][1]).toMatchObject({
        reportIds: null,
        durationMinutes: 30 * 1440,
      });
    });

    it('grants the scope and the minutes the patient chose', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getRequest.mockResolvedValueOnce(accessRequestRecord({ reportIds: REPORT_IDS, durationDays: 7 }));

      await sut.approve(PATIENT, REQUEST_ID, { reportIds: [REPORT_IDS[1]], durationMinutes: 90 });

      expect(mocks.consent.approveRequest.mock.calls[0][1]).toMatchObject({
        reportIds: [REPORT_IDS[1]],
        durationMinutes: 90,
      });
    });

    it('grants the days the patient chose, in minutes', async () => {
      const { sut, mocks } = newTestService();

      await sut.approve(PATIENT, REQUEST_ID, { durationDays: 2 });

      expect(mocks.consent.approveRequest.mock.calls[0][1]).toMatchObject({ durationMinutes: 2880 });
    });

    it('refuses days and minutes together (400 on durationMinutes) and grants nothing', async () => {
      const { sut, mocks } = newTestService();

      await expect(sut.approve(PATIENT, REQUEST_ID, { durationDays: 2, durationMinutes: 90 })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        status: 400,
        details: { errors: [expect.objectContaining({ field: 'durationMinutes' })] },
      });
      expect(mocks.consent.approveRequest).not.toHaveBeenCalled();
    });

    it('answers ACCESS_REQUEST_NOT_FOUND for a request the patient may not see, granting nothing', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getRequest.mockRejectedValueOnce(
        refused('NOT_FOUND', `access request ${REQUEST_ID} does not exist`),
      );

      await expect(sut.approve(PATIENT, REQUEST_ID, {})).rejects.toMatchObject({
        code: 'ACCESS_REQUEST_NOT_FOUND',
        status: 404,
      });
      expect(mocks.consent.approveRequest).not.toHaveBeenCalled();
    });

    it.each(['approved', 'denied', 'cancelled'] as const)(
      'answers REQUEST_NOT_PENDING for a request already %s, granting nothing',
      async (status) => {
        const { sut, mocks } = newTestService();
        mocks.consent.getRequest.mockResolvedValueOnce(accessRequestRecord({ status }));

        await expect(sut.approve(PATIENT, REQUEST_ID, {})).rejects.toMatchObject({
          code: 'REQUEST_NOT_PENDING',
          status: 409,
        });
        expect(mocks.consent.approveRequest).not.toHaveBeenCalled();
      },
    );

    it.each([
      [
        'FORBIDDEN',
        'ACCESS_REQUEST_NOT_FOUND',
        404,
        refused('FORBIDDEN', `access request ${REQUEST_ID} is not the caller's to decide`),
      ],
      [
        'NOT_FOUND',
        'ACCESS_REQUEST_NOT_FOUND',
        404,
        refused('NOT_FOUND', `access request ${REQUEST_ID} does not exist`),
      ],
      [
        'REPORT_NOT_OF_PATIENT',
        'REPORT_NOT_OF_PATIENT',
        404,
        refused('REPORT_NOT_OF_PATIENT', `report ${REPORT_IDS[0]} is not a report of patient ${PATIENT.id}`),
      ],
      ['CONFLICT', 'REQUEST_NOT_PENDING', 409, refused('CONFLICT', `access request ${REQUEST_ID} is denied`)],
    ])('answers the chaincode’s %s with %s', async (_refusal, code, status, refusal) => {
      const { sut, mocks } = newTestService();
      mocks.consent.approveRequest.mockRejectedValueOnce(refusal);

      await expect(sut.approve(PATIENT, REQUEST_ID, { reportIds: REPORT_IDS })).rejects.toMatchObject({ code, status });
    });

    it('leaves a request decided meanwhile to the chaincode when the patient named scope and duration', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getRequest.mockResolvedValue(accessRequestRecord({ status: 'denied' }));
      mocks.consent.approveRequest.mockRejectedValueOnce(refused('CONFLICT', `access request ${REQUEST_ID} is denied`));

      await expect(
        sut.approve(PATIENT, REQUEST_ID, { reportIds: REPORT_IDS, durationMinutes: 60 }),
      ).rejects.toMatchObject({ code: 'REQUEST_NOT_PENDING', status: 409 });
      expect(mocks.consent.approveRequest.mock.calls[0][1]).toMatchObject({
        reportIds: REPORT_IDS,
        durationMinutes: 60,
      });
    });
  });

  describe('deny', () => {
    it('writes the patient’s reason before the ledger call and answers the denied request with both texts', async () => {
      const { sut, mocks } = newTestService();
      mocks.statements.push(storedReason());
      let writtenAtLedgerCall: ConsentStatement[] = [];
      mocks.consent.denyRequest.mockImplementationOnce(() => {
        writtenAtLedgerCall = [...mocks.statements];
        return Promise.resolve(committed(accessRequestRecord({ status: 'denied' }), 'tx-deny', 23n));
      });

      const view = await sut.deny(PATIENT, REQUEST_ID, 'I see another cardiologist');

      expect(writtenAtLedgerCall).toContainEqual({
        subjectId: REQUEST_ID,
        kind: 'denial-reason',
        patientId: PATIENT.id,
        authorId: PATIENT.id,
        body: 'I see another cardiologist',
        commitmentKey: null,
      });
      expect(mocks.consent.denyRequest).toHaveBeenCalledWith(
        expect.objectContaining({ hospital: 'hospital-a' }),
        REQUEST_ID,
      );
      expect(view).toMatchObject({
        record: { status: 'denied' },
        reason: REASON,
        denialReason: 'I see another cardiologist',
        doctor: NAMED_DOCTOR,
        txId: 'tx-deny',
        blockNumber: '23',
      });
    });

    it('writes nothing for a denial without a reason', async () => {
      const { sut, mocks } = newTestService();

      const view = await sut.deny(PATIENT, REQUEST_ID);

      expect(mocks.statements).toEqual([]);
      expect(view.denialReason).toBeNull();
    });

    it('answers REQUEST_NOT_PENDING for a request no longer pending, without a ledger change', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.getRequest.mockResolvedValueOnce(accessRequestRecord({ status: 'cancelled' }));

      await expect(sut.deny(PATIENT, REQUEST_ID, 'no')).rejects.toMatchObject({ code: 'REQUEST_NOT_PENDING' });
      expect(mocks.consent.denyRequest).not.toHaveBeenCalled();
      expect(mocks.statements).toEqual([]);
    });

    it.each([
      ['FORBIDDEN', 'ACCESS_REQUEST_NOT_FOUND', 404],
      ['NOT_FOUND', 'ACCESS_REQUEST_NOT_FOUND', 404],
      ['CONFLICT', 'REQUEST_NOT_PENDING', 409],
    ])(
      'answers the chaincode’s %s with %s and removes the denial reason again',
      async (chaincodeCode, code, status) => {
        const { sut, mocks } = newTestService();
        mocks.consent.denyRequest.mockRejectedValueOnce(refused(chaincodeCode, `access request ${REQUEST_ID}`));

        await expect(sut.deny(PATIENT, REQUEST_ID, 'not now')).rejects.toMatchObject({ code, status });
        expect(mocks.statements).toEqual([]);
      },
    );
  });

  describe('cancel', () => {
    it('cancels as the doctor and answers the cancelled request with its reason', async () => {
      const { sut, mocks } = newTestService();
      mocks.statements.push(storedReason());

      const view = await sut.cancel(DOCTOR, REQUEST_ID);

      const [actor, requestId] = mocks.consent.cancelRequest.mock.calls[0];
      expect(actor.certificatePem).toBe(`certificate of ${DOCTOR.id}`);
      expect(requestId).toBe(REQUEST_ID);
      expect(view).toMatchObject({
        record: { status: 'cancelled' },
        reason: REASON,
        doctor: NAMED_DOCTOR,
        txId: 'tx-cancel',
        blockNumber: '24',
      });
    });

    it.each([
      ['FORBIDDEN', 'ACCESS_REQUEST_NOT_FOUND', 404],
      ['NOT_FOUND', 'ACCESS_REQUEST_NOT_FOUND', 404],
      ['CONFLICT', 'REQUEST_NOT_PENDING', 409],
    ])('answers the chaincode’s %s with %s', async (chaincodeCode, code, status) => {
      const { sut, mocks } = newTestService();
      mocks.consent.cancelRequest.mockRejectedValueOnce(refused(chaincodeCode, `access request ${REQUEST_ID}`));

      await expect(sut.cancel(DOCTOR, REQUEST_ID)).rejects.toMatchObject({ code, status });
    });

    it('passes an unavailable ledger on as a 503', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.cancelRequest.mockRejectedValueOnce(new LedgerUnavailableError('peer unreachable'));

      await expect(sut.cancel(DOCTOR, REQUEST_ID)).rejects.toBeInstanceOf(LedgerUnavailableError);
    });
  });

  describe('list', () => {
    /** Five requests as the ledger lists them, oldest first; two share a time. */
    const LISTED = [
      accessRequestRecord({
        requestId: '00000000-0000-4000-8000-000000000001',
        requestedAt: '2026-11-18T08:00:00.000Z',
        status: 'denied',
      }),
      accessRequestRecord({
        requestId: '00000000-0000-4000-8000-000000000002',
        requestedAt: '2026-11-19T08:00:00.000Z',
      }),
      accessRequestRecord({
        requestId: '00000000-0000-4000-8000-000000000003',
        requestedAt: '2026-11-20T08:00:00.000Z',
        status: 'approved',
      }),
      accessRequestRecord({
        requestId: '00000000-0000-4000-8000-000000000004',
        requestedAt: '2026-11-20T08:00:00.000Z',
      }),
      accessRequestRecord({
        requestId: '00000000-0000-4000-8000-000000000005',
        requestedAt: '2026-11-21T08:00:00.000Z',
      }),
    ];
    const NEWEST_FIRST = ['5', '4', '3', '2', '1'].map((n) => `00000000-0000-4000-8000-00000000000${n}`);

    /** The ledger answers in two pages, as its bookmarks would have it. */
    function listedInTwoPages(mocks: ReturnType<typeof newTestService>['mocks']) {
      const answer = inTwoLedgerPages(LISTED, 3);
      mocks.consent.listRequestsByPatient.mockImplementation((_actor, _userId, page) => answer(page));
      mocks.consent.listRequestsByDoctor.mockImplementation((_actor, _userId, page) => answer(page));
    }

    it.each([
      ['patient', 'outgoing', PATIENT],
      ['doctor', 'incoming', DOCTOR],
    ] as const)(
      'refuses a %s asking for %s requests (403: not the role’s direction)',
      async (_role, direction, caller) => {
        const { sut, mocks } = newTestService();

        await expect(sut.list(caller, { direction, limit: 10 })).rejects.toMatchObject({
          code: 'FORBIDDEN',
          status: 403,
        });
        expect(mocks.consent.listRequestsByPatient).not.toHaveBeenCalled();
        expect(mocks.consent.listRequestsByDoctor).not.toHaveBeenCalled();
      },
    );

    it('lists a patient’s incoming requests from every ledger page, newest first', async () => {
      const { sut, mocks } = newTestService();
      listedInTwoPages(mocks);

      const page = await sut.list(PATIENT, { direction: 'incoming', limit: 10 });

      expect(mocks.consent.listRequestsByPatient).toHaveBeenCalledWith(
        expect.objectContaining({ hospital: 'hospital-a' }),
        PATIENT.id,
        { pageSize: 100, bookmark: '' },
      );
      expect(mocks.consent.listRequestsByPatient).toHaveBeenLastCalledWith(expect.anything(), PATIENT.id, {
        pageSize: 100,
        bookmark: 'bookmark-1',
      });
      expect(page.items.map((view) => view.record.requestId)).toEqual(NEWEST_FIRST);
      expect(page.nextCursor).toBeNull();
    });

    it('lists a doctor’s outgoing requests', async () => {
      const { sut, mocks } = newTestService();
      listedInTwoPages(mocks);

      const page = await sut.list(DOCTOR, { limit: 10 });

      expect(mocks.consent.listRequestsByDoctor).toHaveBeenCalledWith(expect.anything(), DOCTOR.id, expect.anything());
      expect(mocks.consent.listRequestsByPatient).not.toHaveBeenCalled();
      expect(page.items).toHaveLength(LISTED.length);
    });

    it('lists only the requests of the status asked for', async () => {
      const { sut, mocks } = newTestService();
      listedInTwoPages(mocks);

      const page = await sut.list(PATIENT, { status: 'pending', limit: 10 });

      expect(page.items.map((view) => view.record.requestId)).toEqual([
        NEWEST_FIRST[0],
        NEWEST_FIRST[1],
        NEWEST_FIRST[3],
      ]);
      expect(page.items.every((view) => view.record.status === 'pending')).toBe(true);
    });

    it('continues from the cursor without repeats or gaps, to a last page without a cursor', async () => {
      const { sut, mocks } = newTestService();
      listedInTwoPages(mocks);
      const seen: string[] = [];
      let cursor: string | undefined;

      for (let pages = 0; pages < LISTED.length; pages += 1) {
        const page = await sut.list(PATIENT, { limit: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((view) => view.record.requestId));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }

      expect(seen).toEqual(NEWEST_FIRST);
    });

    it('names each request’s doctor from one query of the page’s doctors; none whose account is gone', async () => {
      const { sut, mocks } = newTestService();
      const goneDoctorId = '8e1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d8';
      mocks.consent.listRequestsByPatient.mockResolvedValueOnce({
        items: [
          accessRequestRecord({ requestId: NEWEST_FIRST[4], requestedAt: '2026-11-18T08:00:00.000Z' }),
          accessRequestRecord({
            requestId: NEWEST_FIRST[3],
            requestedAt: '2026-11-19T08:00:00.000Z',
            doctorId: goneDoctorId,
          }),
          accessRequestRecord({ requestId: NEWEST_FIRST[2], requestedAt: '2026-11-20T08:00:00.000Z' }),
        ],
        nextBookmark: null,
      });

      const page = await sut.list(PATIENT, { limit: 10 });

      expect(page.items.map((view) => view.doctor)).toEqual([NAMED_DOCTOR, null, NAMED_DOCTOR]);
      expect(mocks.accountQueries).toEqual([[DOCTOR.id, goneDoctorId]]);
    });

    it('shows each request with its own reason, and none for a request whose text was erased', async () => {
      const { sut, mocks } = newTestService();
      listedInTwoPages(mocks);
      mocks.statements.push(storedReason(NEWEST_FIRST[1]));

      const page = await sut.list(PATIENT, { limit: 2 });

      expect(page.items.map((view) => view.reason)).toEqual([null, REASON]);
      expect(page.items[1]).toMatchObject({ txId: 'tx-requested', blockNumber: null, denialReason: null });
    });
  });
});
