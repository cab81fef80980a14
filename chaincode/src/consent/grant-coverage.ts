import type { Context } from 'fabric-contract-api';
import { activeCareAssignment } from '../care/care-lookup';
import type { Participant } from '../participants/participant';
import { StateBatch } from '../peer-batching';
import { Grant } from './grant';
import { openingListKeys } from './grant-lists';
import {
  grantCovers,
  grantsOfOrganisation,
  grantsOfPair,
  isPreferredActive,
  requireCoveringGrant,
} from './grant-rules';

/**
 * Which of a patient's grants may let a doctor in, decided at each opening from the
 * doctor's registration (its hospital) and the care assignments on the ledger:
 * - the doctor's own grants, consent and emergency (the pair's list);
 * - the patient's grants to the doctor's hospital as a whole, and to the care team at the
 *   doctor's hospital when the doctor is in it at the transaction's time, that is holds an
 *   active care assignment for the patient, started by then, made by the hospital the
 *   grant names (the list of the patient's grants to that hospital; the care pointer and
 *   its assignment only when the list holds a care-team grant).
 * Both lists and the patient's mark (see grant-lists) are fetched in one message first:
 * three point reads, no range, for a patient whose grants are listed.
 * A care-team grant does not apply to a doctor outside the team at all: its expiry or
 * revocation is no reason to give that doctor (FORBIDDEN, not GRANT_EXPIRED).
 */
export async function grantsApplyingTo(
  ctx: Context,
  patientId: string,
  doctor: Participant,
  time: string,
): Promise<Grant[]> {
  await StateBatch.prefetch(ctx, openingListKeys(ctx, patientId, doctor));
  const own = await grantsOfPair(ctx, patientId, doctor.uid);
  return [...own, ...(await organisationGrantsApplyingTo(ctx, patientId, doctor, time))];
}

/**
 * The grant under which `doctor` opens `reportId` of `patientId` at `time`, the doctor's
 * own consent first, then a grant to their hospital or care team, then an emergency
 * grant; otherwise the refusal of requireActiveGrant over every grant that applies
 * (GRANT_REVOKED or GRANT_EXPIRED after the one that ended last, else FORBIDDEN). When an
 * own consent grant covers the report, nothing is preferred to it and the organisation's
 * grants are not looked at (their list is fetched with the pair's all the same, so it is
 * in the read set: a change to them committed meanwhile invalidates the opening, which
 * the API proposes again).
 */
export async function requireOpeningGrant(
  ctx: Context,
  patientId: string,
  doctor: Participant,
  reportId: string,
  time: string,
): Promise<Grant> {
  await StateBatch.prefetch(ctx, openingListKeys(ctx, patientId, doctor));
  const own = (await grantsOfPair(ctx, patientId, doctor.uid)).filter((grant) => grantCovers(grant, reportId));
  const preferred = own.find((grant) => isPreferredActive(grant, time));
  if (preferred !== undefined) return preferred;
  const organisation = await organisationGrantsApplyingTo(ctx, patientId, doctor, time);
  return requireCoveringGrant([...own, ...organisation], reportId, time);
}

async function organisationGrantsApplyingTo(
  ctx: Context,
  patientId: string,
  doctor: Participant,
  time: string,
): Promise<Grant[]> {
  const grants = await grantsOfOrganisation(ctx, patientId, doctor.mspId);
  if (!grants.some((grant) => grant.granteeKind === 'care-team')) return grants;
  const assignment = await activeCareAssignment(ctx, patientId, doctor.uid);
  const careOf =
    assignment !== null && Date.parse(assignment.startedAt) <= Date.parse(time) ? assignment.hospitalMspId : null;
  return grants.filter((grant) => grant.granteeKind === 'hospital' || grant.granteeMspId === careOf);
}
