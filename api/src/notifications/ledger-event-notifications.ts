import type { LedgerEvent } from '../ledger/ledger.port.js';
import type { NewNotification } from './notification-kinds.js';

/** A grant whose holder is told a day before it ends. */
export interface ExpiryReminder {
  grantId: string;
  patientId: string;
  doctorId: string;
  expiresAt: Date;
  remindAt: Date;
}

/** What one ledger event causes off the ledger. */
export interface LedgerEventEffects {
  notifications: NewNotification[];
  reminder: ExpiryReminder | null;
  /** A grant revoked: no reminder for it any more. */
  revokedGrantId: string | null;
}

export const REMIND_BEFORE_MS = 24 * 60 * 60 * 1000;
/** Grants shorter than this are not reminded of. */
const REMINDED_FROM_MS = 2 * 60 * 60 * 1000;

const NONE: LedgerEventEffects = { notifications: [], reminder: null, revokedGrantId: null };

/**
 * The notifications and reminders a consent event causes: the patient hears of a new
 * request and of every emergency access to their records; the doctor of every decision,
 * new grant and revocation. Events of other contracts, and payloads without the IDs
 * needed, cause nothing.
 */
export function ledgerEventEffects(event: LedgerEvent): LedgerEventEffects {
  const ids = idsOf(event.payload);
  const { patientId, doctorId, requestId, grantId } = ids;
  const sourceTxId = event.transactionId;
  const about = (
    userId: string | undefined,
    kind: NewNotification['kind'],
    type: 'access-request' | 'grant',
    id?: string,
  ) => (userId && id ? [{ userId, kind, subject: { type, id }, sourceTxId }] : []);
  switch (event.name) {
    case 'AccessRequested':
      return { ...NONE, notifications: about(patientId, 'access-requested', 'access-request', requestId) };
    case 'RequestApproved':
      return {
        ...NONE,
        notifications: [
          // The requester hears of it even when the grant lets in their hospital or care team, not them by name.
          ...about(ids.requesterId ?? doctorId, 'request-approved', 'access-request', requestId),
          ...about(doctorId, 'grant-created', 'grant', grantId),
        ],
        reminder: reminderOf(ids),
      };
    case 'RequestDenied':
      return { ...NONE, notifications: about(doctorId, 'request-denied', 'access-request', requestId) };
    case 'RequestCancelled':
      return { ...NONE, notifications: about(patientId, 'request-cancelled', 'access-request', requestId) };
    case 'AccessGranted':
      return { ...NONE, notifications: about(doctorId, 'grant-created', 'grant', grantId), reminder: reminderOf(ids) };
    case 'GrantRevoked':
      return {
        ...NONE,
        notifications: about(doctorId, 'grant-revoked', 'grant', grantId),
        revokedGrantId: grantId ?? null,
      };
    case 'EmergencyDeclared':
      return { ...NONE, notifications: about(patientId, 'emergency-access', 'grant', grantId) };
    default:
      return NONE;
  }
}

/**
 * A reminder before the end of a grant that lasts at least two hours: a day before, or at
 * half time for a grant shorter than two days (a day's grant is reminded of twelve hours
 * before it ends). A consultation's grant, shorter still, was given for the moment.
 */
function reminderOf(ids: Partial<Record<string, string>>): ExpiryReminder | null {
  const { grantId, patientId, doctorId, validFrom, expiresAt } = ids;
  if (!grantId || !patientId || !doctorId || !validFrom || !expiresAt) return null;
  const start = Date.parse(validFrom);
  const end = Date.parse(expiresAt);
  if (Number.isNaN(start) || Number.isNaN(end) || end - start < REMINDED_FROM_MS) return null;
  const before = Math.min(REMIND_BEFORE_MS, (end - start) / 2);
  return { grantId, patientId, doctorId, expiresAt: new Date(end), remindAt: new Date(end - before) };
}

/** The string fields of an event's payload (the chaincode writes IDs, codes and times only). */
function idsOf(payload: unknown): Partial<Record<string, string>> {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return {};
  return Object.fromEntries(Object.entries(payload).filter(([, value]) => typeof value === 'string')) as Partial<
    Record<string, string>
  >;
}
