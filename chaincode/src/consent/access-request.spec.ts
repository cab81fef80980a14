import { canonicalBytes } from '../canonical-json';
import { commitment, digest, legacy, people, requestId } from '../testing/fixtures';
import { AccessRequest } from './access-request';

function requestFields(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    requestId: requestId(1),
    patientId: people.patientA.uid,
    patientMspId: people.patientA.mspId,
    doctorId: people.doctorB.uid,
    doctorMspId: people.doctorB.mspId,
    reportIds: null,
    durationDays: 7,
    purposeOfUse: 'CAREMGT',
    reasonCommitment: commitment('reason'),
    status: 'pending',
    requestedAt: '2026-01-01T00:00:00.000Z',
    decidedAt: null,
    grantId: null,
    txId: 'f'.repeat(64),
    ...overrides,
  };
}

describe('AccessRequest', () => {
  it('is for any purpose but ETREAT, with a commitment to its reason', () => {
    expect(AccessRequest.create(requestFields())).toMatchObject({
      purposeOfUse: 'CAREMGT',
      reasonCommitment: commitment('reason'),
    });
    expect(() => AccessRequest.create(requestFields({ purposeOfUse: 'ETREAT' }))).toThrow(
      /^INVALID_ARGUMENT: purposeOfUse ETREAT is for declared emergencies only/,
    );
    expect(() => AccessRequest.create(requestFields({ reasonCommitment: 'a second opinion' }))).toThrow(
      /^INVALID_ARGUMENT: reasonCommitment/,
    );
  });

  it.each(['purposeOfUse', 'reasonCommitment'] as const)('create requires %s', (field) => {
    const fields: Partial<AccessRequest> = requestFields();
    delete fields[field];
    expect(() => AccessRequest.create(fields as AccessRequest)).toThrow(new RegExp(`^INVALID_ARGUMENT: ${field}`));
  });

  it('reads back what this version stores, unchanged', () => {
    const request = AccessRequest.create(requestFields());
    expect(AccessRequest.fromState(canonicalBytes(request))).toEqual(request);
  });

  it('reads a request of the previous version: reasonSha256 as the commitment, TREAT as the purpose', () => {
    const request = AccessRequest.fromState(canonicalBytes(legacy.request(1)));
    expect(request).toMatchObject({ purposeOfUse: 'TREAT', reasonCommitment: digest('legacy reason') });
    expect(request).not.toHaveProperty('reasonSha256');
  });

  it('prefers the new names when a record has both, and refuses what was never valid (CORRUPT_STATE)', () => {
    const both = legacy.request(1, { reasonCommitment: commitment('new'), purposeOfUse: 'HRESCH' });
    expect(AccessRequest.fromState(canonicalBytes(both))).toMatchObject({
      reasonCommitment: commitment('new'),
      purposeOfUse: 'HRESCH',
    });
    expect(() => AccessRequest.fromState(canonicalBytes(legacy.request(1, { reasonSha256: undefined })))).toThrow(
      /^CORRUPT_STATE: stored access request is invalid \(INVALID_ARGUMENT: reasonCommitment/,
    );
    expect(() => AccessRequest.fromState(canonicalBytes(legacy.request(1, { purposeOfUse: 'ETREAT' })))).toThrow(
      /^CORRUPT_STATE: /,
    );
  });
});
