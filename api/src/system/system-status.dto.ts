import { ApiProperty } from '@nestjs/swagger';
import type { SystemStatus } from './system-status.service.js';

export class ApiVersionDto {
  /** The API's version (its package.json). */
  @ApiProperty({ example: '0.1.0' }) version!: string;
}

export class ChaincodeStatusDto {
  @ApiProperty({ example: 'medledger' }) name!: string;
  /** The committed definition's version (`_lifecycle` QueryChaincodeDefinition); null when no peer answered. */
  @ApiProperty({ type: String, nullable: true, example: '3f2a9c1b7d4e' }) version!: string | null;
  /** The committed definition's sequence; null when no peer answered. */
  @ApiProperty({ type: Number, nullable: true, example: 3 }) sequence!: number | null;
}

export class FabricStatusDto {
  /**
   * The Fabric version the peers report on their operations endpoint (several, comma-separated,
   * when they differ); else the release the network was built with; null when neither is known.
   */
  @ApiProperty({ type: String, nullable: true, example: '3.1.1' }) version!: string | null;
}

export class PeerStatusDto {
  @ApiProperty({ example: 'hospital-a' }) hospital!: string;
  @ApiProperty({ example: 'HospitalAMSP' }) mspId!: string;
  @ApiProperty({ example: 'localhost:7051' }) endpoint!: string;
  /** Whether the peer answered a chain-info query within the deadline (about 2 s). */
  @ApiProperty() answering!: boolean;
  /** The channel's height (number of blocks) on this peer; null when it did not answer. */
  @ApiProperty({ type: Number, nullable: true, example: 42 }) blockHeight!: number | null;
}

export class IpfsStatusDto {
  @ApiProperty({ enum: ['kubo', 'helia'] }) kind!: 'kubo' | 'helia';
  @ApiProperty() answering!: boolean;
  /** The node's peer ID; null for the embedded Helia node, which has no networking. */
  @ApiProperty({ type: String, nullable: true }) id!: string | null;
  /** Kubo's version, or the Helia library's. */
  @ApiProperty({ type: String, nullable: true, example: '0.39.0' }) version!: string | null;
  /** Bytes the node's repository takes. */
  @ApiProperty({ type: Number, nullable: true }) repoSizeBytes!: number | null;
}

export class ProjectionStatusDto {
  /** The block of the projection's checkpoint (its last written event); null before its first. */
  @ApiProperty({ type: Number, nullable: true }) checkpointBlock!: number | null;
  /** The channel's height, the highest any answering peer reports; null when none answered. */
  @ApiProperty({ type: Number, nullable: true }) chainHeight!: number | null;
  /**
   * 0 when the projection holds every event of the chaincode below chainHeight (blocks
   * without one, such as configuration blocks, never count as lag); else chainHeight − 1 −
   * checkpointBlock, the blocks after the checkpoint's (every block before the first event).
   * Null when no peer answered.
   */
  @ApiProperty({ type: Number, nullable: true, example: 0 }) lagBlocks!: number | null;
  /**
   * The chaincode's events below chainHeight that the projection has not written yet;
   * null when they could not be counted within the status's deadline (more than 2 000
   * blocks behind, or the peer did not deliver the blocks in time): lagBlocks is then an
   * upper bound.
   */
  @ApiProperty({ type: Number, nullable: true, example: 0 }) lagEvents!: number | null;
}

export class ReconciliationStatusDto {
  @ApiProperty({ format: 'date-time' }) finishedAt!: string;
  @ApiProperty() differences!: number;
  /** No differences. */
  @ApiProperty() ok!: boolean;
}

/** The running system: versions, the channel and each peer, the IPFS node, the projection and its last reconciliation. */
export class SystemStatusDto {
  @ApiProperty({ type: ApiVersionDto }) api!: ApiVersionDto;
  @ApiProperty({ type: ChaincodeStatusDto }) chaincode!: ChaincodeStatusDto;
  @ApiProperty({ type: FabricStatusDto }) fabric!: FabricStatusDto;
  @ApiProperty({ example: 'ehr' }) channel!: string;
  @ApiProperty({ type: [PeerStatusDto] }) peers!: PeerStatusDto[];
  @ApiProperty({ type: IpfsStatusDto }) ipfs!: IpfsStatusDto;
  @ApiProperty({ type: ProjectionStatusDto }) projection!: ProjectionStatusDto;
  /** The last finished `npm run audit:reconcile`; null when none has run. */
  @ApiProperty({ type: ReconciliationStatusDto, nullable: true }) reconciliation!: ReconciliationStatusDto | null;

  static from(status: SystemStatus): SystemStatusDto {
    const number = (value: bigint | null) => (value === null ? null : Number(value));
    return {
      api: { version: status.api.version },
      chaincode: { ...status.chaincode },
      fabric: { ...status.fabric },
      channel: status.channel,
      peers: status.peers.map((peer) => ({ ...peer, blockHeight: number(peer.blockHeight) })),
      ipfs: { ...status.ipfs },
      projection: {
        checkpointBlock: number(status.projection.checkpointBlock),
        chainHeight: number(status.projection.chainHeight),
        lagBlocks: number(status.projection.lagBlocks),
        lagEvents: status.projection.lagEvents,
      },
      reconciliation: status.reconciliation && {
        finishedAt: status.reconciliation.finishedAt.toISOString(),
        differences: status.reconciliation.differences,
        ok: status.reconciliation.ok,
      },
    };
  }
}
