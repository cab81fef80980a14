import { describe, expect, it, jest } from '@jest/globals';
import { DoctorNamesRepository } from './doctor-names.repository.js';
import { DOCTOR, NAMED_DOCTOR } from './testing/consent-fixtures.js';

/** The repository over a mocked `query` that answers DOCTOR's account. */
function newTestRepository() {
  const query = jest.fn((_sql: string, _params: unknown[]) => Promise.resolve([NAMED_DOCTOR]));
  const sut = new DoctorNamesRepository({ query } as unknown as ConstructorParameters<typeof DoctorNamesRepository>[0]);
  return { sut, query };
}

describe('DoctorNamesRepository', () => {
  it('asks once for the distinct doctors of a page, by id, doctors only', async () => {
    const { sut, query } = newTestRepository();

    const names = await sut.namesOf([DOCTOR.id, null, DOCTOR.id]);

    expect(query).toHaveBeenCalledTimes(1);
    const [sql, params] = query.mock.calls[0];
    expect(sql).toContain("role = 'doctor'");
    expect(params).toEqual([[DOCTOR.id]]);
    expect(names.get(DOCTOR.id)).toEqual(NAMED_DOCTOR);
  });

  it('asks nothing when the page names no doctor, or only ids that are no account’s', async () => {
    const { sut, query } = newTestRepository();

    expect((await sut.namesOf([])).size).toBe(0);
    expect((await sut.namesOf([null, '', 'not-a-uuid'])).size).toBe(0);
    expect(query).not.toHaveBeenCalled();
  });
});
