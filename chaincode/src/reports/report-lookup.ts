import type { Context } from 'fabric-contract-api';
import { reportNotOfPatient } from '../errors';
import { readRecord } from '../ledger-state';
import { REFUSAL_OBJECT_TYPE } from './access-refusal';
import { RECEIPT_OBJECT_TYPE } from './access-receipt';
import { Report, REPORT_OBJECT_TYPE } from './report';

export function reportKey(ctx: Context, reportId: string): string {
  return ctx.stub.createCompositeKey(REPORT_OBJECT_TYPE, [reportId]);
}

export function receiptKey(ctx: Context, txId: string): string {
  return ctx.stub.createCompositeKey(RECEIPT_OBJECT_TYPE, [txId]);
}

export function refusalKey(ctx: Context, txId: string): string {
  return ctx.stub.createCompositeKey(REFUSAL_OBJECT_TYPE, [txId]);
}

/** Checks that every listed report exists and is the patient's (a grant's scope names nothing else). */
export async function requireReportsOfPatient(
  ctx: Context,
  patientId: string,
  reportIds: string[] | null,
): Promise<void> {
  for (const reportId of reportIds ?? []) {
    const report = await readRecord(ctx, reportKey(ctx, reportId), Report.fromState);
    if (report === null || report.patientId !== patientId) {
      throw reportNotOfPatient(`report ${reportId} is not a report of patient ${patientId}`);
    }
  }
}
