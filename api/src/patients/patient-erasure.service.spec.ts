import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ConsentStatementsRepository } from '../access/consent-statements.repository.js';
import type { AppConfig } from '../config/app-config.js';
import type { PatientKeysService } from '../crypto/patient-keys.service.js';
import type { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError, LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { Committed, ErasureRecord, LedgerIdentity, LedgerPort } from '../ledger/ledger.port.js';
import type { Mailer, OutgoingMail } from '../notifications/mail/mailer.port.js';
import type { UserEntity } from '../users/user.entity.js';
import type { UsersRepository } from '../users/users.repository.js';
import { ERASURE_NOTICE_SUBJECT } from './erasure-notice.js';
import type { ErasureRequestsRepository } from './erasure-requests.repository.js';
import type { DueErasure, NoticeOutcome, PatientErasureRepository } from './patient-erasure.repository.js';
import { NoErasureSignerError, PatientErasureService } from './patient-erasure.service.js';

const REQUEST_ID = '5b0d7f5e-2c1a-4e8b-9f4d-7a6c3e2b1d90';
const PATIENT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const CONFIRMER_ID = '7d1e0b5c-4a8e-4f57-9d3c-0a4d2f6b9e11';
const OTHER_ADMIN_ID = 'a3c1f1d2-58b4-4c33-8f0e-2f9a6c1d7b20';
const ERASED_AT = '2026-05-08T12:00:01.000Z';
const TX = 'a'.repeat(64);
const EARLIER_TX = 'b'.repeat(64);
const ADDRESS = 'ada.lovelace@patients.example';

const user = (id: string, overrides: Partial<UserEntity> = {}): UserEntity =>
  ({ id, role: 'admin', hospital: 'hospital-a', status: 'active', ...overrides }) as UserEntity;

const due = (overrides: Partial<DueErasure> = {}): DueErasure => ({
  id: REQUEST_ID,
  patientId: PATIENT_ID,
  state: 'confirmed',
  confirmedBy: CONFIRMER_ID,
  effectiveAt: new Date('2026-05-08T12:00:00.000Z'),
  attempts: 0,
  ...overrides,
});

/** The service with its ports and repositories mocked; the repository's steps run their callbacks as the real ones do. */
function newTestService() {
  const manager = { transaction: 'stand-in' } as unknown as EntityManager;
  const notices: NoticeOutcome[] = [];
  const users = new Map<string, UserEntity>([
    [PATIENT_ID, user(PATIENT_ID, { role: 'patient' })],
    [CONFIRMER_ID, user(CONFIRMER_ID)],
    [OTHER_ADMIN_ID, user(OTHER_ADMIN_ID)],
  ]);
  const mocks = {
    record: jest.fn<LedgerPort['erasure']['record']>(() =>
      Promise.resolve<Committed<ErasureRecord>>({
        result: {
          patientId: PATIENT_ID,
          erasedBy: CONFIRMER_ID,
          erasedByMspId: 'HospitalAMSP',
          erasedAt: ERASED_AT,
          txId: TX,
        },
        transactionId: TX,
        blockNumber: 42n,
      }),
    ),
    get: jest.fn<LedgerPort['erasure']['get']>(() =>
      Promise.resolve({
        patientId: PATIENT_ID,
        erasedBy: CONFIRMER_ID,
        erasedByMspId: 'HospitalAMSP',
        erasedAt: '2026-05-08T12:00:00.500Z',
        txId: EARLIER_TX,
      }),
    ),
    blockOfTransaction: jest.fn<LedgerPort['system']['blockOfTransaction']>(() => Promise.resolve(41n)),
    signingIdentity: jest.fn((userId: string, hospital: string) =>
      Promise.resolve({ hospital, mspId: 'HospitalAMSP', certificatePem: userId } as unknown as LedgerIdentity),
    ),
    findById: jest.fn((id: string) => Promise.resolve(users.get(id) ?? null)),
    activeAdminsOf: jest.fn<ErasureRequestsRepository['activeAdminsOf']>(() =>
      Promise.resolve([OTHER_ADMIN_ID, CONFIRMER_ID]),
    ),
    markRecorded: jest.fn<PatientErasureRepository['markRecorded']>(() => Promise.resolve()),
    eraseContent: jest.fn<PatientErasureRepository['eraseContent']>(async (_id, _patientId, destroyKey) => {
      await destroyKey(manager);
    }),
    finish: jest.fn<PatientErasureRepository['finish']>(async (_id, tell) => {
      const notice = await tell(ADDRESS, 2);
      notices.push(notice);
      return notice.sent ? 'done' : 'notice-failed';
    }),
    destroy: jest.fn<PatientKeysService['destroy']>(() => Promise.resolve(true)),
    eraseOfPatient: jest.fn<ConsentStatementsRepository['eraseOfPatient']>(() => Promise.resolve()),
    send: jest.fn((_message: OutgoingMail) => Promise.resolve()),
  };
  const sut = new PatientErasureService(
    { MAIL_RETRY_BASE_SECONDS: 5, MAIL_RETRY_MAX_SECONDS: 600 } as AppConfig,
    {
      erasure: { record: mocks.record, get: mocks.get },
      system: { blockOfTransaction: mocks.blockOfTransaction },
    } as unknown as LedgerPort,
    { signingIdentity: mocks.signingIdentity } as unknown as LedgerIdentityService,
    { findById: mocks.findById } as unknown as UsersRepository,
    { activeAdminsOf: mocks.activeAdminsOf } as unknown as ErasureRequestsRepository,
    {
      markRecorded: mocks.markRecorded,
      eraseContent: mocks.eraseContent,
      finish: mocks.finish,
    } as unknown as PatientErasureRepository,
    { destroy: mocks.destroy } as unknown as PatientKeysService,
    { eraseOfPatient: mocks.eraseOfPatient } as unknown as ConsentStatementsRepository,
    { send: mocks.send } satisfies Mailer,
  );
  return { sut, mocks, users, manager, notices };
}

describe('PatientErasureService.carryOut', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('records the erasure as the confirming admin, destroys the key with the consent texts, tells the patient, and is done', async () => {
    const { sut, mocks, manager } = newTestService();
    await expect(sut.carryOut(due())).resolves.toBe('done');

    expect(mocks.signingIdentity).toHaveBeenCalledWith(CONFIRMER_ID, 'hospital-a');
    expect(mocks.record).toHaveBeenCalledWith(expect.objectContaining({ certificatePem: CONFIRMER_ID }), PATIENT_ID);
    expect(mocks.markRecorded).toHaveBeenCalledWith(REQUEST_ID, {
      txId: TX,
      blockNumber: '42',
      erasedAt: ERASED_AT,
    });
    expect(mocks.eraseContent).toHaveBeenCalledWith(REQUEST_ID, PATIENT_ID, expect.any(Function));
    expect(mocks.destroy).toHaveBeenCalledWith(PATIENT_ID, manager);
    expect(mocks.eraseOfPatient).toHaveBeenCalledWith(manager, PATIENT_ID);
    expect(mocks.send).toHaveBeenCalledWith({
      to: ADDRESS,
      subject: ERASURE_NOTICE_SUBJECT,
      text: expect.any(String),
      messageId: `<erasure-${REQUEST_ID}@medledger.invalid>`,
    });
    // In this order: the ledger first, the content next, the demographics last.
    const order = [mocks.record, mocks.markRecorded, mocks.eraseContent, mocks.finish].map(
      (mock) => mock.mock.invocationCallOrder[0],
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('takes the ledger’s earlier record when it already holds the erasure (CONFLICT), and goes on', async () => {
    const { sut, mocks } = newTestService();
    mocks.record.mockRejectedValueOnce(new ChaincodeRefusedError('CONFLICT', 'already recorded'));
    await expect(sut.carryOut(due())).resolves.toBe('done');
    expect(mocks.blockOfTransaction).toHaveBeenCalledWith(expect.anything(), EARLIER_TX);
    expect(mocks.markRecorded).toHaveBeenCalledWith(REQUEST_ID, {
      txId: EARLIER_TX,
      blockNumber: '41',
      erasedAt: '2026-05-08T12:00:00.500Z',
    });
    expect(mocks.eraseContent).toHaveBeenCalled();
  });

  it('signs as another active admin of the hospital when the confirming admin was suspended since', async () => {
    const { sut, mocks, users } = newTestService();
    users.set(CONFIRMER_ID, user(CONFIRMER_ID, { status: 'suspended' }));
    await sut.carryOut(due());
    expect(mocks.activeAdminsOf).toHaveBeenCalledWith('hospital-a');
    expect(mocks.signingIdentity).toHaveBeenCalledWith(OTHER_ADMIN_ID, 'hospital-a');
  });

  it('stops before anything is erased when nobody can sign, or the ledger refuses or cannot be reached', async () => {
    for (const setUp of [
      ({ mocks }: ReturnType<typeof newTestService>) => {
        mocks.findById.mockResolvedValueOnce(user(PATIENT_ID, { role: 'patient' })).mockResolvedValueOnce(null);
        mocks.activeAdminsOf.mockResolvedValueOnce([]);
        return NoErasureSignerError;
      },
      ({ mocks }: ReturnType<typeof newTestService>) => {
        mocks.record.mockRejectedValueOnce(new ChaincodeRefusedError('FORBIDDEN', 'not an admin of the hospital'));
        return ChaincodeRefusedError;
      },
      ({ mocks }: ReturnType<typeof newTestService>) => {
        mocks.record.mockRejectedValueOnce(new LedgerUnavailableError('no peer answered'));
        return LedgerUnavailableError;
      },
    ]) {
      const test = newTestService();
      const expected = setUp(test);
      await expect(test.sut.carryOut(due())).rejects.toBeInstanceOf(expected);
      expect(test.mocks.markRecorded).not.toHaveBeenCalled();
      expect(test.mocks.eraseContent).not.toHaveBeenCalled();
      expect(test.mocks.finish).not.toHaveBeenCalled();
    }
  });

  it('goes on from where an earlier attempt stopped: no second ledger record, no second content step', async () => {
    const { sut, mocks } = newTestService();
    await sut.carryOut(due({ state: 'recorded' }));
    expect(mocks.record).not.toHaveBeenCalled();
    expect(mocks.eraseContent).toHaveBeenCalled();
    mocks.eraseContent.mockClear();
    await sut.carryOut(due({ state: 'content-erased' }));
    expect(mocks.record).not.toHaveBeenCalled();
    expect(mocks.eraseContent).not.toHaveBeenCalled();
    expect(mocks.finish).toHaveBeenCalledTimes(2);
  });

  it('keeps a failed e-mail with why (no address) and a delay that grows with the failures before', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { sut, mocks, notices } = newTestService();
    mocks.send.mockRejectedValueOnce(new Error(`550 mailbox <${ADDRESS}> unavailable`));
    await expect(sut.carryOut(due({ state: 'content-erased' }))).resolves.toBe('notice-failed');
    expect(notices).toEqual([{ sent: false, error: '550 mailbox <<recipient>> unavailable', retryAfterSeconds: 20 }]);
  });
});
