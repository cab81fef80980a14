import type { Context } from 'fabric-contract-api';
import { parseJsonObject } from '../canonical-json';
import { corruptState } from '../errors';
import { readIndexed } from '../ledger-state';
import { requireUuid } from '../validation';
import { CARE_ACTIVE, CARE_OBJECT_TYPE, CareAssignment } from './care-assignment';

export function careKey(ctx: Context, assignmentId: string): string {
  return ctx.stub.createCompositeKey(CARE_OBJECT_TYPE, [assignmentId]);
}

export function activeCareKey(ctx: Context, patientId: string, doctorId: string): string {
  return ctx.stub.createCompositeKey(CARE_ACTIVE, [patientId, doctorId]);
}

/**
 * The ID of the doctor's active care assignment for the patient, or null: one point read
 * of the pointer that AssignCare writes and EndCare deletes in the same transaction as the
 * assignment itself.
 */
export async function activeCareOf(ctx: Context, patientId: string, doctorId: string): Promise<string | null> {
  const pointer = await ctx.stub.getState(activeCareKey(ctx, patientId, doctorId));
  if (pointer.length === 0) return null;
  try {
    return requireUuid(parseJsonObject(pointer, 'active care pointer').assignmentId, 'assignmentId');
  } catch (error) {
    throw corruptState(`active care pointer is invalid (${(error as Error).message})`);
  }
}

/**
 * The doctor's active care assignment for the patient, or null: the pointer, then the
 * assignment it names (for the hospital that assigned the doctor). Both reads stay in the
 * transaction's read set, so an EndCare committed meanwhile invalidates the transaction.
 */
export async function activeCareAssignment(
  ctx: Context,
  patientId: string,
  doctorId: string,
): Promise<CareAssignment | null> {
  const assignmentId = await activeCareOf(ctx, patientId, doctorId);
  return assignmentId === null ? null : readIndexed(ctx, careKey(ctx, assignmentId), CareAssignment.fromState);
}
