import type { Context } from 'fabric-contract-api';
import { conflict } from '../errors';
import type { Participant } from '../participants/participant';
import { ERASURE_OBJECT_TYPE } from './erasure';

export function erasureKey(ctx: Context, patientId: string): string {
  return ctx.stub.createCompositeKey(ERASURE_OBJECT_TYPE, [patientId]);
}

/**
 * Refuses (CONFLICT) when the patient's content was erased: nothing new may be written
 * under a key that no longer exists. Read from the patient's participant record, which
 * RecordErasure marks, so that the check costs no extra read and a concurrent erasure
 * invalidates the transaction at validation instead of being missed.
 */
export function requireNotErased(patient: Participant, action: string): void {
  if (patient.erasedAt !== undefined) {
    throw conflict(`patient ${patient.uid} was erased: no ${action} may be recorded for them`);
  }
}
