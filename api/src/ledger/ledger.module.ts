import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { FabricLedger } from './fabric-ledger.js';
import { LEDGER } from './ledger.port.js';
import { readNetworkProfile } from './network-profile.js';
import { PeerClients } from './peer-clients.js';

/** The ledger port over the Fabric network described by the connection profile. */
@Module({
  providers: [
    {
      provide: PeerClients,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => new PeerClients(readNetworkProfile(config.FABRIC_NETWORK_PROFILE).hospitals),
    },
    {
      provide: LEDGER,
      inject: [AppConfig, PeerClients],
      useFactory: (config: AppConfig, peers: PeerClients) =>
        new FabricLedger(
          readNetworkProfile(config.FABRIC_NETWORK_PROFILE),
          peers,
          undefined,
          config.READINESS_TIMEOUT_MS,
        ),
    },
  ],
  exports: [LEDGER],
})
export class LedgerModule implements OnApplicationShutdown {
  constructor(@Inject(PeerClients) private readonly peers: PeerClients) {}

  onApplicationShutdown(): void {
    this.peers.close();
  }
}
