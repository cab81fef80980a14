/**
 * The vocabulary of notifications, read by the migration, the repository and the DTOs.
 * A notification names what happened and to what (an ID), never any PHI.
 */
export const NOTIFICATION_KINDS = [
  'access-requested',
  'request-approved',
  'request-denied',
  'request-cancelled',
  'grant-created',
  'grant-revoked',
  'emergency-access',
  'grant-expiring',
  /** A patient asked for the erasure of their records (to their hospital's admins). */
  'erasure-requested',
  /** An admin confirmed the patient's erasure request: it takes effect after the cooling-off delay (to the patient). */
  'erasure-confirmed',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** What a notification is about: an access request, a grant or an erasure request, by ID. */
export const SUBJECT_TYPES = ['access-request', 'grant', 'erasure-request'] as const;
export type SubjectType = (typeof SUBJECT_TYPES)[number];

export interface NotificationSubject {
  type: SubjectType;
  id: string;
}

/** A notification to record for a user, caused by one ledger transaction. */
export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  subject: NotificationSubject;
  /** The ledger transaction that caused it, or a synthetic key (the expiry reminder): the same again records nothing. */
  sourceTxId: string;
}

/** A notification as the feed shows it. */
export interface Notification {
  id: string;
  kind: NotificationKind;
  subject: NotificationSubject;
  createdAt: Date;
  readAt: Date | null;
}
