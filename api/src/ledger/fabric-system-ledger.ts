import type { GatewaySession } from './gateway-session.js';
import { LedgerUnavailableError } from './ledger.errors.js';
import { parsePingAnswer, parseProbeRecord } from './ledger-records.js';
import type { Committed, LedgerIdentity, PingAnswer, ProbeRecord, SystemLedger } from './ledger.port.js';
import { readServiceIdentity } from './service-identity.js';

const CONTRACT = 'system';

/** The `system` contract and the channel's own queries over the shared Gateway session. */
export class FabricSystemLedger implements SystemLedger {
  /** The API's own identity at its first hospital, read once, for readiness checks and the chain's height. */
  private serviceIdentity?: LedgerIdentity;

  constructor(
    private readonly session: GatewaySession,
    private readonly readinessTimeoutMs = 2000,
  ) {}

  ping(actor: LedgerIdentity): Promise<Committed<PingAnswer>> {
    return this.session.submit(actor, CONTRACT, 'Ping', [], parsePingAnswer);
  }

  recordProbe(actor: LedgerIdentity, probeId: string): Promise<Committed<ProbeRecord>> {
    return this.session.submit(actor, CONTRACT, 'RecordProbe', [probeId], parseProbeRecord);
  }

  readProbe(actor: LedgerIdentity, probeId: string): Promise<ProbeRecord> {
    return this.session.evaluate(actor, CONTRACT, 'ReadProbe', [probeId], parseProbeRecord);
  }

  blockOfTransaction(actor: LedgerIdentity, transactionId: string): Promise<bigint> {
    return this.session.blockOfTransaction(actor, transactionId);
  }

  chainHeight(): Promise<bigint> {
    return this.session.chainHeight(this.ownIdentity());
  }

  async checkReady(): Promise<void> {
    const unreachable = await this.session.unreachablePeers(this.readinessTimeoutMs);
    if (unreachable.length > 0) {
      throw new LedgerUnavailableError(
        `peer unreachable: ${unreachable.map((hospital) => `peer of ${hospital}`).join(', ')}`,
      );
    }
    // Every peer answers: check that the chaincode answers too, as the API's own identity.
    await this.session.evaluate(this.ownIdentity(), CONTRACT, 'Ping', [], parsePingAnswer);
  }

  private ownIdentity(): LedgerIdentity {
    this.serviceIdentity ??= readServiceIdentity(this.session.profile.hospitals[0]);
    return this.serviceIdentity;
  }
}
