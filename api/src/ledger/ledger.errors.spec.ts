import { ChaincodeRefusedError, parseChaincodeError } from './ledger.errors.js';

describe('parseChaincodeError', () => {
  it('reads the stable code that the chaincode puts first in its message', () => {
    expect(parseChaincodeError('chaincode response 500, NOT_FOUND: probe 1 does not exist')).toEqual({
      code: 'NOT_FOUND',
      detail: 'probe 1 does not exist',
    });
    expect(parseChaincodeError('GRANT_EXPIRED: grant g expired at 2026-01-01T00:00:00.000Z')).toEqual({
      code: 'GRANT_EXPIRED',
      detail: 'grant g expired at 2026-01-01T00:00:00.000Z',
    });
  });

  it('does not take transport errors for chaincode refusals', () => {
    expect(parseChaincodeError('14 UNAVAILABLE No connection established')).toBeUndefined();
    expect(parseChaincodeError('failed to connect to all addresses')).toBeUndefined();
  });
});

describe('ChaincodeRefusedError', () => {
  it.each([
    ['INVALID_ARGUMENT', 400],
    ['FORBIDDEN', 403],
    ['GRANT_EXPIRED', 403],
    ['GRANT_REVOKED', 403],
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
  ])('maps %s to HTTP %i', (code, status) => {
    expect(new ChaincodeRefusedError(code, 'x').status).toBe(status);
  });
});
