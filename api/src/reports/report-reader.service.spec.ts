import { describe, expect, it, jest } from '@jest/globals';
import { randomBytes, type KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { NotFoundError } from '../common/domain-error.js';
import { createEncryptor, generateDataKey } from '../crypto/chunked-aead.js';
import type { PatientKeysService } from '../crypto/patient-keys.service.js';
import { createDigestTee, generateCommitmentKey } from '../crypto/plaintext-commitment.js';
import type { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError, LedgerUnavailableError } from '../ledger/ledger.errors.js';
import type { LedgerIdentity, LedgerPort, ReportsLedger } from '../ledger/ledger.port.js';
import type { ContentStore } from '../storage/content-store.port.js';
import type { IntegrityAlerts } from './integrity-alerts.js';
import type { RefusedOpenings } from './refused-openings.js';
import { ReportReaderService } from './report-reader.service.js';
import type { ReportRow, ReportsRepository } from './reports.repository.js';

const READER: AuthenticatedUser = {
  id: '7e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
  role: 'doctor',
  hospital: 'hospital-b',
  sessionId: 'session-1',
};
const REPORT_ID = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
/** The reader's own signing identity, which the ledger is asked under. */
const ACTOR: LedgerIdentity = {
  hospital: 'hospital-b',
  mspId: 'HospitalBMSP',
  certificatePem: `certificate of ${READER.id}`,
  privateKey: {} as KeyObject,
};

/** The reader with its ports mocked; the opening on the ledger fails with `refusal`. */
function newTestService(refusal: Error) {
  const mocks = {
    findReport: jest.fn((_reportId: string) => Promise.resolve({ reportId: REPORT_ID } as unknown as ReportRow | null)),
    signingIdentity: jest.fn((_userId: string, _hospital: string) => Promise.resolve(ACTOR)),
    access: jest.fn<ReportsLedger['access']>(() => Promise.reject(refusal)),
    get: jest.fn<ReportsLedger['get']>(),
    record: jest.fn<RefusedOpenings['record']>(() => Promise.resolve()),
    cat: jest.fn<ContentStore['cat']>(),
    raise: jest.fn<IntegrityAlerts['raise']>(),
  };
  const sut = new ReportReaderService(
    { findReport: mocks.findReport } as unknown as ReportsRepository,
    { signingIdentity: mocks.signingIdentity } as unknown as LedgerIdentityService,
    {} as PatientKeysService,
    { raise: mocks.raise } as unknown as IntegrityAlerts,
    { record: mocks.record } as unknown as RefusedOpenings,
    { reports: { access: mocks.access, get: mocks.get } } as unknown as LedgerPort,
    { cat: mocks.cat } as unknown as ContentStore,
  );
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

describe('ReportReaderService: a refused opening', () => {
  it.each(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED'])(
    'records the chaincode’s %s on the ledger as the reader (their id, their own identity, the report), then answers that very refusal',
    async (code) => {
      const refusal = new ChaincodeRefusedError(code, `${code}: report ${REPORT_ID}`);
      const { sut, mocks } = newTestService(refusal);

      const answer = await refusalOf(sut.open(READER, REPORT_ID));

      expect(answer).toBe(refusal);
      expect(mocks.signingIdentity).toHaveBeenCalledWith(READER.id, READER.hospital);
      expect(mocks.access).toHaveBeenCalledWith(ACTOR, REPORT_ID);
      expect(mocks.record).toHaveBeenCalledTimes(1);
      expect(mocks.record).toHaveBeenCalledWith(READER.id, ACTOR, REPORT_ID);
      // No receipt, no content.
      expect(mocks.get).not.toHaveBeenCalled();
      expect(mocks.cat).not.toHaveBeenCalled();
    },
  );

  it('answers the refusal once the recording is done (recording is awaited, never raced)', async () => {
    const refusal = new ChaincodeRefusedError('FORBIDDEN', 'FORBIDDEN: no grant');
    const { sut, mocks } = newTestService(refusal);
    let recorded = false;
    mocks.record.mockImplementationOnce(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      recorded = true;
    });

    await expect(sut.open(READER, REPORT_ID)).rejects.toBe(refusal);

    expect(recorded).toBe(true);
  });

  it.each([
    ['the chaincode’s NOT_FOUND', new ChaincodeRefusedError('NOT_FOUND', `NOT_FOUND: report ${REPORT_ID}`)],
    ['the chaincode’s INVALID_ARGUMENT', new ChaincodeRefusedError('INVALID_ARGUMENT', 'INVALID_ARGUMENT: bad id')],
    ['an unavailable ledger', new LedgerUnavailableError('no peer answered')],
    ['any other failure', new Error('boom')],
  ])('records nothing for %s, and answers it as it came', async (_case, failure) => {
    const { sut, mocks } = newTestService(failure);

    const answer = await refusalOf(sut.open(READER, REPORT_ID));

    expect(answer).toBe(failure);
    expect(mocks.record).not.toHaveBeenCalled();
    expect(mocks.get).not.toHaveBeenCalled();
  });

  it('asks the ledger nothing, and records nothing, for a report this node does not have (404)', async () => {
    const { sut, mocks } = newTestService(new ChaincodeRefusedError('FORBIDDEN', 'FORBIDDEN: never asked'));
    mocks.findReport.mockResolvedValueOnce(null);

    await expect(sut.open(READER, REPORT_ID)).rejects.toBeInstanceOf(NotFoundError);

    expect(mocks.access).not.toHaveBeenCalled();
    expect(mocks.record).not.toHaveBeenCalled();
  });
});

describe('ReportReaderService: a read its client abandons', () => {
  /** A report's ciphertext and the facts the ledger holds of it, encrypted for real. */
  async function encrypted(plaintext: Buffer) {
    const dataKey = generateDataKey();
    const commitmentKey = generateCommitmentKey();
    const plain = createDigestTee({ sha256: true, commitmentKey });
    const cipher = createDigestTee({ sha256: true });
    const pieces: Buffer[] = [];
    await pipeline(Readable.from([plaintext]), plain, createEncryptor(dataKey), cipher, async (source) => {
      for await (const piece of source) pieces.push(piece as Buffer);
    });
    const facts = {
      cid: 'bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku',
      ciphertextSha256: cipher.digests.sha256!,
      plaintextCommitment: plain.digests.commitment!,
    };
    return { ciphertext: Buffer.concat(pieces), dataKey, commitmentKey, facts };
  }

  it('aborts the IPFS stream, ends the store’s read and wipes the keys once released mid-stream', async () => {
    const { ciphertext, dataKey, commitmentKey, facts } = await encrypted(randomBytes(1024 * 1024));
    const { sut, mocks } = newTestService(new Error('unused'));
    mocks.findReport.mockResolvedValueOnce({ id: REPORT_ID, patientId: 'patient', ...facts } as unknown as ReportRow);
    mocks.access.mockResolvedValueOnce({ transactionId: 'receipt' } as Awaited<ReturnType<ReportsLedger['access']>>);
    mocks.get.mockResolvedValueOnce(facts as Awaited<ReturnType<ReportsLedger['get']>>);
    const keys = [Buffer.from(dataKey), Buffer.from(commitmentKey)];
    (sut as unknown as { patientKeys: Pick<PatientKeysService, 'unwrap'> }).patientKeys = {
      unwrap: () => Promise.resolve(keys),
    };
    let signal: AbortSignal | undefined;
    let storeReadOpen = false;
    mocks.cat.mockImplementationOnce(async function* (_cid, options) {
      signal = options?.signal;
      storeReadOpen = true;
      try {
        // The node sends 16 KiB at a time, as slowly as a network does.
        for (let offset = 0; offset < ciphertext.length; offset += 16 * 1024) {
          await new Promise((resolve) => setTimeout(resolve, 5));
          yield ciphertext.subarray(offset, offset + 16 * 1024);
        }
      } finally {
        storeReadOpen = false;
      }
    });

    const opened = await sut.open(READER, REPORT_ID);
    const iterator = opened.content[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);
    expect(storeReadOpen).toBe(true);

    opened.release();

    expect(signal?.aborted).toBe(true);
    for (let waited = 0; storeReadOpen && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(storeReadOpen).toBe(false);
    expect(keys.every((key) => key.every((byte) => byte === 0))).toBe(true);
    await expect(iterator.next()).rejects.toThrow();
    expect(mocks.raise).not.toHaveBeenCalled(); // an abandoned read is no integrity failure
  });
});
