import type { GatewaySession } from './gateway-session.js';
import { parseErasure } from './ledger-records.js';
import type { Committed, ErasureLedger, ErasureRecord, LedgerIdentity } from './ledger.port.js';

const CONTRACT = 'erasure';

/** The `erasure` contract over the shared Gateway session. */
export class FabricErasureLedger implements ErasureLedger {
  constructor(private readonly session: GatewaySession) {}

  record(actor: LedgerIdentity, patientId: string): Promise<Committed<ErasureRecord>> {
    return this.session.submit(actor, CONTRACT, 'RecordErasure', [patientId], parseErasure);
  }

  get(actor: LedgerIdentity, patientId: string): Promise<ErasureRecord> {
    return this.session.evaluate(actor, CONTRACT, 'GetErasure', [patientId], parseErasure);
  }
}
