import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalBytes, canonicalJson, parseJsonObject } from '../canonical-json';
import { notFound } from '../errors';
import { emitEvent, readHistory } from '../ledger-state';
import { refuseServiceIdentity } from '../participants/participant-lookup';
import { callerOf, transactionTime } from '../transaction-context';
import { requireUuid } from '../validation';
import { PROBE_OBJECT_TYPE, Probe } from './probe';

/**
 * Network self-checks: a transaction that changes nothing (the baseline every benchmark
 * compares against) and a probe record whose history shows the ledger keeping every version.
 */
@Info({ title: 'SystemContract', description: 'Liveness and history checks of the MedLedger channel' })
export class SystemContract extends LedgerContract {
  constructor() {
    super('system');
  }

  /**
   * Changes nothing and answers who called and when: the cheapest transaction the chaincode
   * can endorse and commit, and a check that certificate attributes reach the contract.
   */
  @Transaction()
  @Returns('string')
  async Ping(ctx: Context): Promise<string> {
    return canonicalJson({ ...callerOf(ctx), time: transactionTime(ctx), txId: ctx.stub.getTxID() });
  }

  /**
   * Writes the next revision of a probe as the calling member: any identity of the
   * channel's members but the API's service identity, which writes nothing. Emits
   * `ProbeRecorded`.
   */
  @Transaction()
  @Returns('string')
  async RecordProbe(ctx: Context, probeId: string): Promise<string> {
    refuseServiceIdentity(ctx, 'record probes');
    const key = probeKey(ctx, requireUuid(probeId, 'probeId'));
    const stored = await ctx.stub.getState(key);
    const previous = stored.length > 0 ? Probe.fromState(stored) : null;
    const probe = Probe.create({
      probeId,
      revision: (previous?.revision ?? 0) + 1,
      writerMspId: callerOf(ctx).mspId,
      recordedAt: transactionTime(ctx),
      txId: ctx.stub.getTxID(),
    });
    await ctx.stub.putState(key, canonicalBytes(probe));
    emitEvent(ctx, 'ProbeRecorded', { probeId, revision: probe.revision }, { probe });
    return canonicalJson(probe);
  }

  /** The current revision of a probe. */
  @Transaction(false)
  @Returns('string')
  async ReadProbe(ctx: Context, probeId: string): Promise<string> {
    const stored = await ctx.stub.getState(probeKey(ctx, requireUuid(probeId, 'probeId')));
    if (stored.length === 0) throw notFound(`probe ${probeId} does not exist`);
    return canonicalJson(Probe.fromState(stored));
  }

  /** Every committed version of a probe's key, oldest first, with transaction ids and times. */
  @Transaction(false)
  @Returns('string')
  async GetProbeHistory(ctx: Context, probeId: string): Promise<string> {
    const history = await readHistory(ctx, probeKey(ctx, requireUuid(probeId, 'probeId')), (value, txId) =>
      parseJsonObject(value, `probe ${probeId} at ${txId}`),
    );
    if (history.length === 0) throw notFound(`probe ${probeId} has no history`);
    return canonicalJson(history);
  }
}

function probeKey(ctx: Context, probeId: string): string {
  return ctx.stub.createCompositeKey(PROBE_OBJECT_TYPE, [probeId]);
}
