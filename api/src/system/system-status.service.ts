import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { type ChaincodeDefinition, type InspectedNetwork, LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { type ProjectionLag, ProjectionStatus } from '../projection/projection-status.js';
import { ReconciliationRepository } from '../reconciliation/reconciliation.repository.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { API_VERSION } from './api-version.js';

export interface PeerStatus {
  hospital: string;
  mspId: string;
  endpoint: string;
  /** Whether the peer answered the chain-info query within the deadline. */
  answering: boolean;
  blockHeight: bigint | null;
}

/** The running system as the status page shows it; each figure null when what holds it did not answer. */
export interface SystemStatus {
  api: { version: string };
  chaincode: { name: string; version: string | null; sequence: number | null };
  fabric: { version: string | null };
  channel: string;
  peers: PeerStatus[];
  ipfs: {
    kind: 'kubo' | 'helia';
    answering: boolean;
    id: string | null;
    version: string | null;
    repoSizeBytes: number | null;
  };
  projection: ProjectionLag;
  reconciliation: { finishedAt: Date; differences: number; ok: boolean } | null;
}

interface PeerProbe extends PeerStatus {
  fabricVersion: string | null;
  definition: ChaincodeDefinition | null;
}

/**
 * Gathers the system's status from its components, each asked at once and within the
 * readiness deadline: a peer, or the IPFS node, that does not answer in time is reported
 * as not answering, and the status is still given. The database is asked too (the
 * projection's checkpoint, the last reconciliation); it answers every request anyway.
 * Once the peers told the chain's height, the events the projection has still to write
 * below it are counted (within the deadline again; see ProjectionStatus).
 */
@Injectable()
export class SystemStatusService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly contentStore: ContentStore,
    private readonly projection: ProjectionStatus,
    private readonly reconciliations: ReconciliationRepository,
    private readonly config: AppConfig,
  ) {}

  async status(): Promise<SystemStatus> {
    const deadlineMs = this.config.READINESS_TIMEOUT_MS;
    const network = this.ledger.inspection.network();
    const probes = Promise.all(network.peers.map((peer) => this.probePeer(peer, deadlineMs)));
    const projection = probes.then((peers) => {
      const heights = peers.flatMap((peer) => (peer.blockHeight === null ? [] : [peer.blockHeight]));
      const chainHeight = heights.length > 0 ? heights.reduce((a, b) => (a > b ? a : b)) : null;
      return this.projection.lag(chainHeight, deadlineMs);
    });
    const [peers, ipfs, lag, last] = await Promise.all([
      probes,
      this.probeContentStore(deadlineMs),
      projection,
      this.reconciliations.last(),
    ]);

    // The newest definition any peer knows (a peer may not have committed an upgrade yet).
    const definition = peers
      .flatMap((peer) => (peer.definition ? [peer.definition] : []))
      .reduce<ChaincodeDefinition | null>((a, b) => (a === null || b.sequence > a.sequence ? b : a), null);
    const fabricVersions = [...new Set(peers.flatMap((peer) => (peer.fabricVersion ? [peer.fabricVersion] : [])))];

    return {
      api: { version: API_VERSION },
      chaincode: {
        name: network.chaincode,
        version: definition?.version ?? null,
        sequence: definition?.sequence ?? null,
      },
      fabric: { version: fabricVersions.length > 0 ? fabricVersions.sort().join(', ') : network.fabricVersion },
      channel: network.channel,
      peers: peers.map(({ hospital, mspId, endpoint, answering, blockHeight }) => ({
        hospital,
        mspId,
        endpoint,
        answering,
        blockHeight,
      })),
      ipfs,
      projection: lag,
      reconciliation: last && {
        finishedAt: last.finishedAt,
        differences: last.differences,
        ok: last.differences === 0,
      },
    };
  }

  /** A peer's height (whether it answers), its Fabric version and the chaincode definition it knows, at once. */
  private async probePeer(peer: InspectedNetwork['peers'][number], deadlineMs: number): Promise<PeerProbe> {
    const { inspection } = this.ledger;
    const [height, version, definition] = await Promise.allSettled([
      within(inspection.chainHeightAt(peer.hospital, deadlineMs), deadlineMs),
      within(inspection.peerVersionAt(peer.hospital, deadlineMs), deadlineMs),
      within(inspection.chaincodeDefinitionAt(peer.hospital, deadlineMs), deadlineMs),
    ]);
    return {
      ...peer,
      answering: height.status === 'fulfilled',
      blockHeight: height.status === 'fulfilled' ? height.value : null,
      fabricVersion: version.status === 'fulfilled' ? version.value : null,
      definition: definition.status === 'fulfilled' ? definition.value : null,
    };
  }

  private async probeContentStore(deadlineMs: number): Promise<SystemStatus['ipfs']> {
    const kind = this.contentStore.kind;
    try {
      const status = await within(this.contentStore.status({ signal: AbortSignal.timeout(deadlineMs) }), deadlineMs);
      return { kind, answering: true, ...status };
    } catch {
      return { kind, answering: false, id: null, version: null, repoSizeBytes: null };
    }
  }
}

/** `work`, or a rejection once `ms` have passed without its answer (whatever the component's own deadline does). */
function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
