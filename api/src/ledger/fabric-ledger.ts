import { FabricCareLedger } from './fabric-care-ledger.js';
import { FabricConsentLedger } from './fabric-consent-ledger.js';
import { FabricErasureLedger } from './fabric-erasure-ledger.js';
import { FabricLedgerEvents } from './fabric-ledger-events.js';
import { FabricLedgerInspection } from './fabric-ledger-inspection.js';
import { FabricParticipantsLedger } from './fabric-participants-ledger.js';
import { FabricReportsLedger } from './fabric-reports-ledger.js';
import { FabricSystemLedger } from './fabric-system-ledger.js';
import { DEFAULT_DEADLINES, GatewaySession, type LedgerDeadlines } from './gateway-session.js';
import type { LedgerPort } from './ledger.port.js';
import type { NetworkProfile } from './network-profile.js';
import type { PeerClients } from './peer-clients.js';

/**
 * The LedgerPort over the Fabric Gateway: one small adapter per chaincode contract, all over
 * one shared Gateway session (as the Fabric samples' trader application wraps its contract).
 */
export class FabricLedger implements LedgerPort {
  readonly reports: FabricReportsLedger;
  readonly consent: FabricConsentLedger;
  readonly care: FabricCareLedger;
  readonly erasure: FabricErasureLedger;
  readonly participants: FabricParticipantsLedger;
  readonly system: FabricSystemLedger;
  readonly events: FabricLedgerEvents;
  readonly inspection: FabricLedgerInspection;

  constructor(
    profile: NetworkProfile,
    peers: PeerClients,
    deadlines: LedgerDeadlines = DEFAULT_DEADLINES,
    readinessTimeoutMs = 2000,
  ) {
    const session = new GatewaySession(profile, peers, deadlines);
    this.reports = new FabricReportsLedger(session);
    this.consent = new FabricConsentLedger(session);
    this.care = new FabricCareLedger(session);
    this.erasure = new FabricErasureLedger(session);
    this.participants = new FabricParticipantsLedger(session);
    this.system = new FabricSystemLedger(session, readinessTimeoutMs);
    this.events = new FabricLedgerEvents(session);
    this.inspection = new FabricLedgerInspection(session);
  }
}
