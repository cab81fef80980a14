import type { Context } from 'fabric-contract-api';
import { emergencyActive, forbidden, grantExpired, grantRevoked } from '../errors';
import { canonicalBytes } from '../canonical-json';
import { putIndex, scanRecords } from '../ledger-state';
import { Grant, GRANT_BY_DOCTOR, GRANT_BY_PAIR, GRANT_BY_PATIENT, GRANT_EMERGENCY, GRANT_OBJECT_TYPE } from './grant';

/**
 * What a grant allows at a given transaction time. A grant is active from `validFrom`
 * (inclusive) until `expiresAt` (exclusive): at exactly `expiresAt` it has expired.
 * A revocation counts from the transaction after the revoking one, whatever the time.
 */
export type GrantState = 'active' | 'expired' | 'revoked' | 'not-yet-valid';

export function grantStateAt(grant: Grant, time: string): GrantState {
  if (grant.status === 'revoked') return 'revoked';
  const now = Date.parse(time);
  if (now < Date.parse(grant.validFrom)) return 'not-yet-valid';
  return now < Date.parse(grant.expiresAt) ? 'active' : 'expired';
}

export const grantCovers = (grant: Grant, reportId: string): boolean =>
  grant.reportIds === null || grant.reportIds.includes(reportId);

/** A grant as queries answer it: the stored record and its state at the query's time. */
export const grantView = (grant: Grant, time: string) => ({ ...grant, effectiveStatus: grantStateAt(grant, time) });

export function grantKey(ctx: Context, grantId: string): string {
  return ctx.stub.createCompositeKey(GRANT_OBJECT_TYPE, [grantId]);
}

/** Every grant a patient ever gave a doctor (consent and emergency), in grant ID order: one range read. */
export async function grantsOfPair(ctx: Context, patientId: string, doctorId: string): Promise<Grant[]> {
  return scanRecords(ctx, GRANT_BY_PAIR, [patientId, doctorId], Grant.fromState);
}

/** Writes a grant and its copy under the pair; with `indexed`, the first time, its list index entries too. */
export async function putGrant(ctx: Context, grant: Grant, indexed: boolean): Promise<void> {
  const bytes = canonicalBytes(grant);
  await ctx.stub.putState(grantKey(ctx, grant.grantId), bytes);
  await ctx.stub.putState(
    ctx.stub.createCompositeKey(GRANT_BY_PAIR, [grant.patientId, grant.doctorId, grant.grantId]),
    bytes,
  );
  if (!indexed) return;
  await putIndex(ctx, GRANT_BY_PATIENT, [grant.patientId, grant.validFrom, grant.grantId]);
  await putIndex(ctx, GRANT_BY_DOCTOR, [grant.doctorId, grant.validFrom, grant.grantId]);
  if (grant.kind === 'emergency') await putIndex(ctx, GRANT_EMERGENCY, [grant.validFrom, grant.grantId]);
}

/** The first active grant of the list at `time`, consent grants before emergency ones; null if none. */
export function activeGrant(grants: Grant[], time: string): Grant | null {
  const active = grants.filter((grant) => grantStateAt(grant, time) === 'active');
  return active.find((grant) => grant.kind === 'consent') ?? active[0] ?? null;
}

/** The grant under which a doctor opens a report now; see requireActiveGrant for the refusals. */
export function requireOpeningGrant(grants: Grant[], reportId: string, time: string): Grant {
  return requireActiveGrant(
    grants.filter((grant) => grantCovers(grant, reportId)),
    time,
    `no grant lets the caller open report ${reportId}`,
  );
}

/**
 * The active grant among `grants` at `time`. When none is active, the refusal says why if
 * one applied: GRANT_REVOKED or GRANT_EXPIRED, after the grant that stopped counting last
 * (a revocation and an expiry at the same instant: the revocation); FORBIDDEN with
 * `refusal` when there was none.
 */
export function requireActiveGrant(grants: Grant[], time: string, refusal: string): Grant {
  const active = activeGrant(grants, time);
  if (active !== null) return active;
  const ended = grants
    .map((grant) => ({ grant, state: grantStateAt(grant, time) }))
    .filter(({ state }) => state === 'revoked' || state === 'expired')
    .map(({ grant, state }) => ({ grant, state, endedAt: (state === 'revoked' && grant.revokedAt) || grant.expiresAt }))
    // Latest end first, by plain code-unit order of ISO times (no locale may change the answer).
    .sort((a, b) => (a.endedAt === b.endedAt ? revokedFirst(a.state, b.state) : a.endedAt < b.endedAt ? 1 : -1));
  const latest = ended[0];
  if (latest?.state === 'revoked') throw grantRevoked(`grant ${latest.grant.grantId} was revoked`);
  if (latest?.state === 'expired') throw grantExpired(`grant ${latest.grant.grantId} expired`);
  throw forbidden(refusal);
}

/**
 * Refuses (EMERGENCY_ACTIVE) while one of `grants` (a pair's) is an emergency grant in force
 * at `time`, so that a doctor holds at most one emergency grant per patient at a time. In
 * force means not expired and not revoked: an active one, and also one dated after `time`
 * (clients date their proposals, within the peers' time window), which would overlap.
 */
export function requireNoEmergencyInForce(grants: Grant[], time: string): void {
  for (const grant of grants) {
    if (grant.kind !== 'emergency') continue;
    const state = grantStateAt(grant, time);
    if (state === 'active' || state === 'not-yet-valid') {
      throw emergencyActive(
        `emergency grant ${grant.grantId} of doctor ${grant.doctorId} for patient ${grant.patientId} is in force until ${grant.expiresAt}`,
      );
    }
  }
}

const revokedFirst = (a: GrantState, b: GrantState): number => (a === b ? 0 : a === 'revoked' ? -1 : 1);
