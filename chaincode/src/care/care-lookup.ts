import type { Context } from 'fabric-contract-api';
import { parseJsonObject } from '../canonical-json';
import { corruptState } from '../errors';
import { readRecord } from '../ledger-state';
import { requireUuid } from '../validation';
import { CARE_ACTIVE, CARE_OBJECT_TYPE, CareAssignment } from './care-assignment';

export function careKey(ctx: Context, assignmentId: string): string {
  return ctx.stub.createCompositeKey(CARE_OBJECT_TYPE, [assignmentId]);
}

export function activeCareKey(ctx: Context, patientId: string, doctorId: string): string {
  return ctx.stub.createCompositeKey(CARE_ACTIVE, [patientId, doctorId]);
}

/** The doctor's active care assignment for the patient, or null. One point read and the record. */
export async function activeCareOf(ctx: Context, patientId: string, doctorId: string): Promise<CareAssignment | null> {
  const pointer = await ctx.stub.getState(activeCareKey(ctx, patientId, doctorId));
  if (pointer.length === 0) return null;
  let assignmentId: string;
  try {
    assignmentId = requireUuid(parseJsonObject(pointer, 'active care pointer').assignmentId, 'assignmentId');
  } catch (error) {
    throw corruptState(`active care pointer is invalid (${(error as Error).message})`);
  }
  const assignment = await readRecord(ctx, careKey(ctx, assignmentId), CareAssignment.fromState);
  if (
    assignment === null ||
    assignment.endedAt !== null ||
    assignment.patientId !== patientId ||
    assignment.doctorId !== doctorId
  ) {
    throw corruptState(`active care pointer names assignment ${assignmentId}, which does not match`);
  }
  return assignment;
}
