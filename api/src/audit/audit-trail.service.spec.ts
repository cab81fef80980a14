import { describe, expect, it, jest } from '@jest/globals';
import { hospitalDirectory } from '../access/testing/consent-fixtures.js';
import { RoleForbiddenError } from '../auth/auth.errors.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { InvalidInputError, NotFoundError } from '../common/domain-error.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/keyset-cursor.js';
import type { AccessEntry } from './audit-entries.js';
import type {
  AccessFilter,
  AccessRow,
  AccessScope,
  AuditTrailRepository,
  PageWindow,
  TimelineFilter,
  TimelineRow,
  TimelineSubject,
} from './audit-trail.repository.js';
import { AuditTrailService, EXPORT_PAGE_SIZE } from './audit-trail.service.js';
import { AnotherPatientsTrailError } from './audit.errors.js';

const PATIENT_ID = '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10';
const OTHER_PATIENT_ID = '1c7b4f1f-3a8d-4d2f-8b66-7e3a2d4c5b21';
const REPORT_ID = '6f1d2c3b-4a59-4e8f-9d0c-1b2a3c4d5e6f';
const DOCTOR_ID = '5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f';

const user = (role: AuthenticatedUser['role'], hospital = 'hospital-a', id = PATIENT_ID): AuthenticatedUser => ({
  id,
  role,
  hospital,
  sessionId: 'session-1',
});
const PATIENT = user('patient');
const AUDITOR_A = user('auditor', 'hospital-a', '2d8c5a2a-4b9e-4e3a-9c77-8f4b3e5d6c32');
const AUDITOR_B = user('auditor', 'hospital-b', '3e9d6b3b-5caf-4f4b-8d88-9a5c4f6e7d43');

/** A transaction ID whose order among these follows `index` (Fabric's are 64 hexadecimal digits). */
const txId = (index: number) => index.toString(16).padStart(64, '0');

/** Newest first, as the repository answers: row 1 is the newest. */
const accessRow = (index: number, overrides: Partial<AccessRow> = {}): AccessRow => ({
  txId: txId(1000 - index),
  blockNumber: String(100 - index),
  at: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, 1000 - index)),
  outcome: 'granted',
  refusalCode: null,
  reportId: REPORT_ID,
  patientId: PATIENT_ID,
  reportType: 'lab-result',
  actorId: DOCTOR_ID,
  actorRole: 'doctor',
  actorMspId: 'HospitalBMSP',
  actorFullName: 'Bo Larsen',
  basis: 'grant',
  grantId: '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
  granteeKind: 'doctor',
  purposeOfUse: 'TREAT',
  ...overrides,
});

const timelineRow = (index: number, overrides: Partial<TimelineRow> = {}): TimelineRow => ({
  txId: txId(1000 - index),
  blockNumber: String(100 - index),
  at: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, 1000 - index)),
  event: 'ReportAccessed',
  subjectType: 'receipt',
  subjectId: txId(1000 - index),
  actorId: DOCTOR_ID,
  actorRole: 'doctor',
  actorMspId: 'HospitalAMSP',
  reportId: REPORT_ID,
  purposeOfUse: 'TREAT',
  outcome: 'granted',
  refusalCode: null,
  ...overrides,
});

const rows = <T>(count: number, make: (index: number) => T) => Array.from({ length: count }, (_, i) => make(i + 1));

function newTestService() {
  const mocks = {
    trail: {
      listAccesses: jest.fn((_scope: AccessScope, _filter: AccessFilter, _window: PageWindow): Promise<AccessRow[]> =>
        Promise.resolve([]),
      ),
      listTimeline: jest.fn(
        (_subject: TimelineSubject, _filter: TimelineFilter, _window: PageWindow): Promise<TimelineRow[]> =>
          Promise.resolve([]),
      ),
      findReportPatient: jest.fn((_reportId: string): Promise<string | null> => Promise.resolve(PATIENT_ID)),
      reportInvolvesHospital: jest.fn((_reportId: string, _msp: string) => Promise.resolve(true)),
      patientInvolvesHospital: jest.fn((_patientId: string, _msp: string) => Promise.resolve(true)),
    },
  };
  const sut = new AuditTrailService(mocks.trail as unknown as AuditTrailRepository, hospitalDirectory());
  return { sut, mocks };
}

async function refusalOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

async function allPages(pages: AsyncIterable<AccessEntry[]>): Promise<AccessEntry[][]> {
  const seen: AccessEntry[][] = [];
  for await (const page of pages) seen.push(page);
  return seen;
}

describe('AuditTrailService', () => {
  describe('accesses (auditors)', () => {
    it('lists what the auditor’s hospital is party to, by its MSP, with the filters (instants, as the query’s validation made them)', async () => {
      const { sut, mocks } = newTestService();

      await sut.accesses(AUDITOR_A, {
        actorId: DOCTOR_ID,
        patientId: PATIENT_ID,
        outcome: 'refused',
        from: new Date('2026-11-01T00:00:00.000Z'),
        to: new Date('2026-11-30T22:59:59.999Z'),
      });

      expect(mocks.trail.listAccesses).toHaveBeenCalledWith(
        { hospitalMspId: 'HospitalAMSP' },
        {
          actorId: DOCTOR_ID,
          patientId: PATIENT_ID,
          outcome: 'refused',
          from: new Date('2026-11-01T00:00:00.000Z'),
          to: new Date('2026-11-30T22:59:59.999Z'),
        },
        { after: undefined, limit: 51 },
      );
    });

    it('scopes an auditor of the other hospital to that hospital', async () => {
      const { sut, mocks } = newTestService();
      await sut.accesses(AUDITOR_B, { limit: 10 });
      expect(mocks.trail.listAccesses).toHaveBeenCalledWith({ hospitalMspId: 'HospitalBMSP' }, expect.anything(), {
        after: undefined,
        limit: 11,
      });
    });

    it('answers each row with its block, transaction, time, actor’s role and hospital by name, and purpose', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listAccesses.mockResolvedValueOnce([accessRow(1)]);

      const page = await sut.accesses(AUDITOR_A, {});

      expect(page).toEqual({
        items: [
          {
            txId: txId(999),
            blockNumber: 99,
            at: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, 999)),
            outcome: 'granted',
            refusalCode: null,
            reportId: REPORT_ID,
            patientId: PATIENT_ID,
            reportType: 'lab-result',
            actor: { id: DOCTOR_ID, role: 'doctor', hospital: 'hospital-b', fullName: 'Bo Larsen' },
            basis: 'grant',
            grantId: '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
            granteeKind: 'doctor',
            purposeOfUse: 'TREAT',
          },
        ],
        nextCursor: null,
      });
    });

    it('answers a refused attempt with its code, and an actor this node does not have without a name', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listAccesses.mockResolvedValueOnce([
        accessRow(1, {
          outcome: 'refused',
          refusalCode: 'GRANT_REVOKED',
          basis: null,
          actorFullName: null,
          actorMspId: 'UnknownMSP',
        }),
      ]);

      const [entry] = (await sut.accesses(AUDITOR_A, {})).items;

      expect(entry).toMatchObject({ outcome: 'refused', refusalCode: 'GRANT_REVOKED', basis: null });
      // An MSP the network profile does not list has no hospital name: null, and the list is answered.
      expect(entry.actor).toEqual({ id: DOCTOR_ID, role: 'doctor', hospital: null, fullName: null });
    });

    it('answers an auditor of a hospital the network profile does not list with nothing: no HOSPITAL_NOT_FOUND, nothing read', async () => {
      const { sut, mocks } = newTestService();
      const stranger = user('auditor', 'hospital-z');

      await expect(sut.accesses(stranger, {})).resolves.toEqual({ items: [], nextCursor: null });
      expect(await allPages(await sut.exportAccesses(stranger, {}))).toEqual([]);
      for (const refused of [
        refusalOf(sut.reportHistory(stranger, REPORT_ID, {})),
        refusalOf(sut.patientEvents(stranger, PATIENT_ID, {})),
      ]) {
        const refusal = await refused;
        expect(refusal).toBeInstanceOf(NotFoundError);
        expect(refusal).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      }
      expect(mocks.trail.listAccesses).not.toHaveBeenCalled();
      expect(mocks.trail.listTimeline).not.toHaveBeenCalled();
      expect(mocks.trail.reportInvolvesHospital).not.toHaveBeenCalled();
      expect(mocks.trail.patientInvolvesHospital).not.toHaveBeenCalled();
    });

    it('pages by (ledger time, transaction): a cursor after the page’s last row, read back on the next call', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listAccesses.mockResolvedValueOnce(rows(3, (i) => accessRow(i)));

      const first = await sut.accesses(AUDITOR_A, { limit: 2 });

      expect(first.items.map((item) => item.txId)).toEqual([txId(999), txId(998)]);
      expect(decodeKeysetCursor(first.nextCursor!, 'transaction-id')).toEqual({
        at: accessRow(2).at,
        id: accessRow(2).txId,
      });

      mocks.trail.listAccesses.mockResolvedValueOnce([accessRow(3)]);
      const second = await sut.accesses(AUDITOR_A, { limit: 2, cursor: first.nextCursor! });

      expect(mocks.trail.listAccesses).toHaveBeenLastCalledWith(expect.anything(), expect.anything(), {
        after: { at: accessRow(2).at, id: accessRow(2).txId },
        limit: 3,
      });
      expect(second).toMatchObject({ items: [{ txId: txId(997) }], nextCursor: null });
    });

    it('has no next cursor when the page is exactly the last rows', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listAccesses.mockResolvedValueOnce(rows(2, (i) => accessRow(i)));
      expect((await sut.accesses(AUDITOR_A, { limit: 2 })).nextCursor).toBeNull();
    });

    it.each(['not-a-cursor', Buffer.from('["2026-11-21T10:00:00.000Z","x y"]').toString('base64url')])(
      'refuses a crafted cursor (%s) with a 400 before reading anything',
      async (cursor) => {
        const { sut, mocks } = newTestService();
        const refusal = await refusalOf(sut.accesses(AUDITOR_A, { cursor }));
        expect(refusal).toBeInstanceOf(InvalidInputError);
        expect(refusal).toMatchObject({ details: { errors: [{ field: 'cursor' }] } });
        expect(mocks.trail.listAccesses).not.toHaveBeenCalled();
      },
    );

    it('passes `from` and `to` on as they came, equal or not: the query’s validation alone checks them', async () => {
      const { sut, mocks } = newTestService();
      const instant = new Date('2026-11-21T10:00:00.000Z');

      await sut.accesses(AUDITOR_A, { from: instant, to: instant });

      expect(mocks.trail.listAccesses).toHaveBeenCalledWith(
        expect.anything(),
        expect.objectContaining({ from: instant, to: instant }),
        expect.anything(),
      );
    });

    it.each(['doctor', 'admin', 'patient'] as const)('refuses a %s (403), reading nothing', async (role) => {
      const { sut, mocks } = newTestService();
      const caller = user(role);
      await expect(sut.accesses(caller, {})).rejects.toBeInstanceOf(RoleForbiddenError);
      await expect(sut.exportAccesses(caller, {})).rejects.toBeInstanceOf(RoleForbiddenError);
      expect(mocks.trail.listAccesses).not.toHaveBeenCalled();
    });
  });

  describe('exportAccesses (CSV)', () => {
    it('reads the first page before it resolves, then page after page until a short one', async () => {
      const { sut, mocks } = newTestService();
      const full = rows(EXPORT_PAGE_SIZE, (i) => accessRow(i));
      const short = rows(3, (i) => accessRow(EXPORT_PAGE_SIZE + i));
      mocks.trail.listAccesses.mockResolvedValueOnce(full).mockResolvedValueOnce(short);

      const pages = await sut.exportAccesses(AUDITOR_B, { outcome: 'refused' });

      expect(mocks.trail.listAccesses).toHaveBeenCalledTimes(1);
      expect(mocks.trail.listAccesses).toHaveBeenCalledWith(
        { hospitalMspId: 'HospitalBMSP' },
        expect.objectContaining({ outcome: 'refused' }),
        { after: undefined, limit: EXPORT_PAGE_SIZE },
      );
      const seen = await allPages(pages);
      expect(seen.map((page) => page.length)).toEqual([EXPORT_PAGE_SIZE, 3]);
      const last = full[full.length - 1];
      expect(mocks.trail.listAccesses).toHaveBeenLastCalledWith(
        { hospitalMspId: 'HospitalBMSP' },
        expect.objectContaining({ outcome: 'refused' }),
        { after: { at: last.at, id: last.txId }, limit: EXPORT_PAGE_SIZE },
      );
    });

    it('starts after a cursor, and answers one empty page when nothing matches', async () => {
      const { sut, mocks } = newTestService();
      const cursor = encodeKeysetCursor({ at: accessRow(5).at, id: accessRow(5).txId });

      const seen = await allPages(await sut.exportAccesses(AUDITOR_A, { cursor, limit: 7 }));

      expect(seen).toEqual([[]]);
      expect(mocks.trail.listAccesses).toHaveBeenCalledWith(expect.anything(), expect.anything(), {
        after: { at: accessRow(5).at, id: accessRow(5).txId },
        limit: EXPORT_PAGE_SIZE,
      });
    });

    it('refuses a crafted cursor before anything is read or sent', async () => {
      const { sut, mocks } = newTestService();
      await expect(sut.exportAccesses(AUDITOR_A, { cursor: '%%%' })).rejects.toBeInstanceOf(InvalidInputError);
      expect(mocks.trail.listAccesses).not.toHaveBeenCalled();
    });
  });

  describe('accessLog (patients)', () => {
    it('lists the accesses to the patient’s own records, and nobody else’s', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listAccesses.mockResolvedValueOnce([accessRow(1, { outcome: 'refused', refusalCode: 'FORBIDDEN' })]);

      const page = await sut.accessLog(PATIENT, {
        outcome: 'refused',
        from: new Date('2026-11-01T00:00:00.000Z'),
        limit: 20,
      });

      expect(mocks.trail.listAccesses).toHaveBeenCalledWith(
        { patientId: PATIENT_ID },
        { from: new Date('2026-11-01T00:00:00.000Z'), to: undefined, outcome: 'refused' },
        { after: undefined, limit: 21 },
      );
      expect(page.items[0]).toMatchObject({
        outcome: 'refused',
        refusalCode: 'FORBIDDEN',
        actor: { id: DOCTOR_ID, role: 'doctor', hospital: 'hospital-b', fullName: 'Bo Larsen' },
        reportType: 'lab-result',
        grantId: '0e9d8c7b-6a5f-4e3d-8c2b-1a0f9e8d7c6b',
        purposeOfUse: 'TREAT',
      });
    });

    it.each(['doctor', 'admin', 'auditor'] as const)('refuses a %s (403)', async (role) => {
      const { sut, mocks } = newTestService();
      const caller = user(role);
      await expect(sut.accessLog(caller, {})).rejects.toBeInstanceOf(RoleForbiddenError);
      expect(mocks.trail.listAccesses).not.toHaveBeenCalled();
    });
  });

  describe('reportHistory', () => {
    it('lists every event of the patient’s own report, unscoped', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listTimeline.mockResolvedValueOnce([timelineRow(1)]);

      const page = await sut.reportHistory(PATIENT, REPORT_ID, {});

      expect(mocks.trail.findReportPatient).toHaveBeenCalledWith(REPORT_ID);
      expect(mocks.trail.listTimeline).toHaveBeenCalledWith(
        { reportId: REPORT_ID },
        {},
        { after: undefined, limit: 51 },
      );
      expect(page).toEqual({
        items: [
          {
            txId: txId(999),
            blockNumber: 99,
            at: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, 999)),
            event: 'ReportAccessed',
            subject: { type: 'receipt', id: txId(999) },
            actor: { id: DOCTOR_ID, role: 'doctor', hospital: 'hospital-a' },
            reportId: REPORT_ID,
            purposeOfUse: 'TREAT',
            outcome: 'granted',
            refusalCode: null,
          },
        ],
        nextCursor: null,
      });
    });

    it('refuses a patient another patient’s report (403, as opening it is), listing nothing', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.findReportPatient.mockResolvedValueOnce(OTHER_PATIENT_ID);
      const refusal = await refusalOf(sut.reportHistory(PATIENT, REPORT_ID, {}));
      expect(refusal).toBeInstanceOf(AnotherPatientsTrailError);
      expect(refusal).toMatchObject({ status: 403, code: 'FORBIDDEN' });
      expect(mocks.trail.listTimeline).not.toHaveBeenCalled();
    });

    it('answers 404 to a patient for a report the projection does not hold', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.findReportPatient.mockResolvedValueOnce(null);
      await expect(sut.reportHistory(PATIENT, REPORT_ID, {})).rejects.toBeInstanceOf(NotFoundError);
      expect(mocks.trail.listTimeline).not.toHaveBeenCalled();
    });

    it('lists for an auditor the events their hospital is party to', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listTimeline.mockResolvedValueOnce(rows(3, (i) => timelineRow(i)));

      const page = await sut.reportHistory(AUDITOR_B, REPORT_ID, { limit: 2 });

      expect(mocks.trail.reportInvolvesHospital).toHaveBeenCalledWith(REPORT_ID, 'HospitalBMSP');
      expect(mocks.trail.listTimeline).toHaveBeenCalledWith(
        { reportId: REPORT_ID },
        { hospitalMspId: 'HospitalBMSP' },
        { after: undefined, limit: 3 },
      );
      expect(page.items).toHaveLength(2);
      expect(decodeKeysetCursor(page.nextCursor!, 'transaction-id')).toEqual({
        at: timelineRow(2).at,
        id: timelineRow(2).txId,
      });
    });

    it('answers 404 to an auditor whose hospital has nothing to do with the report, whatever was listed', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.reportInvolvesHospital.mockResolvedValueOnce(false);
      mocks.trail.listTimeline.mockResolvedValueOnce([timelineRow(1)]);
      await expect(sut.reportHistory(AUDITOR_A, REPORT_ID, {})).rejects.toBeInstanceOf(NotFoundError);
    });

    it('answers an event without an actor with nulls', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.listTimeline.mockResolvedValueOnce([
        timelineRow(1, { actorId: null, actorRole: null, actorMspId: null, outcome: null, purposeOfUse: null }),
      ]);
      const [entry] = (await sut.reportHistory(AUDITOR_A, REPORT_ID, {})).items;
      expect(entry.actor).toEqual({ id: null, role: null, hospital: null });
    });

    it.each(['doctor', 'admin'] as const)('refuses a %s (403), reading nothing', async (role) => {
      const { sut, mocks } = newTestService();
      const caller = user(role);
      await expect(sut.reportHistory(caller, REPORT_ID, {})).rejects.toBeInstanceOf(RoleForbiddenError);
      expect(mocks.trail.findReportPatient).not.toHaveBeenCalled();
      expect(mocks.trail.listTimeline).not.toHaveBeenCalled();
    });

    it('refuses a crafted cursor with a 400', async () => {
      const { sut } = newTestService();
      await expect(sut.reportHistory(AUDITOR_A, REPORT_ID, { cursor: 'eyJ4Ijox' })).rejects.toBeInstanceOf(
        InvalidInputError,
      );
    });
  });

  describe('patientEvents', () => {
    it('lists a patient’s own events within from..to', async () => {
      const { sut, mocks } = newTestService();

      await sut.patientEvents(PATIENT, PATIENT_ID, {
        from: new Date('2026-11-01T00:00:00.000Z'),
        to: new Date('2026-11-30T23:59:59.999Z'),
      });

      expect(mocks.trail.listTimeline).toHaveBeenCalledWith(
        { patientId: PATIENT_ID },
        { from: new Date('2026-11-01T00:00:00.000Z'), to: new Date('2026-11-30T23:59:59.999Z') },
        { after: undefined, limit: 51 },
      );
    });

    it('takes the patient’s own id in upper case', async () => {
      const { sut, mocks } = newTestService();
      await sut.patientEvents(PATIENT, PATIENT_ID.toUpperCase(), {});
      expect(mocks.trail.listTimeline).toHaveBeenCalledTimes(1);
    });

    it('refuses a patient another patient’s events (403) without looking them up', async () => {
      const { sut, mocks } = newTestService();
      const refusal = await refusalOf(sut.patientEvents(PATIENT, OTHER_PATIENT_ID, {}));
      expect(refusal).toBeInstanceOf(AnotherPatientsTrailError);
      expect(refusal).toMatchObject({ status: 403 });
      expect(mocks.trail.listTimeline).not.toHaveBeenCalled();
      expect(mocks.trail.patientInvolvesHospital).not.toHaveBeenCalled();
    });

    it('lists for an auditor the patient’s events their hospital is party to', async () => {
      const { sut, mocks } = newTestService();

      await sut.patientEvents(AUDITOR_B, OTHER_PATIENT_ID, { to: new Date('2026-11-30T12:00:00.000Z') });

      expect(mocks.trail.patientInvolvesHospital).toHaveBeenCalledWith(OTHER_PATIENT_ID, 'HospitalBMSP');
      expect(mocks.trail.listTimeline).toHaveBeenCalledWith(
        { patientId: OTHER_PATIENT_ID },
        { from: undefined, to: new Date('2026-11-30T12:00:00.000Z'), hospitalMspId: 'HospitalBMSP' },
        { after: undefined, limit: 51 },
      );
    });

    it('answers 404 to an auditor whose hospital has nothing to do with the patient', async () => {
      const { sut, mocks } = newTestService();
      mocks.trail.patientInvolvesHospital.mockResolvedValueOnce(false);
      await expect(sut.patientEvents(AUDITOR_A, OTHER_PATIENT_ID, {})).rejects.toBeInstanceOf(NotFoundError);
    });

    it.each(['doctor', 'admin'] as const)('refuses a %s (403)', async (role) => {
      const { sut } = newTestService();
      const caller = user(role);
      await expect(sut.patientEvents(caller, PATIENT_ID, {})).rejects.toBeInstanceOf(RoleForbiddenError);
    });
  });
});
