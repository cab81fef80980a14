import { describe, expect, it, jest } from '@jest/globals';
import { hospitalDirectory } from '../access/testing/consent-fixtures.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { InvalidInputError } from '../common/domain-error.js';
import { decodeKeysetCursor } from '../common/keyset-cursor.js';
import type { CareAssignmentRow, CareDirectoryRepository } from './care-directory.repository.js';
import { CareDirectoryService } from './care-directory.service.js';

const admin = (hospital: string): AuthenticatedUser => ({
  id: '2d8c5a2a-4b9e-4e3a-9c77-8f4b3e5d6c32',
  role: 'admin',
  hospital,
  sessionId: 'session-1',
});

/** Newest first, as the repository answers: row 0 is the newest. */
const row = (index: number): CareAssignmentRow => ({
  assignmentId: `00000000-0000-4000-8000-${String(100 - index).padStart(12, '0')}`,
  patientId: '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10',
  patientName: 'Ada Lovelace',
  doctorId: '5f0c1e2d-3b4a-4c5d-8e6f-7a8b9c0d1e2f',
  doctorName: 'Bo Larsen',
  assignedBy: '2d8c5a2a-4b9e-4e3a-9c77-8f4b3e5d6c32',
  startedAt: new Date(Date.UTC(2026, 10, 21, 10, 0, 0, 1000 - index)),
  endedAt: null,
  endedBy: null,
  txId: 'a'.repeat(64),
  blockNumber: String(50 - index),
});

function newTestService(rows: CareAssignmentRow[] = []) {
  const listAssignments = jest.fn<CareDirectoryRepository['listAssignments']>().mockResolvedValue(rows);
  const repository = { listAssignments } as unknown as CareDirectoryRepository;
  return { sut: new CareDirectoryService(repository, hospitalDirectory()), mocks: { listAssignments } };
}

describe('CareDirectoryService', () => {
  it('lists the assignments the admin’s own hospital made, by its MSP, one row more than the page to know of a next', async () => {
    const { sut, mocks } = newTestService([row(0), row(1)]);
    const page = await sut.assignments(admin('hospital-b'), { status: 'active' }, { limit: 5 });
    expect(mocks.listAssignments).toHaveBeenCalledWith('HospitalBMSP', { status: 'active' }, { limit: 6 });
    expect(page).toEqual({ items: [row(0), row(1)], nextCursor: null });
  });

  it('gives a cursor after the last row of a full page, and reads the next page after it', async () => {
    const { sut, mocks } = newTestService([row(0), row(1), row(2)]);
    const first = await sut.assignments(admin('hospital-a'), {}, { limit: 2 });
    expect(first.items).toEqual([row(0), row(1)]);
    expect(decodeKeysetCursor(first.nextCursor!)).toEqual({ at: row(1).startedAt, id: row(1).assignmentId });

    await sut.assignments(admin('hospital-a'), {}, { limit: 2, cursor: first.nextCursor! });
    expect(mocks.listAssignments).toHaveBeenLastCalledWith(
      'HospitalAMSP',
      {},
      { after: { at: row(1).startedAt, id: row(1).assignmentId }, limit: 3 },
    );
  });

  it('refuses a cursor it did not issue (400), before asking the database', async () => {
    const { sut, mocks } = newTestService();
    await expect(sut.assignments(admin('hospital-a'), {}, { cursor: 'bm90LWEtY3Vyc29y' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(mocks.listAssignments).not.toHaveBeenCalled();
  });

  it('lists nothing for an admin of a hospital the network profile no longer names', async () => {
    const { sut, mocks } = newTestService([row(0)]);
    expect(await sut.assignments(admin('hospital-gone'), {}, {})).toEqual({ items: [], nextCursor: null });
    expect(mocks.listAssignments).not.toHaveBeenCalled();
  });
});
