import type { Client } from '@grpc/grpc-js';
import { Gateway, GatewayError, signers } from '@hyperledger/fabric-gateway';
import protos from '@hyperledger/fabric-protos';
import { createHmac, createPrivateKey, randomBytes } from 'node:crypto';
import { submitBackdated } from './backdated.js';
import { connectAs, medledgerContract, peerClient } from './gateway.js';
import { enrollIdentity, EnrolledIdentity } from './identities.js';
import { HospitalId, NetworkProfile } from './network-profile.js';
import type { SealedReport } from './phi.js';

/** A committed transaction's answer and place on the ledger. */
export interface Committed<T> {
  result: T;
  txId: string;
  blockNumber: bigint;
}

/**
 * A user of the ledger for integration suites: an identity enrolled at its hospital's real
 * Fabric CA (with `ehr.role` and `ehr.uid`), connected through its own hospital's peer.
 */
export class LedgerActor {
  private readonly everyPeer = new Map<HospitalId, Gateway>();

  private constructor(
    readonly identity: EnrolledIdentity,
    private readonly gateway: Gateway,
    private readonly profile: NetworkProfile,
    private readonly clients: PeerClients,
    private readonly settle: boolean,
  ) {}

  /**
   * Enrolls a fresh identity. With `settle`, every submit also waits until every hospital's
   * peer has committed the block (commit status comes from the actor's own peer only, and
   * the next call may be endorsed or evaluated by another); benchmarks leave it off.
   */
  static async enroll(
    profile: NetworkProfile,
    clients: PeerClients,
    hospital: HospitalId,
    role: string,
    options: { settle?: boolean } = {},
  ) {
    const identity = await enrollIdentity(hospital, role);
    const gateway = connectAs(clients.of(hospital), identity);
    return new LedgerActor(identity, gateway, profile, clients, options.settle ?? false);
  }

  get uid(): string {
    return this.identity.uid;
  }

  get mspId(): string {
    return this.identity.mspId;
  }

  /** Submits `contract:fn` and waits for the commit; throws unless the transaction committed valid. */
  async submit<T = Record<string, unknown>>(contract: string, fn: string, ...args: string[]): Promise<Committed<T>> {
    const submitted = await medledgerContract(this.gateway, this.profile, contract).submitAsync(fn, {
      arguments: args,
    });
    const status = await submitted.getStatus();
    if (!status.successful)
      throw new Error(`${contract}:${fn} ${status.transactionId} failed validation: ${status.code}`);
    const text = Buffer.from(submitted.getResult()).toString('utf8');
    if (this.settle) await this.untilEveryPeerHas(status.blockNumber);
    return { result: JSON.parse(text) as T, txId: status.transactionId, blockNumber: status.blockNumber };
  }

  /**
   * Records `sealed` on the ledger as report `reportId` of the patient `patientId`: as a
   * doctor (under care or a grant), or as a patient for themself (`patientId` their uid).
   */
  recordReport(reportId: string, patientId: string, type: string, sealed: SealedReport): Promise<Committed<unknown>> {
    const { cid, ciphertextSha256, plaintextCommitment, size } = sealed;
    return this.submit(
      'reports',
      'RecordReport',
      reportId,
      patientId,
      type,
      cid,
      ciphertextSha256,
      plaintextCommitment,
      size,
      'aes-256-gcm-chunked-v1',
    );
  }

  /**
   * As a patient, grants the hospital `granteeMspId` as a whole (`hospital`) or its care
   * team of the patient (`care-team`) access to `reportIds` (null: all) for `minutes`.
   */
  grantOrganisation<T = Record<string, unknown>>(
    grantId: string,
    granteeKind: 'hospital' | 'care-team',
    granteeMspId: string,
    reportIds: string[] | null,
    minutes: number,
    purposeOfUse = 'TREAT',
  ): Promise<Committed<T>> {
    return this.submit<T>(
      'consent',
      'GrantOrganisationAccess',
      grantId,
      granteeKind,
      granteeMspId,
      JSON.stringify(reportIds),
      String(minutes),
      purposeOfUse,
    );
  }

  /** Waits until every hospital's peer reports a chain height above `blockNumber` (qscc GetChainInfo). */
  async untilEveryPeerHas(blockNumber: bigint, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const hospital of Object.keys(this.profile.organizations) as HospitalId[]) {
      let gateway = this.everyPeer.get(hospital);
      if (!gateway) {
        gateway = connectAs(this.clients.of(hospital), this.identity);
        this.everyPeer.set(hospital, gateway);
      }
      const qscc = gateway.getNetwork(this.profile.channel).getContract('qscc');
      for (;;) {
        const info = protos.common.BlockchainInfo.deserializeBinary(
          await qscc.evaluateTransaction('GetChainInfo', this.profile.channel),
        );
        if (BigInt(info.getHeight()) > blockNumber) break;
        if (Date.now() > deadline) throw new Error(`the peer of ${hospital} did not reach block ${blockNumber}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  /** Evaluates a query through the actor's own peer and parses its JSON answer. */
  async evaluate<T = Record<string, unknown>>(contract: string, fn: string, ...args: string[]): Promise<T> {
    const bytes = await medledgerContract(this.gateway, this.profile, contract).evaluateTransaction(fn, ...args);
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
  }

  /** Submits `contract:fn` as if sent `millisBack` ago (see submitBackdated); throws unless it committed valid. */
  async submitBackdated<T = Record<string, unknown>>(
    millisBack: number,
    contract: string,
    fn: string,
    ...args: string[]
  ): Promise<{ result: T; txId: string }> {
    const sign = signers.newPrivateKeySigner(createPrivateKey(this.identity.privateKeyPem));
    const target = medledgerContract(this.gateway, this.profile, contract);
    const committed = await submitBackdated(this.gateway, target, fn, args, sign, millisBack);
    if (!committed.successful) throw new Error(`${contract}:${fn} ${committed.txId} failed validation`);
    return { result: committed.result as T, txId: committed.txId };
  }

  close(): void {
    this.gateway.close();
    for (const gateway of this.everyPeer.values()) gateway.close();
  }
}

/** One gRPC client per hospital peer, shared by every actor of that hospital. */
export class PeerClients {
  private readonly clients = new Map<HospitalId, Client>();

  constructor(private readonly profile: NetworkProfile) {}

  of(hospital: HospitalId): Client {
    let client = this.clients.get(hospital);
    if (!client) {
      client = peerClient(this.profile, hospital);
      this.clients.set(hospital, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }
}

/** The key of this process's commitments: like the API's, it never reaches the ledger. */
const COMMITMENT_KEY = randomBytes(32);

/**
 * A keyed commitment to a text kept off-chain, as the API puts one on the ledger for a
 * request's reason (`reasonCommitment`) or an emergency's justification
 * (`justificationCommitment`): HMAC-SHA-256 under a key kept off-chain, as 64 lower-case
 * hex digits, so that nobody reading the ledger can confirm a guessed text by hashing it.
 */
export const commitmentTo = (text: string): string => createHmac('sha256', COMMITMENT_KEY).update(text).digest('hex');

/**
 * The chaincode's stable error code of a refused call (the first token of its message, as
 * the peer relays it in the error's details), or undefined.
 */
export function refusalCode(error: unknown): string | undefined {
  const messages: string[] = [];
  if (error instanceof GatewayError) messages.push(...error.details.map((detail) => detail.message));
  if (error instanceof Error) messages.push(error.message);
  for (const message of messages) {
    const match = /(?:^|chaincode response \d+, |: )([A-Z][A-Z_]+): /.exec(message);
    if (match) return match[1];
  }
  return undefined;
}

/** Awaits `attempt` and returns the chaincode's refusal code; fails if it succeeded. */
export async function refusalOf(attempt: Promise<unknown>): Promise<string | undefined> {
  try {
    await attempt;
  } catch (error) {
    return refusalCode(error) ?? `not a chaincode refusal: ${(error as Error).message}`;
  }
  throw new Error('the ledger accepted a call that should have been refused');
}
