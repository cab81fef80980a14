import { describe, expect, it } from '@jest/globals';
import type { LedgerEvent } from '../ledger/ledger.port.js';
import { ledgerEventEffects } from './ledger-event-notifications.js';

const PATIENT_ID = '0b6a3f0e-2f7c-4c1e-9a55-6d2f1c3b4a10';
const DOCTOR_ID = '5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const REQUEST_ID = '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
const GRANT_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';
const TX_ID = '4f1c0d2e8a9b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d';

const VALID_FROM = '2026-11-21T10:00:00.000Z';
const THIRTY_DAYS_LATER = '2026-12-21T10:00:00.000Z';

/** The grant fields every grant event of the consent contract carries (consent.contract.ts `grantEvent`). */
const grantPayload = (overrides: Record<string, unknown> = {}) => ({
  grantId: GRANT_ID,
  patientId: PATIENT_ID,
  doctorId: DOCTOR_ID,
  kind: 'consent',
  purposeOfUse: 'TREAT',
  validFrom: VALID_FROM,
  expiresAt: THIRTY_DAYS_LATER,
  ...overrides,
});

/** Each consent event as the chaincode emits it. */
const PAYLOADS: Record<string, Record<string, unknown>> = {
  AccessRequested: { requestId: REQUEST_ID, patientId: PATIENT_ID, doctorId: DOCTOR_ID, purposeOfUse: 'TREAT' },
  RequestApproved: { requestId: REQUEST_ID, requesterId: DOCTOR_ID, ...grantPayload() },
  RequestDenied: { requestId: REQUEST_ID, patientId: PATIENT_ID, doctorId: DOCTOR_ID },
  RequestCancelled: { requestId: REQUEST_ID, patientId: PATIENT_ID, doctorId: DOCTOR_ID },
  AccessGranted: grantPayload(),
  GrantRevoked: grantPayload(),
  EmergencyDeclared: grantPayload({ kind: 'emergency', purposeOfUse: 'ETREAT' }),
  EmergencyReviewed: {
    grantId: GRANT_ID,
    patientId: PATIENT_ID,
    doctorId: DOCTOR_ID,
    auditorId: 'a0d1707e-0000-4000-8000-000000000001',
    outcome: 'appropriate',
  },
};

const ledgerEvent = (name: string, payload: unknown = PAYLOADS[name]): LedgerEvent => ({
  blockNumber: 42n,
  transactionId: TX_ID,
  name,
  payload,
});

const NOTHING = { notifications: [], reminder: null, revokedGrantId: null };

describe('ledgerEventEffects', () => {
  it.each([
    ['AccessRequested', PATIENT_ID, 'access-requested', { type: 'access-request', id: REQUEST_ID }],
    ['RequestDenied', DOCTOR_ID, 'request-denied', { type: 'access-request', id: REQUEST_ID }],
    ['RequestCancelled', PATIENT_ID, 'request-cancelled', { type: 'access-request', id: REQUEST_ID }],
    ['AccessGranted', DOCTOR_ID, 'grant-created', { type: 'grant', id: GRANT_ID }],
    ['GrantRevoked', DOCTOR_ID, 'grant-revoked', { type: 'grant', id: GRANT_ID }],
    ['EmergencyDeclared', PATIENT_ID, 'emergency-access', { type: 'grant', id: GRANT_ID }],
  ])('%s tells the user concerned, about its subject, once', (name, userId, kind, subject) => {
    expect(ledgerEventEffects(ledgerEvent(name)).notifications).toEqual([{ userId, kind, subject, sourceTxId: TX_ID }]);
  });

  it('RequestApproved tells the doctor of the decision and of the grant it created', () => {
    expect(ledgerEventEffects(ledgerEvent('RequestApproved')).notifications).toEqual([
      {
        userId: DOCTOR_ID,
        kind: 'request-approved',
        subject: { type: 'access-request', id: REQUEST_ID },
        sourceTxId: TX_ID,
      },
      { userId: DOCTOR_ID, kind: 'grant-created', subject: { type: 'grant', id: GRANT_ID }, sourceTxId: TX_ID },
    ]);
  });

  it.each(['EmergencyReviewed', 'ProbeRecorded', 'ReportRecorded', 'SomethingNew'])('%s causes nothing', (name) => {
    expect(ledgerEventEffects(ledgerEvent(name, PAYLOADS[name] ?? grantPayload()))).toEqual(NOTHING);
  });

  it.each([
    ['AccessRequested', 'patientId'],
    ['AccessRequested', 'requestId'],
    ['RequestDenied', 'doctorId'],
    ['RequestCancelled', 'requestId'],
    ['AccessGranted', 'grantId'],
    ['AccessGranted', 'doctorId'],
    ['GrantRevoked', 'grantId'],
    ['EmergencyDeclared', 'patientId'],
  ])('%s without %s causes nothing', (name, missing) => {
    const payload = { ...PAYLOADS[name] };
    delete payload[missing];

    expect(ledgerEventEffects(ledgerEvent(name, payload))).toEqual(NOTHING);
  });

  it('reads only text IDs: a number where an ID belongs is no ID', () => {
    expect(ledgerEventEffects(ledgerEvent('AccessRequested', { ...PAYLOADS.AccessRequested, patientId: 7 }))).toEqual(
      NOTHING,
    );
  });

  it.each([
    ['null', null],
    ['text', 'AccessRequested'],
    ['an array', [PAYLOADS.AccessRequested]],
  ])('a payload that is %s causes nothing', (_what, payload) => {
    expect(ledgerEventEffects(ledgerEvent('AccessRequested', payload))).toEqual(NOTHING);
  });

  it('an approval that lets in the requester’s hospital tells the requester, and creates no grant notification or reminder for a doctor it does not name', () => {
    const payload = {
      requestId: REQUEST_ID,
      requesterId: DOCTOR_ID,
      ...grantPayload({ doctorId: null, granteeKind: 'hospital', granteeMspId: 'HospitalBMSP' }),
    };

    const effects = ledgerEventEffects(ledgerEvent('RequestApproved', payload));

    expect(effects.notifications).toEqual([
      {
        userId: DOCTOR_ID,
        kind: 'request-approved',
        subject: { type: 'access-request', id: REQUEST_ID },
        sourceTxId: expect.any(String),
      },
    ]);
    expect(effects.reminder).toBeNull();
  });

  describe('expiry reminder', () => {
    it.each(['AccessGranted', 'RequestApproved'])(
      '%s of a grant longer than a day: a reminder a day before its end',
      (name) => {
        expect(ledgerEventEffects(ledgerEvent(name)).reminder).toEqual({
          grantId: GRANT_ID,
          patientId: PATIENT_ID,
          doctorId: DOCTOR_ID,
          expiresAt: new Date(THIRTY_DAYS_LATER),
          remindAt: new Date('2026-12-20T10:00:00.000Z'),
        });
      },
    );

    it.each([
      ['two days', '2026-11-23T10:00:00.000Z', '2026-11-22T10:00:00.000Z'],
      ['a day: at half time, twelve hours before its end', '2026-11-22T10:00:00.000Z', '2026-11-21T22:00:00.000Z'],
      ['two hours: at half time', '2026-11-21T12:00:00.000Z', '2026-11-21T11:00:00.000Z'],
    ])('a grant of %s is reminded of within its last day', (_length, expiresAt, remindAt) => {
      const payload = grantPayload({ expiresAt });

      expect(ledgerEventEffects(ledgerEvent('AccessGranted', payload)).reminder?.remindAt).toEqual(new Date(remindAt));
    });

    it.each([
      ['one consultation (90 minutes)', '2026-11-21T11:30:00.000Z'],
      ['a minute under two hours', '2026-11-21T11:59:00.000Z'],
    ])('none for a grant of %s', (_length, expiresAt) => {
      expect(ledgerEventEffects(ledgerEvent('AccessGranted', grantPayload({ expiresAt }))).reminder).toBeNull();
    });

    it.each([
      ['times that are not times', grantPayload({ expiresAt: 'next month' })],
      ['no expiry', grantPayload({ expiresAt: undefined })],
      ['no patient', grantPayload({ patientId: undefined })],
    ])('none for a payload with %s', (_what, payload) => {
      expect(ledgerEventEffects(ledgerEvent('AccessGranted', payload)).reminder).toBeNull();
    });

    it.each(['EmergencyDeclared', 'GrantRevoked'])('none for %s, however long the grant', (name) => {
      expect(ledgerEventEffects(ledgerEvent(name)).reminder).toBeNull();
    });
  });

  it('GrantRevoked names the revoked grant, so that its reminder is dropped', () => {
    expect(ledgerEventEffects(ledgerEvent('GrantRevoked')).revokedGrantId).toBe(GRANT_ID);
  });

  it.each(['AccessGranted', 'RequestApproved', 'EmergencyDeclared'])('%s revokes nothing', (name) => {
    expect(ledgerEventEffects(ledgerEvent(name)).revokedGrantId).toBeNull();
  });
});
