import { describe, expect, it, jest } from '@jest/globals';
import type { KeyObject } from 'node:crypto';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import type { FaultPoints } from '../common/fault-points.service.js';
import type { AppConfig } from '../config/app-config.js';
import type { PatientKeysService } from '../crypto/patient-keys.service.js';
import type { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import type { LedgerIdentity, LedgerPort, ReportsLedger } from '../ledger/ledger.port.js';
import type { ContentStore } from '../storage/content-store.port.js';
import type { UsersRepository } from '../users/users.repository.js';
import { UploadAbortedError, type ReportFile } from './multipart-upload.js';
import type { ReportsRepository, UploadSaga } from './reports.repository.js';
import { UploadService } from './upload.service.js';

const PATIENT_ID = '0b6f0a8e-2f6d-4b8e-9d7a-3c1e5f2a4b6c';
const DOCTOR: AuthenticatedUser = {
  id: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
  role: 'doctor',
  hospital: 'hospital-a',
  sessionId: 's',
};
const PATIENT: AuthenticatedUser = { id: PATIENT_ID, role: 'patient', hospital: 'hospital-a', sessionId: 's' };
const ACTOR = {
  hospital: 'hospital-a',
  mspId: 'HospitalAMSP',
  certificatePem: 'c',
  privateKey: {} as KeyObject,
} as LedgerIdentity;
const FIELDS = { patientId: PATIENT_ID, type: 'report', title: 'Discharge summary' };

/** The upload saga with its ports mocked: a new upload under way, a content store that takes anything. */
function newTestService() {
  const saga: UploadSaga = {
    id: 'saga-1',
    userId: DOCTOR.id,
    idempotencyKey: 'key-1',
    reportId: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
    state: 'receiving',
    steps: {},
    updatedAt: new Date(),
  };
  const mocks = {
    startSaga: jest.fn<ReportsRepository['startSaga']>(() => Promise.resolve({ saga, existing: false })),
    advance: jest.fn<ReportsRepository['advance']>(() => Promise.resolve(true)),
    checkRecordable: jest.fn<ReportsLedger['checkRecordable']>(() => Promise.resolve()),
    record: jest.fn<ReportsLedger['record']>(),
    add: jest.fn<ContentStore['add']>(async (content) => {
      for await (const chunk of content) void chunk;
      return { cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku', size: 1 };
    }),
    pin: jest.fn<ContentStore['pin']>(() => Promise.resolve()),
    unpin: jest.fn<ContentStore['unpin']>(() => Promise.resolve()),
  };
  const sut = new UploadService(
    {
      startSaga: mocks.startSaga,
      advance: mocks.advance,
      touch: () => Promise.resolve(),
    } as unknown as ReportsRepository,
    { findById: () => Promise.resolve({ id: PATIENT_ID, role: 'patient' }) } as unknown as UsersRepository,
    { signingIdentity: () => Promise.resolve(ACTOR) } as unknown as LedgerIdentityService,
    {
      wrapperFor: () => Promise.resolve({ wrap: () => [Buffer.alloc(60), Buffer.alloc(60)] }),
    } as unknown as PatientKeysService,
    { RECOVERY_AFTER_SECONDS: 120 } as AppConfig,
    { reached: () => undefined } as unknown as FaultPoints,
    { reports: { checkRecordable: mocks.checkRecordable, record: mocks.record } } as unknown as LedgerPort,
    { kind: 'kubo', add: mocks.add, pin: mocks.pin, unpin: mocks.unpin } as unknown as ContentStore,
  );
  return { sut, mocks, saga };
}

/** A file whose content is never read unless something pulls it. */
function file(content: () => AsyncGenerator<Uint8Array>): ReportFile & { pulled: () => boolean } {
  let pulled = false;
  return {
    stream: (async function* () {
      pulled = true;
      yield* content();
    })(),
    fileName: 'a.pdf',
    contentType: 'application/pdf',
    pulled: () => pulled,
  };
}

describe('UploadService: authorise before work', () => {
  it.each(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED'])(
    'refuses a doctor the chaincode would refuse (%s) before a byte is read, encrypted or stored, and rolls the saga back',
    async (code) => {
      const { sut, mocks, saga } = newTestService();
      const refusal = new ChaincodeRefusedError(code, `${code}: no care assignment or grant`);
      mocks.checkRecordable.mockRejectedValueOnce(refusal);
      const upload = file(async function* () {
        yield Buffer.from('content');
      });

      await expect(sut.upload(DOCTOR, FIELDS, upload, 'key-1')).rejects.toBe(refusal);

      expect(mocks.checkRecordable).toHaveBeenCalledWith(ACTOR, {
        reportId: saga.reportId,
        patientId: PATIENT_ID,
        type: 'report',
      });
      expect(upload.pulled()).toBe(false);
      expect(mocks.add).not.toHaveBeenCalled();
      expect(mocks.record).not.toHaveBeenCalled();
      expect(mocks.advance).toHaveBeenCalledWith(saga, ['receiving', 'stored'], 'rolled_back', {}, refusal.message);
    },
  );

  it('asks the chaincode before storing for a doctor it would let in, then stores', async () => {
    const { sut, mocks } = newTestService();
    mocks.record.mockRejectedValueOnce(new ChaincodeRefusedError('FORBIDDEN', 'FORBIDDEN: revoked meanwhile'));
    const upload = file(async function* () {
      yield Buffer.from('content');
    });

    await expect(sut.upload(DOCTOR, FIELDS, upload, null)).rejects.toThrow('revoked meanwhile');

    expect(mocks.checkRecordable.mock.invocationCallOrder[0]).toBeLessThan(mocks.add.mock.invocationCallOrder[0]);
    // The chaincode decides again at the commit: its refusal there undoes what was stored.
    expect(mocks.unpin).toHaveBeenCalledTimes(1);
  });

  it('asks nothing of the chaincode for a patient’s own record (checked as the chaincode checks it)', async () => {
    const { sut, mocks } = newTestService();
    mocks.record.mockRejectedValueOnce(new ChaincodeRefusedError('CONFLICT', 'CONFLICT: stop here'));
    const upload = file(async function* () {
      yield Buffer.from('content');
    });

    await expect(sut.upload(PATIENT, FIELDS, upload, null)).rejects.toThrow('stop here');

    expect(mocks.checkRecordable).not.toHaveBeenCalled();
    expect(mocks.add).toHaveBeenCalledTimes(1);
  });
});

describe('UploadService: an upload its client abandons', () => {
  it('rolls back at once when the file fails mid-stream (the client disconnected): nothing pinned, the key free again', async () => {
    const { sut, mocks, saga } = newTestService();
    const aborted = new UploadAbortedError('the client closed the connection before the upload was complete');
    const upload = file(async function* () {
      yield Buffer.alloc(64 * 1024);
      throw aborted;
    });

    await expect(sut.upload(DOCTOR, FIELDS, upload, 'key-1')).rejects.toBe(aborted);

    expect(mocks.pin).not.toHaveBeenCalled();
    expect(mocks.record).not.toHaveBeenCalled();
    expect(mocks.advance).toHaveBeenCalledWith(saga, ['receiving', 'stored'], 'rolled_back', {}, aborted.message);
  });
});
