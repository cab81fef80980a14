/**
 * The consent workflow's vocabulary and bounds, as the chaincode enforces them
 * (chaincode/src/consent/grant.ts); the DTOs, the services and the docs read them here.
 */
export const ACCESS_REQUEST_STATUSES = ['pending', 'approved', 'denied', 'cancelled'] as const;
export const GRANT_KINDS = ['consent', 'emergency'] as const;
export type GrantKind = (typeof GRANT_KINDS)[number];
/** A grant's status at ledger time. */
export const GRANT_STATUSES = ['active', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];
export const REVIEW_OUTCOMES = ['appropriate', 'inappropriate'] as const;

const MINUTES_PER_DAY = 24 * 60;

export const CONSENT_LIMITS = {
  minDays: 1,
  maxDays: 365,
  /** One consultation. */
  minMinutes: 5,
  maxMinutes: 365 * MINUTES_PER_DAY,
  /** What a request asks for when the doctor names no duration. */
  defaultRequestDays: 30,
} as const;

export const EMERGENCY_LIMITS = {
  minJustification: 20,
  /** The chaincode's ceiling; EMERGENCY_MAX_HOURS may set a lower one. */
  maxHours: 24,
} as const;

export const daysToMinutes = (days: number): number => days * MINUTES_PER_DAY;
