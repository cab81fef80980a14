import type { Context } from 'fabric-contract-api';
import { forbidden, notFound } from '../errors';
import { exists, readRecord } from '../ledger-state';
import { callerOf } from '../transaction-context';
import { requireMspId, requireUuid } from '../validation';
import { HOSPITAL_OBJECT_TYPE, PARTICIPANT_OBJECT_TYPE, Participant, ROLES, Role, SERVICE_ROLE } from './participant';

export function participantKey(ctx: Context, uid: string): string {
  return ctx.stub.createCompositeKey(PARTICIPANT_OBJECT_TYPE, [uid]);
}

export function hospitalKey(ctx: Context, mspId: string): string {
  return ctx.stub.createCompositeKey(HOSPITAL_OBJECT_TYPE, [mspId]);
}

/**
 * A hospital named by an argument: an MSP id that some participant registered from (see
 * HOSPITAL_OBJECT_TYPE), or NOT_FOUND, so that nothing is granted to a hospital that is not
 * on the channel or to a misspelt one.
 */
export async function requireHospital(ctx: Context, mspIdArgument: unknown, name: string): Promise<string> {
  const mspId = requireMspId(mspIdArgument, name);
  if (!(await exists(ctx, hospitalKey(ctx, mspId)))) throw notFound(`hospital ${mspId} has no registered participant`);
  return mspId;
}

/** The caller's claims from its certificate (`ehr.uid`, `ehr.role`, MSP id), checked for shape only. */
export function certificateClaims(ctx: Context): { uid: string; role: Role; mspId: string } {
  const { uid, role, mspId } = callerOf(ctx);
  if (uid === null || role === null) {
    throw forbidden('the caller certificate carries no ehr.uid and ehr.role attributes');
  }
  if (!(ROLES as readonly string[]).includes(role)) throw forbidden(`the caller certificate names an unknown role`);
  try {
    requireUuid(uid, 'ehr.uid');
  } catch {
    throw forbidden('the caller certificate carries an ehr.uid that is not a UUID');
  }
  return { uid, role: role as Role, mspId };
}

/**
 * The calling participant, authorised for `action`: its certificate must match its
 * registration (same role, same hospital) and its role must be one of `roles`.
 * Identity is never taken from arguments.
 */
export async function requireCaller(ctx: Context, action: string, roles: readonly Role[]): Promise<Participant> {
  const claims = certificateClaims(ctx);
  const registered = await readRecord(ctx, participantKey(ctx, claims.uid), Participant.fromState);
  if (registered === null) {
    throw forbidden(`participant ${claims.uid} is not registered (participants:RegisterSelf first)`);
  }
  if (registered.role !== claims.role || registered.mspId !== claims.mspId) {
    throw forbidden(`the caller certificate does not match participant ${claims.uid} as registered`);
  }
  if (!roles.includes(registered.role)) throw forbidden(`only ${roles.join(' or ')} may ${action}`);
  return registered;
}

/**
 * Who reads in a read-only audit function: a registered participant, or the API's service
 * identity of a hospital, which reads as an auditor of that hospital with no uid (so that
 * no rule letting a participant read their own records ever applies to it).
 */
export type AuditReader = Pick<Participant, 'role' | 'mspId'> & { uid: string | null };

/**
 * The caller of a read-only function that the API's service identity may call for
 * reconciliation: a registered participant authorised as by requireCaller (`roles` must
 * include auditor), or a certificate with `ehr.role=service` and no `ehr.uid` (never
 * registered), answered as an auditor of the certificate's MSP. Only functions that write
 * nothing call this; every writing function goes through requireCaller, which refuses a
 * certificate without `ehr.uid`.
 */
export async function requireAuditReader(ctx: Context, action: string, roles: readonly Role[]): Promise<AuditReader> {
  const { uid, role, mspId } = callerOf(ctx);
  if (role !== SERVICE_ROLE) return requireCaller(ctx, action, roles);
  if (uid !== null) throw forbidden('a service certificate carries no ehr.uid');
  return { uid: null, role: 'auditor', mspId };
}

/** FORBIDDEN for the API's service identity, for the one writing function that checks no participant (probes). */
export function refuseServiceIdentity(ctx: Context, action: string): void {
  if (callerOf(ctx).role === SERVICE_ROLE) throw forbidden(`the service identity may not ${action}: it writes nothing`);
}

/** Another party named by an argument: it must be registered with `role`, or NOT_FOUND. */
export async function requireParty(ctx: Context, uidArgument: unknown, name: string, role: Role): Promise<Participant> {
  const uid = requireUuid(uidArgument, name);
  const party = await readRecord(ctx, participantKey(ctx, uid), Participant.fromState);
  if (party === null || party.role !== role) throw notFound(`${role} ${uid} is not registered`);
  return party;
}
