import type { Context } from 'fabric-contract-api';

/** The committing transaction's timestamp as ISO 8601 UTC: the only clock chaincode may read. */
export function transactionTime(ctx: Context): string {
  return isoTime(ctx.stub.getTxTimestamp());
}

/** A protobuf timestamp (seconds may arrive as a Long) as ISO 8601 UTC, to the millisecond. */
export function isoTime(timestamp: { seconds: number | { toNumber(): number }; nanos: number }): string {
  const seconds = typeof timestamp.seconds === 'number' ? timestamp.seconds : timestamp.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor(timestamp.nanos / 1_000_000)).toISOString();
}

/** Who is calling, read from the client certificate, never from arguments. */
export interface Caller {
  mspId: string;
  /** `ehr.uid` attribute of the enrollment certificate, when the identity carries one. */
  uid: string | null;
  /** `ehr.role` attribute of the enrollment certificate, when the identity carries one. */
  role: string | null;
}

export function callerOf(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  return {
    mspId: identity.getMSPID(),
    uid: identity.getAttributeValue('ehr.uid') ?? null,
    role: identity.getAttributeValue('ehr.role') ?? null,
  };
}
