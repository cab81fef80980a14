import type { GatewaySession } from './gateway-session.js';
import type { LedgerCheckpoint, LedgerEvent, LedgerEvents } from './ledger.port.js';
import { readServiceIdentity } from './service-identity.js';

/** The chaincode's events over the shared Gateway session, read as the API's own identity. */
export class FabricLedgerEvents implements LedgerEvents {
  constructor(private readonly session: GatewaySession) {}

  follow(
    checkpoint: LedgerCheckpoint | null,
    handle: (events: LedgerEvent[]) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const reader = readServiceIdentity(this.session.profile.hospitals[0]);
    return this.session.followChaincodeEvents(reader, checkpoint, handle, signal);
  }
}
