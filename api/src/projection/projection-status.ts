import { Inject, Injectable } from '@nestjs/common';
import { LedgerCheckpointRepository } from '../ledger-events/ledger-checkpoint.repository.js';
import { NETWORK_PROFILE, type NetworkProfile } from '../ledger/network-profile.js';
import { PROJECTION_READER } from './ledger-projection.js';

/** How far the ledger projection has come, for the system status. */
@Injectable()
export class ProjectionStatus {
  constructor(
    private readonly checkpoints: LedgerCheckpointRepository,
    @Inject(NETWORK_PROFILE) private readonly network: NetworkProfile,
  ) {}

  /**
   * The block of the last event the projection has written (every event before it is
   * written too; some of the block's later ones may not be yet); null before its first
   * batch.
   */
  async checkpointBlock(): Promise<bigint | null> {
    const checkpoint = await this.checkpoints.read({
      reader: PROJECTION_READER,
      channel: this.network.channel,
      chaincode: this.network.chaincode,
    });
    return checkpoint?.blockNumber ?? null;
  }
}
