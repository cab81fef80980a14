import { canonicalBytes } from '../canonical-json';
import { grantId, legacy } from '../testing/fixtures';
import { AccessBasis, AccessReceipt } from './access-receipt';

const TX = 'a'.repeat(64);

/** A receipt's fields as this version stores them: the oldest version's, with a purpose and the kind of grantee. */
const receiptFields = (basis: AccessBasis, purposeOfUse: string, granteeKind: string | null = defaultKind(basis)) =>
  ({ ...legacy.receipt(basis, TX), purposeOfUse, granteeKind }) as unknown as AccessReceipt;

function defaultKind(basis: AccessBasis): string | null {
  return basis === 'grant' || basis === 'emergency' ? 'doctor' : null;
}

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
    const withoutPurpose = { ...legacy.receipt('patient', TX), granteeKind: null } as unknown as AccessReceipt;
    expect(() => AccessReceipt.create(withoutPurpose)).toThrow(/^INVALID_ARGUMENT: purposeOfUse/);
  });

  it.each(['doctor', 'hospital', 'care-team'])('records an opening under a grant to a %s', (kind) => {
    expect(AccessReceipt.create(receiptFields('grant', 'TREAT', kind)).granteeKind).toBe(kind);
  });

  it.each([
    ['a grant opening without a grantee kind', receiptFields('grant', 'TREAT', null)],
    ['a patient opening with a grantee kind', receiptFields('patient', 'PATRQT', 'doctor')],
    ['an author opening with a grantee kind', receiptFields('author', 'TREAT', 'hospital')],
    ['an emergency opening under a hospital', receiptFields('emergency', 'ETREAT', 'hospital')],
    ['an unknown grantee kind', receiptFields('grant', 'TREAT', 'ward')],
  ])('refuses %s (INVALID_ARGUMENT)', (_label, fields) => {
    expect(() => AccessReceipt.create(fields)).toThrow(/^INVALID_ARGUMENT: /);
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
  ] as const)('reads a receipt of the version before purposes on basis %s as %s', (basis, purpose) => {
    const receipt = AccessReceipt.fromState(canonicalBytes(legacy.receipt(basis, TX)));
    expect(receipt).toMatchObject({ basis, purposeOfUse: purpose, granteeKind: defaultKind(basis) });
    expect(receipt.grantId).toBe(basis === 'grant' || basis === 'emergency' ? grantId(1) : null);
  });

  it.each([
    ['patient', null],
    ['author', null],
    ['grant', 'doctor'],
    ['emergency', 'doctor'],
  ] as const)(
    'reads a receipt of the version before grantee kinds on basis %s with the grantee kind %p',
    (basis, kind) => {
      const stored = legacy.receiptWithPurpose(basis, TX);
      expect(stored).not.toHaveProperty('granteeKind');
      const receipt = AccessReceipt.fromState(canonicalBytes(stored));
      expect(receipt).toEqual({ ...stored, granteeKind: kind });
    },
  );

  it('keeps a stored grantee kind, so that an inconsistent one is corrupt state', () => {
    const stored = { ...legacy.receiptWithPurpose('grant', TX), granteeKind: 'care-team' };
    expect(AccessReceipt.fromState(canonicalBytes(stored)).granteeKind).toBe('care-team');
    expect(() =>
      AccessReceipt.fromState(canonicalBytes({ ...legacy.receiptWithPurpose('patient', TX), granteeKind: 'doctor' })),
    ).toThrow(/^CORRUPT_STATE: /);
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
