import { invalidArgument } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MSP_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The most report IDs one grant or request may list; beyond that, ask for all reports. */
export const MAX_SCOPE_REPORTS = 100;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Checks that an argument is a lower-case RFC 9562 UUID and returns it. */
export function requireUuid(value: unknown, name: string): string {
  if (!isUuid(value)) {
    throw invalidArgument(`${name} must be a lower-case UUID`);
  }
  return value;
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(`${name} must be a non-empty string`);
  }
  return value;
}

export function requireInteger(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** A transaction argument holding a decimal integer (`"30"`), parsed and bounded. */
export function requireIntegerText(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw invalidArgument(`${name} must be a decimal integer from ${min} to ${max}`);
  }
  return requireInteger(Number(value), name, min, max);
}

/** A SHA-256 digest of public bytes (a ciphertext) as 64 lower-case hexadecimal digits. */
export function requireSha256Hex(value: unknown, name: string): string {
  if (typeof value !== 'string' || !SHA256_HEX.test(value)) {
    throw invalidArgument(`${name} must be 64 lower-case hexadecimal digits`);
  }
  return value;
}

/**
 * A keyed commitment to a text or plaintext kept off-chain (a request's reason, an
 * emergency's justification, a report's content): HMAC-SHA-256 computed by the API under a
 * key that never reaches the ledger, so that nobody reading the ledger can confirm a
 * guessed text by hashing it. The chaincode cannot tell such a value from a bare SHA-256;
 * it checks the format, 64 lower-case hexadecimal digits, and nothing more.
 */
export const requireCommitmentHex = (value: unknown, name: string): string => requireSha256Hex(value, name);

/** A Fabric transaction ID: 64 lower-case hexadecimal digits. */
export const requireTxId = (value: unknown, name: string): string => requireSha256Hex(value, name);

export function requireOneOf<T extends string>(value: unknown, name: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidArgument(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(`${name} must be true or false`);
  return value;
}

/** A time as the contract writes it: ISO 8601 UTC to the millisecond (`2026-01-02T03:04:05.678Z`). */
export function requireIsoTime(value: unknown, name: string): string {
  if (typeof value !== 'string' || !ISO_TIME.test(value) || new Date(value).toISOString() !== value) {
    throw invalidArgument(`${name} must be an ISO 8601 UTC time to the millisecond`);
  }
  return value;
}

export function requireMspId(value: unknown, name: string): string {
  if (typeof value !== 'string' || !MSP_ID.test(value)) throw invalidArgument(`${name} must be an MSP id`);
  return value;
}

/** `null` passes through; anything else must satisfy `check`. */
export function nullable<T>(value: unknown, check: (value: unknown) => T): T | null {
  return value === null ? null : check(value);
}

/**
 * The scope of a grant or request: `null` for all the patient's reports, or a sorted list
 * of 1 to MAX_SCOPE_REPORTS distinct report IDs.
 */
export function requireReportIds(value: unknown, name: string): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SCOPE_REPORTS) {
    throw invalidArgument(`${name} must be null (all reports) or a list of 1 to ${MAX_SCOPE_REPORTS} report IDs`);
  }
  const ids = value.map((id, index) => requireUuid(id, `${name}[${index}]`));
  if (new Set(ids).size !== ids.length) throw invalidArgument(`${name} lists a report twice`);
  // Sorted, so that the same scope is always stored as the same bytes.
  return [...ids].sort();
}

/** Parses a scope argument: the JSON text `null` or a JSON array of report IDs. */
export function parseReportIdsArgument(text: unknown, name: string): string[] | null {
  if (typeof text !== 'string') throw invalidArgument(`${name} must be JSON text`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidArgument(`${name} must be the JSON null or a JSON array of report IDs`);
  }
  return requireReportIds(parsed, name);
}
