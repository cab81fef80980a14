import type { Context } from 'fabric-contract-api';
import { conflict } from '../errors';
import { exists } from '../ledger-state';
import { ERASURE_OBJECT_TYPE } from './erasure';

export function erasureKey(ctx: Context, patientId: string): string {
  return ctx.stub.createCompositeKey(ERASURE_OBJECT_TYPE, [patientId]);
}

/**
 * Refuses (CONFLICT) when the patient's content was erased: nothing new may be written
 * under a key that no longer exists. One point read, so a concurrent erasure invalidates
 * the transaction at validation instead of being missed.
 */
export async function requireNotErased(ctx: Context, patientId: string, action: string): Promise<void> {
  if (await exists(ctx, erasureKey(ctx, patientId))) {
    throw conflict(`patient ${patientId} was erased: no ${action} may be recorded for them`);
  }
}
