import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { ChannelMembershipAdmin } from './channel-config-admin.js';
import { FabricLedger } from './fabric-ledger.js';
import { LEDGER } from './ledger.port.js';
import { NETWORK_PROFILE, type NetworkProfile, readNetworkProfile } from './network-profile.js';
import { PeerClients } from './peer-clients.js';

/** The ledger port over the Fabric network described by the connection profile. */
@Module({
  providers: [
    {
      provide: NETWORK_PROFILE,
      inject: [AppConfig],
      useFactory: (config: AppConfig): NetworkProfile => readNetworkProfile(config.FABRIC_NETWORK_PROFILE),
    },
    {
      provide: PeerClients,
      inject: [NETWORK_PROFILE],
      useFactory: (profile: NetworkProfile) => new PeerClients(profile.hospitals),
    },
    {
      provide: ChannelMembershipAdmin,
      inject: [NETWORK_PROFILE],
      useFactory: (profile: NetworkProfile) => new ChannelMembershipAdmin(profile),
    },
    {
      provide: LEDGER,
      inject: [AppConfig, NETWORK_PROFILE, PeerClients],
      useFactory: (config: AppConfig, profile: NetworkProfile, peers: PeerClients) =>
        new FabricLedger(profile, peers, undefined, config.READINESS_TIMEOUT_MS),
    },
  ],
  exports: [LEDGER, NETWORK_PROFILE, ChannelMembershipAdmin],
})
export class LedgerModule implements OnApplicationShutdown {
  constructor(
    @Inject(PeerClients) private readonly peers: PeerClients,
    @Inject(ChannelMembershipAdmin) private readonly channelAdmin: ChannelMembershipAdmin,
  ) {}

  onApplicationShutdown(): void {
    this.peers.close();
    this.channelAdmin.close();
  }
}
