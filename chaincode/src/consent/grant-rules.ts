import type { Context } from 'fabric-contract-api';
import { emergencyActive, forbidden, grantExpired, grantRevoked } from '../errors';
import { canonicalBytes } from '../canonical-json';
import { putIndex } from '../ledger-state';
import { listedGrantsOfOrganisation, listedGrantsOfPair, listGrant } from './grant-lists';
import {
  Grant,
  GRANT_BY_DOCTOR,
  GRANT_BY_HOSPITAL,
  GRANT_BY_ORGANISATION,
  GRANT_BY_PAIR,
  GRANT_BY_PATIENT,
  GRANT_EMERGENCY,
  GRANT_OBJECT_TYPE,
  granteeOf,
} from './grant';

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

/**
 * Every grant a patient ever gave a doctor (consent and emergency), in grant ID order: one
 * point read of the pair's list (see grant-lists; the range of the pair's copies for a
 * patient whose grants are not listed yet).
 */
export function grantsOfPair(ctx: Context, patientId: string, doctorId: string): Promise<Grant[]> {
  return listedGrantsOfPair(ctx, patientId, doctorId);
}

/**
 * Every grant a patient ever gave a hospital as a whole or its care team (`mspId` the
 * hospital), in grant ID order: one point read, as grantsOfPair.
 */
export function grantsOfOrganisation(ctx: Context, patientId: string, mspId: string): Promise<Grant[]> {
  return listedGrantsOfOrganisation(ctx, patientId, mspId);
}

/** Where the copy of a grant lies: under its pair for a doctor, under the patient and hospital otherwise. */
function grantCopyKey(ctx: Context, grant: Grant): string {
  const grantee = granteeOf(grant);
  return grantee.kind === 'doctor'
    ? ctx.stub.createCompositeKey(GRANT_BY_PAIR, [grant.patientId, grantee.doctorId, grant.grantId])
    : ctx.stub.createCompositeKey(GRANT_BY_ORGANISATION, [grant.patientId, grantee.mspId, grant.grantId]);
}

/**
 * Writes a grant, its copy (under the pair, or under the patient and the grantee
 * hospital) and its list (see listGrant); with `indexed`, the first time, its list index
 * entries too: by patient, by doctor or by grantee hospital, and for auditors when it is
 * an emergency grant. Every write of a grant goes through here, so that the copies and
 * the lists never miss one.
 */
export async function putGrant(ctx: Context, grant: Grant, indexed: boolean): Promise<void> {
  const bytes = canonicalBytes(grant);
  await ctx.stub.putState(grantKey(ctx, grant.grantId), bytes);
  await ctx.stub.putState(grantCopyKey(ctx, grant), bytes);
  await listGrant(ctx, grant);
  if (!indexed) return;
  const grantee = granteeOf(grant);
  await putIndex(ctx, GRANT_BY_PATIENT, [grant.patientId, grant.validFrom, grant.grantId]);
  if (grantee.kind === 'doctor')
    await putIndex(ctx, GRANT_BY_DOCTOR, [grantee.doctorId, grant.validFrom, grant.grantId]);
  else await putIndex(ctx, GRANT_BY_HOSPITAL, [grantee.mspId, grant.validFrom, grant.grantId]);
  if (grant.kind === 'emergency') await putIndex(ctx, GRANT_EMERGENCY, [grant.validFrom, grant.grantId]);
}

/**
 * Which of several active grants an opening goes under: the doctor's own consent first,
 * then a grant to their hospital or care team, then an emergency grant (break glass is
 * the last resort, and its receipts are the ones auditors review).
 */
const preference = (grant: Grant): number => (grant.kind === 'emergency' ? 2 : grant.granteeKind === 'doctor' ? 0 : 1);

/** The active grant of the list at `time` that `preference` ranks first (the earlier one on a tie); null if none. */
export function activeGrant(grants: Grant[], time: string): Grant | null {
  let chosen: Grant | null = null;
  for (const grant of grants) {
    if (grantStateAt(grant, time) !== 'active') continue;
    if (chosen === null || preference(grant) < preference(chosen)) chosen = grant;
  }
  return chosen;
}

/** Whether `grant` is the doctor's own active consent grant, which no other grant is preferred to. */
export const isPreferredActive = (grant: Grant, time: string): boolean =>
  preference(grant) === 0 && grantStateAt(grant, time) === 'active';

/** The grant among `grants` under which a doctor opens a report now; see requireActiveGrant for the refusals. */
export function requireCoveringGrant(grants: Grant[], reportId: string, time: string): Grant {
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
  if (latest?.state === 'revoked') throw grantRevoked(`grant ${latest.grant.grantId} was revoked`, latest.grant);
  if (latest?.state === 'expired') throw grantExpired(`grant ${latest.grant.grantId} expired`, latest.grant);
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
