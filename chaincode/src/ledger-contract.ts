import { Context, Contract } from 'fabric-contract-api';
import { StateBatch } from './peer-batching';

/**
 * The base of every MedLedger contract: each transaction's writes reach the peer in one
 * message when it ends (see StateBatch), and reads a transaction fetched ahead are
 * answered without a round trip. A failed transaction sends nothing; its writes would be
 * discarded anyway.
 */
export abstract class LedgerContract extends Contract {
  override async aroundTransaction(
    ctx: Context,
    fn: Parameters<Contract['aroundTransaction']>[1],
    parameters: unknown,
  ): Promise<void> {
    const batch = StateBatch.begin(ctx);
    const result = await super.aroundTransaction(ctx, fn, parameters);
    await batch.finish();
    return result;
  }
}
