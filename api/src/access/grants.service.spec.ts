import { describe, expect, it, jest } from '@jest/globals';
import { InvalidInputError } from '../common/domain-error.js';
import type { ConsentLedger } from '../ledger/ledger.port.js';
import { grantMinutesOf, GrantsService, viewOfGrant } from './grants.service.js';
import type { GrantStatus } from './consent-terms.js';
import {
  committed,
  consentMocks,
  DOCTOR,
  GRANT_ID,
  grantRecord,
  hospitalDirectory,
  inTwoLedgerPages,
  NAMED_DOCTOR,
  organisationGrantRecord,
  PATIENT,
  refused,
  UUID,
} from './testing/consent-fixtures.js';

const REPORT_IDS = ['1e2d3c4b-5a69-4788-96a5-b4c3d2e1f001'];

/** The doctor names of a page: DOCTOR's. */
const NAMES = new Map([[DOCTOR.id, NAMED_DOCTOR]]);

function newTestService() {
  const { mocks, deps } = consentMocks({
    grantAccess: jest.fn<ConsentLedger['grantAccess']>((_actor, grant) =>
      Promise.resolve(
        committed(
          grantRecord({
            grantId: grant.grantId,
            doctorId: grant.doctorId,
            reportIds: grant.reportIds,
            purposeOfUse: grant.purposeOfUse,
          }),
          'tx-grant',
          31n,
        ),
      ),
    ),
    grantOrganisationAccess: jest.fn<ConsentLedger['grantOrganisationAccess']>((_actor, grant) =>
      Promise.resolve(
        committed(
          organisationGrantRecord(grant.granteeKind, {
            grantId: grant.grantId,
            granteeMspId: grant.granteeMspId,
            reportIds: grant.reportIds,
            purposeOfUse: grant.purposeOfUse,
          }),
          'tx-grant-organisation',
          33n,
        ),
      ),
    ),
    revokeGrant: jest.fn<ConsentLedger['revokeGrant']>((_actor, grantId) =>
      Promise.resolve(
        committed(grantRecord({ grantId, status: 'revoked', revokedAt: '2026-11-22T10:00:00.000Z' }), 'tx-revoke', 32n),
      ),
    ),
    listGrantsByPatient: jest.fn<ConsentLedger['listGrantsByPatient']>(() =>
      Promise.resolve({ items: [], nextBookmark: null }),
    ),
    listGrantsByDoctor: jest.fn<ConsentLedger['listGrantsByDoctor']>(() =>
      Promise.resolve({ items: [], nextBookmark: null }),
    ),
    listGrantsByHospital: jest.fn<ConsentLedger['listGrantsByHospital']>(() =>
      Promise.resolve({ items: [], nextBookmark: null }),
    ),
  });
  const sut = new GrantsService(deps.ledger, deps.identities, deps.hospitals, deps.doctorNames);
  return { sut, mocks };
}

/** The n-th grant's id (ledger ids are UUIDs). */
const grantIdOf = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

describe('grantMinutesOf', () => {
  it('turns days into the chaincode’s minutes', () => {
    expect(grantMinutesOf({ durationDays: 1 })).toBe(1440);
    expect(grantMinutesOf({ durationDays: 30 })).toBe(43_200);
  });

  it('takes minutes as they are', () => {
    expect(grantMinutesOf({ durationMinutes: 90 })).toBe(90);
  });

  it('refuses days and minutes together, naming durationMinutes', () => {
    let refusal: unknown;
    try {
      grantMinutesOf({ durationDays: 1, durationMinutes: 90 });
    } catch (error) {
      refusal = error;
    }

    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect(refusal).toMatchObject({
      status: 400,
      details: { errors: [expect.objectContaining({ field: 'durationMinutes' })] },
    });
  });

  it('knows no length when neither is given', () => {
    expect(grantMinutesOf({})).toBeUndefined();
  });
});

describe('viewOfGrant', () => {
  it('names a doctor’s grant’s grantee by the doctor’s id, and the doctor by name and hospital', () => {
    const view = viewOfGrant(grantRecord(), hospitalDirectory(), NAMES);

    expect(view.grantee).toEqual({ kind: 'doctor', id: DOCTOR.id });
    expect(view.doctor).toEqual(NAMED_DOCTOR);
  });

  it('names no doctor when the doctor’s account no longer exists', () => {
    expect(viewOfGrant(grantRecord(), hospitalDirectory(), new Map()).doctor).toBeNull();
  });

  it.each(['hospital', 'care-team'] as const)(
    'names a %s grant’s grantee by the hospital’s name, and no doctor',
    (kind) => {
      const view = viewOfGrant(organisationGrantRecord(kind), hospitalDirectory(), NAMES);

      expect(view.grantee).toEqual({ kind, id: 'hospital-b' });
      expect(view.doctor).toBeNull();
    },
  );

  it('names the grantee by its MSP ID when the network profile does not list it', () => {
    const record = organisationGrantRecord('hospital', { granteeMspId: 'HospitalZMSP' });

    expect(viewOfGrant(record, hospitalDirectory(), NAMES).grantee).toEqual({ kind: 'hospital', id: 'HospitalZMSP' });
  });

  it('answers the transaction that committed the grant, or the one the ledger recorded it in', () => {
    const record = grantRecord();

    expect(viewOfGrant(record, hospitalDirectory(), NAMES, committed(record, 'tx-now', 7n))).toMatchObject({
      txId: 'tx-now',
      blockNumber: '7',
    });
    expect(viewOfGrant(record, hospitalDirectory(), NAMES)).toMatchObject({ txId: 'tx-granted', blockNumber: null });
  });
});

describe('GrantsService', () => {
  describe('grant', () => {
    it('grants the doctor all reports for the days given, for treatment, signed by the patient', async () => {
      const { sut, mocks } = newTestService();

      const view = await sut.grant(PATIENT, { doctorId: DOCTOR.id, durationDays: 7 });

      const [actor, sent] = mocks.consent.grantAccess.mock.calls[0];
      expect(actor.certificatePem).toBe(`certificate of ${PATIENT.id}`);
      expect(sent).toEqual({
        grantId: expect.stringMatching(UUID),
        doctorId: DOCTOR.id,
        reportIds: null,
        durationMinutes: 7 * 1440,
        purposeOfUse: 'TREAT',
      });
      expect(view).toMatchObject({
        record: { grantId: sent.grantId, purposeOfUse: 'TREAT' },
        status: 'active',
        grantee: { kind: 'doctor', id: DOCTOR.id },
        doctor: NAMED_DOCTOR,
        txId: 'tx-grant',
        blockNumber: '31',
      });
      expect(mocks.consent.grantOrganisationAccess).not.toHaveBeenCalled();
    });

    it.each([
      ['every doctor of a hospital', { hospital: 'hospital-b' }, 'hospital', 'hospital-b', 'HospitalBMSP'],
      ['the care team at a hospital', { careTeamAt: 'hospital-b' }, 'care-team', 'hospital-b', 'HospitalBMSP'],
      [
        'the care team at the patient’s own hospital',
        { careTeamAt: 'hospital-a' },
        'care-team',
        'hospital-a',
        'HospitalAMSP',
      ],
    ] as const)(
      'grants %s by its MSP ID, signed by the patient, and names the grantee by the hospital',
      async (_whom, grantee, granteeKind, hospital, granteeMspId) => {
        const { sut, mocks } = newTestService();

        const view = await sut.grant(PATIENT, { ...grantee, durationDays: 7 });

        expect(mocks.consent.grantAccess).not.toHaveBeenCalled();
        const [actor, sent] = mocks.consent.grantOrganisationAccess.mock.calls[0];
        expect(actor.certificatePem).toBe(`certificate of ${PATIENT.id}`);
        expect(sent).toEqual({
          grantId: expect.stringMatching(UUID),
          granteeKind,
          granteeMspId,
          reportIds: null,
          durationMinutes: 7 * 1440,
          purposeOfUse: 'TREAT',
        });
        expect(view).toMatchObject({
          record: { grantId: sent.grantId, granteeKind, granteeMspId, doctorId: null },
          status: 'active',
          grantee: { kind: granteeKind, id: hospital },
          doctor: null,
          txId: 'tx-grant-organisation',
          blockNumber: '33',
        });
        // No doctor to name, no query of the accounts.
        expect(mocks.accountQueries).toEqual([]);
      },
    );

    it('grants a hospital the reports, minutes and purpose the patient chose', async () => {
      const { sut, mocks } = newTestService();

      await sut.grant(PATIENT, {
        hospital: 'hospital-b',
        reportIds: REPORT_IDS,
        durationMinutes: 45,
        purposeOfUse: 'PATRQT',
      });

      expect(mocks.consent.grantOrganisationAccess.mock.calls[0][1]).toMatchObject({
        reportIds: REPORT_IDS,
        durationMinutes: 45,
        purposeOfUse: 'PATRQT',
      });
    });

    it.each([
      ['hospital', { hospital: 'hospital-z' }],
      ['careTeamAt', { careTeamAt: 'hospital-z' }],
    ])(
      'answers HOSPITAL_NOT_FOUND (404) for a %s the network does not know, without a ledger call',
      async (_field, grantee) => {
        const { sut, mocks } = newTestService();

        await expect(sut.grant(PATIENT, { ...grantee, durationDays: 1 })).rejects.toMatchObject({
          code: 'HOSPITAL_NOT_FOUND',
          status: 404,
        });
        expect(mocks.consent.grantOrganisationAccess).not.toHaveBeenCalled();
        expect(mocks.consent.grantAccess).not.toHaveBeenCalled();
      },
    );

    it.each([
      ['none', {}],
      ['a doctor and a hospital', { doctorId: DOCTOR.id, hospital: 'hospital-b' }],
      ['a doctor and a care team', { doctorId: DOCTOR.id, careTeamAt: 'hospital-b' }],
      ['a hospital and a care team', { hospital: 'hospital-b', careTeamAt: 'hospital-b' }],
      ['all three', { doctorId: DOCTOR.id, hospital: 'hospital-b', careTeamAt: 'hospital-a' }],
    ])('refuses a grant naming %s as grantee (400) and grants nothing', async (_whom, grantees) => {
      const { sut, mocks } = newTestService();

      await expect(sut.grant(PATIENT, { ...grantees, durationDays: 1 })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        status: 400,
        details: { errors: [expect.objectContaining({ field: 'doctorId' })] },
      });
      expect(mocks.consent.grantAccess).not.toHaveBeenCalled();
      expect(mocks.consent.grantOrganisationAccess).not.toHaveBeenCalled();
    });

    it.each([
      ['NOT_FOUND', 'HOSPITAL_NOT_FOUND', 404],
      ['REPORT_NOT_OF_PATIENT', 'REPORT_NOT_OF_PATIENT', 404],
      ['FORBIDDEN', 'FORBIDDEN', 403],
    ])('answers the chaincode’s %s to an organisation grant with %s (%s)', async (chaincodeCode, code, status) => {
      const { sut, mocks } = newTestService();
      mocks.consent.grantOrganisationAccess.mockRejectedValueOnce(refused(chaincodeCode, 'grant refused'));

      await expect(sut.grant(PATIENT, { careTeamAt: 'hospital-b', durationDays: 1 })).rejects.toMatchObject({
        code,
        status,
      });
    });

    it('grants the reports, minutes and purpose the patient chose', async () => {
      const { sut, mocks } = newTestService();

      await sut.grant(PATIENT, {
        doctorId: DOCTOR.id,
        reportIds: REPORT_IDS,
        durationMinutes: 45,
        purposeOfUse: 'PATRQT',
      });

      expect(mocks.consent.grantAccess.mock.calls[0][1]).toMatchObject({
        reportIds: REPORT_IDS,
        durationMinutes: 45,
        purposeOfUse: 'PATRQT',
      });
    });

    it('refuses a grant without a duration (400 on durationDays) and grants nothing', async () => {
      const { sut, mocks } = newTestService();

      await expect(sut.grant(PATIENT, { doctorId: DOCTOR.id })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        status: 400,
        details: { errors: [expect.objectContaining({ field: 'durationDays' })] },
      });
      expect(mocks.consent.grantAccess).not.toHaveBeenCalled();
    });

    it('refuses days and minutes together and grants nothing', async () => {
      const { sut, mocks } = newTestService();

      await expect(
        sut.grant(PATIENT, { doctorId: DOCTOR.id, durationDays: 1, durationMinutes: 60 }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      expect(mocks.consent.grantAccess).not.toHaveBeenCalled();
    });

    it('passes the chaincode’s FORBIDDEN (the caller’s own certificate refused) on as it is (403)', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.grantAccess.mockRejectedValueOnce(refused('FORBIDDEN', 'only patient may grant access'));

      await expect(sut.grant(PATIENT, { doctorId: DOCTOR.id, durationDays: 1 })).rejects.toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
      });
    });

    it.each([
      ['NOT_FOUND', 'DOCTOR_NOT_FOUND', refused('NOT_FOUND', `doctor ${DOCTOR.id} is not registered`)],
      [
        'NOT_FOUND, whatever its text names (its code decides)',
        'DOCTOR_NOT_FOUND',
        refused('NOT_FOUND', `report ${REPORT_IDS[0]} is not a report of patient ${PATIENT.id}`),
      ],
      [
        'REPORT_NOT_OF_PATIENT',
        'REPORT_NOT_OF_PATIENT',
        refused('REPORT_NOT_OF_PATIENT', `report ${REPORT_IDS[0]} is not a report of patient ${PATIENT.id}`),
      ],
    ])('answers the chaincode’s %s with %s (404)', async (_refusal, code, refusal) => {
      const { sut, mocks } = newTestService();
      mocks.consent.grantAccess.mockRejectedValueOnce(refusal);

      await expect(sut.grant(PATIENT, { doctorId: DOCTOR.id, durationDays: 1 })).rejects.toMatchObject({
        code,
        status: 404,
      });
    });
  });

  describe('revoke', () => {
    it('revokes as the patient and answers the grant as revoked', async () => {
      const { sut, mocks } = newTestService();

      const view = await sut.revoke(PATIENT, GRANT_ID);

      expect(mocks.consent.revokeGrant).toHaveBeenCalledWith(
        expect.objectContaining({ certificatePem: `certificate of ${PATIENT.id}` }),
        GRANT_ID,
      );
      expect(view).toMatchObject({
        record: { grantId: GRANT_ID },
        status: 'revoked',
        doctor: NAMED_DOCTOR,
        txId: 'tx-revoke',
        blockNumber: '32',
      });
    });

    it('answers a revoked hospital grant with the hospital as grantee', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.revokeGrant.mockResolvedValueOnce(
        committed(organisationGrantRecord('hospital', { status: 'revoked' }), 'tx-revoke', 32n),
      );

      const view = await sut.revoke(PATIENT, GRANT_ID);

      expect(view).toMatchObject({ status: 'revoked', grantee: { kind: 'hospital', id: 'hospital-b' } });
    });

    it.each([
      ['NOT_FOUND', 'GRANT_NOT_FOUND', 404],
      ['FORBIDDEN', 'GRANT_NOT_FOUND', 404],
      ['CONFLICT', 'GRANT_ALREADY_ENDED', 409],
    ])('answers the chaincode’s %s with %s (%s)', async (chaincodeCode, code, status) => {
      const { sut, mocks } = newTestService();
      mocks.consent.revokeGrant.mockRejectedValueOnce(refused(chaincodeCode, `grant ${GRANT_ID}`));

      await expect(sut.revoke(PATIENT, GRANT_ID)).rejects.toMatchObject({ code, status });
    });
  });

  describe('list', () => {
    /** Grants as the ledger lists them (oldest first), each with its status at query time. */
    const LISTED = [
      grantRecord({ grantId: grantIdOf(1), validFrom: '2026-10-01T10:00:00.000Z', effectiveStatus: 'expired' }),
      grantRecord({
        grantId: grantIdOf(2),
        validFrom: '2026-11-01T10:00:00.000Z',
        status: 'revoked',
        revokedAt: '2026-11-02T10:00:00.000Z',
        effectiveStatus: 'revoked',
      }),
      grantRecord({
        grantId: grantIdOf(3),
        kind: 'emergency',
        purposeOfUse: 'ETREAT',
        validFrom: '2026-11-10T10:00:00.000Z',
        effectiveStatus: 'expired',
      }),
      grantRecord({ grantId: grantIdOf(4), validFrom: '2026-11-20T10:00:00.000Z', effectiveStatus: 'active' }),
      grantRecord({
        grantId: grantIdOf(5),
        kind: 'emergency',
        validFrom: '2026-11-21T10:00:00.000Z',
        effectiveStatus: 'active',
      }),
    ];

    function listed(mocks: ReturnType<typeof newTestService>['mocks']) {
      const answer = inTwoLedgerPages(LISTED, 2);
      mocks.consent.listGrantsByPatient.mockImplementation((_actor, _userId, page) => answer(page));
      mocks.consent.listGrantsByDoctor.mockImplementation((_actor, _userId, page) => answer(page));
    }

    it('answers each grant’s status as the ledger computed it, newest first', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const page = await sut.list(PATIENT, { limit: 10 });

      expect(mocks.consent.listGrantsByPatient).toHaveBeenCalledWith(expect.anything(), PATIENT.id, {
        pageSize: 100,
        bookmark: '',
      });
      expect(page.items.map((view) => [view.record.grantId, view.status])).toEqual([
        [grantIdOf(5), 'active'],
        [grantIdOf(4), 'active'],
        [grantIdOf(3), 'expired'],
        [grantIdOf(2), 'revoked'],
        [grantIdOf(1), 'expired'],
      ]);
      expect(page.nextCursor).toBeNull();
      expect(mocks.consent.listGrantsByHospital).not.toHaveBeenCalled();
    });

    it('reads a grant revoked on the ledger as revoked even without a computed status', async () => {
      const { sut, mocks } = newTestService();
      mocks.consent.listGrantsByDoctor.mockResolvedValueOnce({
        items: [
          grantRecord({ status: 'revoked' }),
          grantRecord({ grantId: 'g-other', validFrom: '2026-01-01T00:00:00.000Z' }),
        ],
        nextBookmark: null,
      });

      const page = await sut.list(DOCTOR, { limit: 10 });

      expect(mocks.consent.listGrantsByDoctor).toHaveBeenCalledWith(expect.anything(), DOCTOR.id, expect.anything());
      expect(page.items.map((view) => view.status)).toEqual(['revoked', 'active']);
    });

    describe('for a doctor', () => {
      /** The doctor's own grants, as the ledger lists them (oldest first). */
      const OWN = [
        grantRecord({ grantId: grantIdOf(1), validFrom: '2026-11-01T10:00:00.000Z', effectiveStatus: 'active' }),
        grantRecord({
          grantId: grantIdOf(4),
          validFrom: '2026-11-10T10:00:00.000Z',
          status: 'revoked',
          revokedAt: '2026-11-11T10:00:00.000Z',
          effectiveStatus: 'revoked',
        }),
      ];
      /** The grants to the doctor's hospital and its care teams, as the ledger lists them (oldest first). */
      const HOSPITALS = [
        organisationGrantRecord('care-team', {
          grantId: grantIdOf(2),
          validFrom: '2026-11-05T10:00:00.000Z',
          effectiveStatus: 'expired',
        }),
        organisationGrantRecord('hospital', {
          grantId: grantIdOf(3),
          validFrom: '2026-11-07T10:00:00.000Z',
          effectiveStatus: 'active',
        }),
        organisationGrantRecord('hospital', {
          grantId: grantIdOf(5),
          validFrom: '2026-11-20T10:00:00.000Z',
          effectiveStatus: 'active',
        }),
      ];

      function listedForDoctor(mocks: ReturnType<typeof newTestService>['mocks']) {
        const own = inTwoLedgerPages(OWN, 1);
        const hospitals = inTwoLedgerPages(HOSPITALS, 2);
        mocks.consent.listGrantsByDoctor.mockImplementation((_actor, _doctorId, page) => own(page));
        mocks.consent.listGrantsByHospital.mockImplementation((_actor, _mspId, page) => hospitals(page));
      }

      it('merges their own grants and their hospital’s, from every ledger page, newest first', async () => {
        const { sut, mocks } = newTestService();
        listedForDoctor(mocks);

        const page = await sut.list(DOCTOR, { limit: 10 });

        expect(mocks.consent.listGrantsByDoctor).toHaveBeenCalledWith(
          expect.objectContaining({ certificatePem: `certificate of ${DOCTOR.id}` }),
          DOCTOR.id,
          { pageSize: 100, bookmark: '' },
        );
        expect(mocks.consent.listGrantsByHospital).toHaveBeenCalledWith(
          expect.objectContaining({ certificatePem: `certificate of ${DOCTOR.id}`, mspId: 'HospitalBMSP' }),
          'HospitalBMSP',
          { pageSize: 100, bookmark: '' },
        );
        expect(mocks.consent.listGrantsByHospital).toHaveBeenLastCalledWith(expect.anything(), 'HospitalBMSP', {
          pageSize: 100,
          bookmark: 'bookmark-1',
        });
        expect(mocks.consent.listGrantsByPatient).not.toHaveBeenCalled();
        expect(page.items.map((view) => [view.record.grantId, view.status, view.grantee, view.doctor])).toEqual([
          [grantIdOf(5), 'active', { kind: 'hospital', id: 'hospital-b' }, null],
          [grantIdOf(4), 'revoked', { kind: 'doctor', id: DOCTOR.id }, NAMED_DOCTOR],
          [grantIdOf(3), 'active', { kind: 'hospital', id: 'hospital-b' }, null],
          [grantIdOf(2), 'expired', { kind: 'care-team', id: 'hospital-b' }, null],
          [grantIdOf(1), 'active', { kind: 'doctor', id: DOCTOR.id }, NAMED_DOCTOR],
        ]);
        expect(page.nextCursor).toBeNull();
      });

      it('filters the merged grants by status and pages them with a cursor', async () => {
        const { sut, mocks } = newTestService();
        listedForDoctor(mocks);

        const first = await sut.list(DOCTOR, { statuses: ['active'], limit: 2 });
        const second = await sut.list(DOCTOR, { statuses: ['active'], limit: 2, cursor: first.nextCursor! });

        expect(first.items.map((view) => view.record.grantId)).toEqual([grantIdOf(5), grantIdOf(3)]);
        expect(second.items.map((view) => view.record.grantId)).toEqual([grantIdOf(1)]);
        expect(second.nextCursor).toBeNull();
      });

      it('lists their own grants alone when their hospital holds none', async () => {
        const { sut, mocks } = newTestService();
        const own = inTwoLedgerPages(OWN, 1);
        mocks.consent.listGrantsByDoctor.mockImplementation((_actor, _doctorId, page) => own(page));

        const page = await sut.list(DOCTOR, { limit: 10 });

        expect(page.items.map((view) => view.record.grantId)).toEqual([grantIdOf(4), grantIdOf(1)]);
      });
    });

    it.each<[GrantStatus, string[]]>([
      ['expired', [grantIdOf(3), grantIdOf(1)]],
      ['revoked', [grantIdOf(2)]],
      ['active', [grantIdOf(5), grantIdOf(4)]],
    ])('lists only the %s grants when asked', async (status, grantIds) => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const page = await sut.list(PATIENT, { statuses: [status], limit: 10 });

      expect(page.items.map((view) => view.record.grantId)).toEqual(grantIds);
    });

    it('lists only the grants of the kind asked for, with the status filter too', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const emergencies = await sut.list(DOCTOR, { kind: 'emergency', limit: 10 });
      const activeConsents = await sut.list(DOCTOR, { kind: 'consent', statuses: ['active'], limit: 10 });

      expect(emergencies.items.map((view) => view.record.grantId)).toEqual([grantIdOf(5), grantIdOf(3)]);
      expect(activeConsents.items.map((view) => view.record.grantId)).toEqual([grantIdOf(4)]);
    });

    it('names the doctors of the page in one query of the accounts, only those of the page', async () => {
      const { sut, mocks } = newTestService();
      const otherDoctorId = '7e1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d7';
      const goneDoctorId = '8e1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d8';
      mocks.accounts.push({ id: otherDoctorId, fullName: 'Alan Turing', hospital: 'hospital-a', role: 'doctor' });
      mocks.consent.listGrantsByPatient.mockResolvedValueOnce({
        items: [
          grantRecord({ grantId: grantIdOf(1), validFrom: '2026-11-01T10:00:00.000Z', doctorId: otherDoctorId }),
          grantRecord({ grantId: grantIdOf(2), validFrom: '2026-11-02T10:00:00.000Z', doctorId: goneDoctorId }),
          organisationGrantRecord('hospital', { grantId: grantIdOf(3), validFrom: '2026-11-03T10:00:00.000Z' }),
          grantRecord({ grantId: grantIdOf(4), validFrom: '2026-11-04T10:00:00.000Z' }),
          grantRecord({ grantId: grantIdOf(5), validFrom: '2026-11-05T10:00:00.000Z' }),
        ],
        nextBookmark: null,
      });

      const page = await sut.list(PATIENT, { limit: 4 });

      expect(page.items.map((view) => view.doctor)).toEqual([
        NAMED_DOCTOR,
        NAMED_DOCTOR,
        null,
        null, // the account of this doctor no longer exists
      ]);
      expect(mocks.accountQueries).toEqual([[DOCTOR.id, goneDoctorId]]);
    });

    it('pages the filtered grants with a cursor, without repeats or gaps', async () => {
      const { sut, mocks } = newTestService();
      listed(mocks);

      const first = await sut.list(PATIENT, { statuses: ['expired'], limit: 1 });
      const second = await sut.list(PATIENT, { statuses: ['expired'], limit: 1, cursor: first.nextCursor! });

      expect(first.items.map((view) => view.record.grantId)).toEqual([grantIdOf(3)]);
      expect(second.items.map((view) => view.record.grantId)).toEqual([grantIdOf(1)]);
      expect(second.nextCursor).toBeNull();
    });
  });
});
