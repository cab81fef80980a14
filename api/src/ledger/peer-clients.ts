import * as grpc from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import type { HospitalNetwork } from './network-profile.js';

/**
 * One long-lived gRPC client per peer, shared by every user's Gateway connection, as the
 * Fabric Gateway client is meant to be used. Closed once, on shutdown.
 */
export class PeerClients {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(hospitals: HospitalNetwork[]) {
    for (const { hospital, peer } of hospitals) {
      const credentials = grpc.credentials.createSsl(readFileSync(peer.tlsRootCert));
      this.clients.set(
        hospital,
        new grpc.Client(peer.endpoint, credentials, {
          'grpc.ssl_target_name_override': peer.hostAlias,
          // Reconnect quickly after a peer restarts, instead of grpc's 2-minute backoff ceiling.
          'grpc.max_reconnect_backoff_ms': 5000,
          'grpc.keepalive_time_ms': 60000,
        }),
      );
    }
  }

  forHospital(hospital: string): grpc.Client {
    const client = this.clients.get(hospital);
    if (!client) throw new Error(`no peer is configured for hospital ${hospital}`);
    return client;
  }

  /** Hospitals whose peer cannot be connected to within the deadline. */
  async unreachable(deadlineMs: number): Promise<string[]> {
    const checks = [...this.clients].map(
      ([hospital, client]) =>
        new Promise<string | null>((resolve) => {
          client.waitForReady(Date.now() + deadlineMs, (error) => resolve(error ? hospital : null));
        }),
    );
    return (await Promise.all(checks)).filter((hospital): hospital is string => hospital !== null);
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
