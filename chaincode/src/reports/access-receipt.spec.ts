import { canonicalBytes } from '../canonical-json';
import { grantId, legacy } from '../testing/fixtures';
import { AccessBasis, AccessReceipt } from './access-receipt';

const TX = 'a'.repeat(64);

/** A receipt's fields as this version stores them: the previous version's, with a purpose. */
const receiptFields = (basis: AccessBasis, purposeOfUse: string) =>
  ({ ...legacy.receipt(basis, TX), purposeOfUse }) as unknown as AccessReceipt;

describe('AccessReceipt', () => {
  it.each([
    ['patient', 'PATRQT'],
    ['author', 'TREAT'],
    ['grant', 'TREAT'],
    ['grant', 'HRESCH'],
    ['emergency', 'ETREAT'],
  ] as const)('records an opening on basis %s for %s', (basis, purpose) => {
    expect(AccessReceipt.create(receiptFields(basis, purpose)).purposeOfUse).toBe(purpose);
  });

  it.each([
    ['patient', 'TREAT'],
    ['author', 'PATRQT'],
    ['grant', 'ETREAT'],
    ['emergency', 'TREAT'],
  ] as const)('refuses an opening on basis %s for %s (the basis decides)', (basis, purpose) => {
    expect(() => AccessReceipt.create(receiptFields(basis, purpose))).toThrow(/^INVALID_ARGUMENT: /);
  });

  it('requires a purpose of use', () => {
    expect(() => AccessReceipt.create(legacy.receipt('patient', TX) as unknown as AccessReceipt)).toThrow(
      /^INVALID_ARGUMENT: purposeOfUse/,
    );
  });

  it('reads back what this version stores, unchanged', () => {
    const receipt = AccessReceipt.create(receiptFields('grant', 'CAREMGT'));
    expect(AccessReceipt.fromState(canonicalBytes(receipt))).toEqual(receipt);
  });

  it.each([
    ['patient', 'PATRQT'],
    ['author', 'TREAT'],
    ['grant', 'TREAT'],
    ['emergency', 'ETREAT'],
  ] as const)('reads a receipt of the previous version on basis %s as %s', (basis, purpose) => {
    const receipt = AccessReceipt.fromState(canonicalBytes(legacy.receipt(basis, TX)));
    expect(receipt).toMatchObject({ basis, purposeOfUse: purpose });
    expect(receipt.grantId).toBe(basis === 'grant' || basis === 'emergency' ? grantId(1) : null);
  });

  it('refuses a stored receipt with an unknown basis or a purpose its basis excludes (CORRUPT_STATE)', () => {
    expect(() => AccessReceipt.fromState(canonicalBytes(legacy.receipt('grant', TX, { basis: 'care' })))).toThrow(
      /^CORRUPT_STATE: stored access receipt is invalid \(INVALID_ARGUMENT: basis/,
    );
    expect(() =>
      AccessReceipt.fromState(canonicalBytes(legacy.receipt('patient', TX, { purposeOfUse: 'ETREAT' }))),
    ).toThrow(/^CORRUPT_STATE: /);
  });
});
