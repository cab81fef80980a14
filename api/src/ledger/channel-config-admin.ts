import * as grpc from '@grpc/grpc-js';
import protos from '@hyperledger/fabric-protos';
import type { common as Common, msp as Msp } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';
import { createHash, createPrivateKey, type KeyObject, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { signLowS } from '../crypto/ecdsa.js';
import { LedgerUnavailableError } from './ledger.errors.js';
import type { HospitalNetwork, NetworkProfile } from './network-profile.js';
import { readMspFolder } from './service-identity.js';

const { common, msp, orderer, peer } = protos;

/** google.protobuf.Timestamp, from the google-protobuf runtime that @hyperledger/fabric-protos itself loads. */
const { Timestamp } = createRequire(createRequire(import.meta.url).resolve('@hyperledger/fabric-protos'))(
  'google-protobuf/google/protobuf/timestamp_pb.js',
) as {
  Timestamp: { fromDate(date: Date): Parameters<Common.ChannelHeader['setTimestamp']>[0] };
};

/** The orderer refused a channel configuration update or a block request. */
export class ChannelConfigRejectedError extends Error {
  constructor(
    /** The orderer's `common.Status` name, e.g. `BAD_REQUEST` or `FORBIDDEN`. */
    readonly ordererStatus: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Deadlines of each step, in milliseconds. */
export interface ChannelAdminDeadlines {
  /** One exchange with the orderer: reading a block, broadcasting the update. */
  requestMs: number;
  /** From the orderer's acceptance until the hospital's peer has committed the new config block. */
  commitMs: number;
}

const DEFAULT_DEADLINES: ChannelAdminDeadlines = { requestMs: 10_000, commitMs: 30_000 };

/** Attempts when another update of the same configuration wins the race (stale read set). */
const MAX_ATTEMPTS = 3;

interface AdminSigner {
  mspId: string;
  /** Serialized `msp.SerializedIdentity` of the admin's certificate. */
  creator: Uint8Array;
  key: KeyObject;
}

interface ChannelConfig {
  config: Common.Config;
  /** Number of the block that carries this configuration. */
  configBlock: number;
  /** Number of the newest block of the channel when it was read. */
  newestBlock: number;
}

/** Subset of `orderer.DeliverResponse` and `peer.DeliverResponse` that both share. */
interface DeliverResponse {
  getBlock(): Common.Block | undefined;
  getStatus(): number;
  hasBlock(): boolean;
}

/**
 * Membership administration of a hospital in the channel configuration, signed by that
 * hospital's admin: publishes its CA's certificate revocation list (CRL) into the
 * hospital's MSP definition (`/Channel/Application/<MSPID>/MSP`, `revocation_list`), so
 * that the peers and the orderer themselves refuse a revoked certificate.
 *
 * An update is a `ConfigUpdate` (read set: the Application group, the organization's group
 * and its MSP value at their current versions; write set: the MSP value with the CRL, at
 * version + 1), in a `ConfigUpdateEnvelope` with the admin's `ConfigSignature` (satisfying
 * the org's `Admins` policy, the MSP value's `mod_policy`), in a CONFIG_UPDATE `Envelope`
 * also signed by the admin and sent to the orderer's Broadcast service. The call returns
 * once the hospital's peer has committed the resulting config block.
 *
 * gRPC clients are opened on first use and kept; `close()` them on shutdown.
 */
export class ChannelMembershipAdmin {
  private ordererClient?: InstanceType<typeof orderer.AtomicBroadcastClient>;
  private readonly peerClients = new Map<string, InstanceType<typeof peer.DeliverClient>>();
  /** Updates of one process are serialized per hospital (they would conflict on the MSP value's version). */
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly deadlines: ChannelAdminDeadlines;

  constructor(
    private readonly profile: NetworkProfile,
    deadlines: Partial<ChannelAdminDeadlines> = {},
  ) {
    this.deadlines = { ...DEFAULT_DEADLINES, ...deadlines };
  }

  /**
   * Adds `crlPem` (a CRL of the hospital's CA, as Fabric CA returns it on revocation) to
   * the hospital's MSP definition in the channel configuration and waits until the
   * hospital's peer has committed it. Does nothing when the channel's CRLs already revoke
   * every certificate that `crlPem` revokes. An older CRL of the same issuer whose
   * revocations are all in `crlPem` is replaced (a CA's CRL is cumulative); other CRLs stay.
   */
  publishRevocationList(hospital: string, crlPem: string): Promise<void> {
    const network = this.hospital(hospital);
    const crl = parseCrl(crlPem);
    const previous = this.queues.get(hospital) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.publishNow(network, crlPem, crl));
    this.queues.set(hospital, next);
    return next;
  }

  /** The CRLs (PEM) of the hospital's MSP in the latest channel configuration, and the block that carries it. */
  async revocationLists(hospital: string): Promise<{ configBlock: number; crls: string[] }> {
    const network = this.hospital(hospital);
    const signer = this.signer(network);
    const { config, configBlock } = await this.readChannelConfig(signer);
    const crls = readFabricMspConfig(config, network.mspId)
      .fabric.getRevocationListList_asU8()
      .map((bytes) => Buffer.from(bytes).toString('utf8'));
    return { configBlock, crls };
  }

  close(): void {
    this.ordererClient?.close();
    this.ordererClient = undefined;
    for (const client of this.peerClients.values()) client.close();
    this.peerClients.clear();
  }

  private async publishNow(network: HospitalNetwork, crlPem: string, crl: x509.X509Crl): Promise<void> {
    const signer = this.signer(network);
    for (let attempt = 1; ; attempt++) {
      const current = await this.readChannelConfig(signer);
      const { fabric } = readFabricMspConfig(current.config, network.mspId);
      const revocationList = mergeRevocationList(fabric.getRevocationListList_asU8(), crlPem, crl);
      if (!revocationList) return;

      const update = buildConfigUpdate(this.profile.channel, current.config, network.mspId, revocationList);
      try {
        await this.broadcast(this.configUpdateEnvelope(update, signer));
      } catch (error) {
        // Another update of this MSP value was ordered since we read it: read again and redo.
        if (error instanceof ChannelConfigRejectedError && /ReadSet|read set/i.test(error.message)) {
          if (attempt < MAX_ATTEMPTS) continue;
        }
        throw error;
      }
      await this.waitForCommit(network, signer, current.newestBlock + 1, (config) => {
        const committed = readFabricMspConfig(config, network.mspId).fabric.getRevocationListList_asU8();
        return committed.some((bytes) => Buffer.from(bytes).equals(Buffer.from(crlPem)));
      });
      return;
    }
  }

  private hospital(hospital: string): HospitalNetwork {
    const network = this.profile.hospitals.find((candidate) => candidate.hospital === hospital);
    if (!network) throw new Error(`hospital ${hospital} is not in the Fabric network profile`);
    return network;
  }

  private signer(network: HospitalNetwork): AdminSigner {
    if (!network.adminMsp)
      throw new LedgerUnavailableError(`the Fabric network profile names no admin MSP for ${network.hospital}`);
    let admin: { certificatePem: string; privateKeyPem: string };
    try {
      admin = readMspFolder(network.adminMsp);
    } catch (error) {
      throw new LedgerUnavailableError(`cannot read the admin MSP of ${network.hospital}`, { cause: error });
    }
    const identity = new msp.SerializedIdentity();
    identity.setMspid(network.mspId);
    identity.setIdBytes(Buffer.from(admin.certificatePem));
    return { mspId: network.mspId, creator: identity.serializeBinary(), key: createPrivateKey(admin.privateKeyPem) };
  }

  // ---- envelopes -------------------------------------------------------------------------

  private configUpdateEnvelope(update: Common.ConfigUpdate, signer: AdminSigner): Common.Envelope {
    const updateBytes = update.serializeBinary();
    const { signatureHeader } = newSignatureHeader(signer);
    const signature = new common.ConfigSignature();
    signature.setSignatureHeader(signatureHeader);
    signature.setSignature(signLowS(Buffer.concat([signatureHeader, updateBytes]), signer.key));
    const updateEnvelope = new common.ConfigUpdateEnvelope();
    updateEnvelope.setConfigUpdate(updateBytes);
    updateEnvelope.setSignaturesList([signature]);
    return signedEnvelope(
      common.HeaderType.CONFIG_UPDATE,
      this.profile.channel,
      updateEnvelope.serializeBinary(),
      signer,
    );
  }

  private seekEnvelope(signer: AdminSigner, start: number | 'newest', stop: number | 'newest'): Common.Envelope {
    const position = (at: number | 'newest') => {
      const seek = new orderer.SeekPosition();
      if (at === 'newest') seek.setNewest(new orderer.SeekNewest());
      else {
        const specified = new orderer.SeekSpecified();
        specified.setNumber(at);
        seek.setSpecified(specified);
      }
      return seek;
    };
    const seekInfo = new orderer.SeekInfo();
    seekInfo.setStart(position(start));
    seekInfo.setStop(position(stop));
    seekInfo.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
    return signedEnvelope(
      common.HeaderType.DELIVER_SEEK_INFO,
      this.profile.channel,
      seekInfo.serializeBinary(),
      signer,
    );
  }

  // ---- orderer ---------------------------------------------------------------------------

  private orderer(): InstanceType<typeof orderer.AtomicBroadcastClient> {
    if (this.ordererClient) return this.ordererClient;
    const profile = this.profile.orderer;
    if (!profile) throw new LedgerUnavailableError('the Fabric network profile names no orderer');
    this.ordererClient = new orderer.AtomicBroadcastClient(
      profile.endpoint,
      grpc.credentials.createSsl(readFileSync(profile.tlsRootCert)),
      { 'grpc.max_receive_message_length': 100 * 1024 * 1024 },
    );
    return this.ordererClient;
  }

  /** The latest configuration of the channel, read from the orderer. */
  private async readChannelConfig(signer: AdminSigner): Promise<ChannelConfig> {
    const endpoint = `the orderer ${this.profile.orderer?.endpoint}`;
    const newest = await this.deliverBlocks(
      endpoint,
      (options) => this.orderer().deliver(options),
      this.seekEnvelope(signer, 'newest', 'newest'),
      this.deadlines.requestMs,
      () => true,
    );
    const newestBlock = blockNumber(newest);
    const configBlock = lastConfigIndex(newest);
    const block =
      configBlock === newestBlock
        ? newest
        : await this.deliverBlocks(
            endpoint,
            (options) => this.orderer().deliver(options),
            this.seekEnvelope(signer, configBlock, configBlock),
            this.deadlines.requestMs,
            () => true,
          );
    const config = configOf(block);
    if (!config) throw new Error(`block ${configBlock} of channel ${this.profile.channel} is not a config block`);
    return { config, configBlock, newestBlock };
  }

  /** Sends one envelope to the orderer's Broadcast service and checks its answer. */
  private broadcast(envelope: Common.Envelope): Promise<void> {
    const endpoint = `the orderer ${this.profile.orderer?.endpoint}`;
    return new Promise((resolve, reject) => {
      const call = this.orderer().broadcast({ deadline: Date.now() + this.deadlines.requestMs });
      let answered = false;
      call.on('data', (response: InstanceType<typeof orderer.BroadcastResponse>) => {
        answered = true;
        call.end();
        const status = response.getStatus();
        if (status === common.Status.SUCCESS) resolve();
        else if (status === common.Status.SERVICE_UNAVAILABLE)
          reject(new LedgerUnavailableError(`${endpoint} cannot order now: ${response.getInfo()}`));
        else
          reject(
            new ChannelConfigRejectedError(
              statusName(status),
              `${endpoint} rejected the channel configuration update with ${statusName(status)}: ${response.getInfo()}`,
            ),
          );
      });
      call.on('error', (error: grpc.ServiceError) => {
        if (!answered) reject(unavailable(endpoint, error));
      });
      call.on('end', () => {
        if (!answered) reject(new LedgerUnavailableError(`${endpoint} closed the broadcast stream without an answer`));
      });
      call.write(envelope);
    });
  }

  // ---- peer ------------------------------------------------------------------------------

  private peer(network: HospitalNetwork): InstanceType<typeof peer.DeliverClient> {
    let client = this.peerClients.get(network.hospital);
    if (!client) {
      client = new peer.DeliverClient(
        network.peer.endpoint,
        grpc.credentials.createSsl(readFileSync(network.peer.tlsRootCert)),
        {
          'grpc.ssl_target_name_override': network.peer.hostAlias,
          'grpc.max_receive_message_length': 100 * 1024 * 1024,
        },
      );
      this.peerClients.set(network.hospital, client);
    }
    return client;
  }

  /**
   * Follows the blocks that the hospital's peer commits from `fromBlock` on until a config
   * block satisfies `committed`, within the commit deadline.
   */
  private async waitForCommit(
    network: HospitalNetwork,
    signer: AdminSigner,
    fromBlock: number,
    committed: (config: Common.Config) => boolean,
  ): Promise<void> {
    const endpoint = `the peer ${network.peer.endpoint} of ${network.hospital}`;
    await this.deliverBlocks(
      endpoint,
      (options) => this.peer(network).deliver(options),
      this.seekEnvelope(signer, fromBlock, Number.MAX_SAFE_INTEGER),
      this.deadlines.commitMs,
      (block) => {
        const config = configOf(block);
        return config !== undefined && committed(config);
      },
    ).catch((error: unknown) => {
      if (error instanceof LedgerUnavailableError && /deadline/i.test(error.message))
        throw new LedgerUnavailableError(
          `the orderer accepted the configuration update but ${endpoint} did not commit it within ${this.deadlines.commitMs} ms`,
          { cause: error },
        );
      throw error;
    });
  }

  // ---- deliver ---------------------------------------------------------------------------

  /**
   * Runs one Deliver stream (orderer or peer) until `last(block)` holds for a received
   * block, and returns that block. Fails when the service ends the stream first, refuses
   * the request, or the deadline passes.
   */
  private deliverBlocks(
    endpoint: string,
    open: (options: grpc.CallOptions) => grpc.ClientDuplexStream<Common.Envelope, DeliverResponse>,
    seek: Common.Envelope,
    deadlineMs: number,
    last: (block: Common.Block) => boolean,
  ): Promise<Common.Block> {
    return new Promise((resolve, reject) => {
      let call: grpc.ClientDuplexStream<Common.Envelope, DeliverResponse>;
      try {
        call = open({ deadline: Date.now() + deadlineMs });
      } catch (error) {
        reject(error);
        return;
      }
      let settled = false;
      const ended = () => new LedgerUnavailableError(`${endpoint} ended the block stream before the expected block`);
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        outcome();
        call.cancel();
      };
      call.on('data', (response: DeliverResponse) => {
        const block = response.hasBlock() ? response.getBlock() : undefined;
        if (block) {
          let done: boolean;
          try {
            done = last(block);
          } catch (error) {
            settle(() => reject(error));
            return;
          }
          if (done) settle(() => resolve(block));
          return;
        }
        const status = response.getStatus();
        if (status === common.Status.SUCCESS) settle(() => reject(ended()));
        else if (status === common.Status.SERVICE_UNAVAILABLE || status === common.Status.NOT_FOUND)
          settle(() => reject(new LedgerUnavailableError(`${endpoint} cannot deliver blocks: ${statusName(status)}`)));
        else
          settle(() =>
            reject(
              new ChannelConfigRejectedError(
                statusName(status),
                `${endpoint} refused to deliver blocks: ${statusName(status)}`,
              ),
            ),
          );
      });
      call.on('error', (error: grpc.ServiceError) => settle(() => reject(unavailable(endpoint, error))));
      call.on('end', () => settle(() => reject(ended())));
      call.write(seek);
    });
  }
}

// ---- configuration -----------------------------------------------------------------------

/** The organization's group, MSP value and FabricMSPConfig in `/Channel/Application/<mspId>`. */
function readFabricMspConfig(
  config: Common.Config,
  mspId: string,
): {
  application: Common.ConfigGroup;
  organization: Common.ConfigGroup;
  value: Common.ConfigValue;
  fabric: Msp.FabricMSPConfig;
} {
  const application = config.getChannelGroup()?.getGroupsMap().get('Application') as Common.ConfigGroup | undefined;
  const organization = application?.getGroupsMap().get(mspId) as Common.ConfigGroup | undefined;
  const value = organization?.getValuesMap().get('MSP') as Common.ConfigValue | undefined;
  if (!application || !organization || !value)
    throw new Error(`the channel configuration has no /Channel/Application/${mspId}/MSP`);
  const mspConfig = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  if (mspConfig.getType() !== 0) throw new Error(`the MSP of ${mspId} is not a Fabric (X.509) MSP`);
  return {
    application,
    organization,
    value,
    fabric: msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8()),
  };
}

/**
 * The update that replaces the organization's revocation list: read set and write set name
 * the same path (Channel → Application → org → MSP) at the current versions, except the
 * MSP value, written at version + 1 under its current mod_policy.
 */
function buildConfigUpdate(
  channel: string,
  config: Common.Config,
  mspId: string,
  revocationList: Uint8Array[],
): Common.ConfigUpdate {
  const channelGroup = config.getChannelGroup();
  if (!channelGroup) throw new Error('the channel configuration has no channel group');
  const { application, organization, value, fabric } = readFabricMspConfig(config, mspId);

  const path = (mspValue: Common.ConfigValue): Common.ConfigGroup => {
    const org = new common.ConfigGroup();
    org.setVersion(organization.getVersion());
    org.getValuesMap().set('MSP', mspValue);
    const app = new common.ConfigGroup();
    app.setVersion(application.getVersion());
    app.getGroupsMap().set(mspId, org);
    const root = new common.ConfigGroup();
    root.setVersion(channelGroup.getVersion());
    root.getGroupsMap().set('Application', app);
    return root;
  };

  const readValue = new common.ConfigValue();
  readValue.setVersion(value.getVersion());

  fabric.setRevocationListList(revocationList);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(fabric.serializeBinary());
  const writeValue = new common.ConfigValue();
  writeValue.setVersion(value.getVersion() + 1);
  writeValue.setModPolicy(value.getModPolicy());
  writeValue.setValue(mspConfig.serializeBinary());

  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(path(readValue));
  update.setWriteSet(path(writeValue));
  return update;
}

/**
 * The revocation list with `crl` in it, or undefined when the current CRLs already revoke
 * every certificate `crl` revokes. Drops the CRLs of the same issuer that `crl` supersedes.
 */
function mergeRevocationList(current: Uint8Array[], crlPem: string, crl: x509.X509Crl): Uint8Array[] | undefined {
  const revoked = serials(crl);
  if (revoked.size === 0) return undefined;
  const issuer = issuerOf(crl);
  const kept: Uint8Array[] = [];
  for (const bytes of current) {
    if (Buffer.from(bytes).equals(Buffer.from(crlPem))) return undefined;
    let existing: x509.X509Crl;
    try {
      existing = parseCrl(Buffer.from(bytes).toString('utf8'));
    } catch {
      kept.push(bytes);
      continue;
    }
    if (issuerOf(existing) !== issuer) {
      kept.push(bytes);
      continue;
    }
    const already = serials(existing);
    if ([...revoked].every((serial) => already.has(serial))) return undefined;
    // Keep an older CRL of the issuer only if it revokes something `crl` does not (a lost race).
    if (![...already].every((serial) => revoked.has(serial))) kept.push(bytes);
  }
  return [...kept, Buffer.from(crlPem)];
}

function parseCrl(pem: string): x509.X509Crl {
  try {
    return new x509.X509Crl(pem);
  } catch (error) {
    throw new Error('the certificate revocation list is not a valid PEM or DER CRL', { cause: error });
  }
}

function serials(crl: x509.X509Crl): Set<string> {
  return new Set(crl.entries.map((entry) => entry.serialNumber.toLowerCase().replace(/^0+/, '')));
}

/** The CRL's issuer: its authority key identifier (as Fabric's MSP matches CRLs), else its name. */
function issuerOf(crl: x509.X509Crl): string {
  const keyId = crl.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
  return keyId ? `aki:${keyId.toLowerCase()}` : `dn:${crl.issuer}`;
}

// ---- blocks and envelopes ----------------------------------------------------------------

function newSignatureHeader(signer: AdminSigner): { signatureHeader: Uint8Array; txId: string } {
  const nonce = randomBytes(24);
  const header = new common.SignatureHeader();
  header.setCreator(signer.creator);
  header.setNonce(nonce);
  const txId = createHash('sha256').update(nonce).update(signer.creator).digest('hex');
  return { signatureHeader: header.serializeBinary(), txId };
}

function signedEnvelope(type: number, channel: string, data: Uint8Array, signer: AdminSigner): Common.Envelope {
  const { signatureHeader, txId } = newSignatureHeader(signer);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(txId);
  channelHeader.setTimestamp(Timestamp.fromDate(new Date()));
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(data);
  const payloadBytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(payloadBytes);
  envelope.setSignature(signLowS(payloadBytes, signer.key));
  return envelope;
}

function blockNumber(block: Common.Block): number {
  const header = block.getHeader();
  if (!header) throw new Error('a block without header');
  return header.getNumber();
}

/**
 * The number of the channel's latest config block as a block's metadata records it: in the
 * SIGNATURES metadata's value (`OrdererBlockMetadata.last_config`, Fabric ≥ 2), else in the
 * deprecated LAST_CONFIG metadata.
 */
function lastConfigIndex(block: Common.Block): number {
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signatures = metadata[common.BlockMetadataIndex.SIGNATURES];
  if (signatures && signatures.length > 0) {
    const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
    const lastConfig =
      value.length > 0 ? common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig() : undefined;
    if (lastConfig) return lastConfig.getIndex();
  }
  const legacy = metadata[common.BlockMetadataIndex.LAST_CONFIG];
  if (legacy && legacy.length > 0) {
    const value = common.Metadata.deserializeBinary(legacy).getValue_asU8();
    if (value.length > 0) return common.LastConfig.deserializeBinary(value).getIndex();
  }
  if (blockNumber(block) === 0) return 0;
  throw new Error(`block ${blockNumber(block)} records no last config index`);
}

/** The channel configuration a config block carries, or undefined for any other block. */
function configOf(block: Common.Block): Common.Config | undefined {
  const first = block.getData()?.getDataList_asU8()[0];
  if (!first) return undefined;
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(first).getPayload_asU8());
  const channelHeaderBytes = payload.getHeader()?.getChannelHeader_asU8();
  if (!channelHeaderBytes) return undefined;
  if (common.ChannelHeader.deserializeBinary(channelHeaderBytes).getType() !== common.HeaderType.CONFIG)
    return undefined;
  return common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
}

function statusName(status: number): string {
  const name = Object.entries(common.Status).find(([, value]) => value === status)?.[0];
  return name ?? String(status);
}

function unavailable(endpoint: string, error: grpc.ServiceError): LedgerUnavailableError {
  const reason =
    error.code === grpc.status.DEADLINE_EXCEEDED ? 'no answer before the deadline' : `${error.code} ${error.details}`;
  return new LedgerUnavailableError(`${endpoint} is unreachable: ${reason}`, { cause: error });
}
