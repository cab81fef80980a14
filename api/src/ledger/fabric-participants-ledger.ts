import type { GatewaySession } from './gateway-session.js';
import { parseParticipant } from './ledger-records.js';
import type { Committed, LedgerIdentity, ParticipantRecord, ParticipantsLedger } from './ledger.port.js';

/** The `participants` contract over the shared Gateway session. */
export class FabricParticipantsLedger implements ParticipantsLedger {
  constructor(private readonly session: GatewaySession) {}

  registerSelf(actor: LedgerIdentity): Promise<Committed<ParticipantRecord>> {
    return this.session.submit(actor, 'participants', 'RegisterSelf', [], parseParticipant);
  }
}
