import protos from '@hyperledger/fabric-protos';
import { Logger } from '@nestjs/common';
import {
  CommitError,
  CommitStatusError,
  connect,
  EndorseError,
  type Contract,
  type Gateway,
  type Network,
  GatewayError,
  hash,
  StatusCode,
} from '@hyperledger/fabric-gateway';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { KeyObject } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { signLowS } from '../crypto/ecdsa.js';
import { bufferedBatches } from './buffered-batches.js';
import { ChaincodeRefusedError, LedgerUnavailableError, parseChaincodeError } from './ledger.errors.js';
import type { Committed, LedgerCheckpoint, LedgerEvent, LedgerIdentity } from './ledger.port.js';
import type { NetworkProfile } from './network-profile.js';
import type { PeerClients } from './peer-clients.js';

/** Deadlines of each step of a transaction, in milliseconds. */
export interface LedgerDeadlines {
  evaluateMs: number;
  endorseMs: number;
  submitMs: number;
  commitStatusMs: number;
}

export const DEFAULT_DEADLINES: LedgerDeadlines = {
  evaluateMs: 5000,
  endorseMs: 15000,
  submitMs: 5000,
  commitStatusMs: 60000,
};

/**
 * Validation codes of a transaction that lost a race with another one: a key it read
 * changed (MVCC), or a range it read gained or lost a key (phantom, such as a second
 * emergency grant of the same doctor and patient). A fresh proposal reads the new state,
 * and the chaincode answers on it (EMERGENCY_ACTIVE rather than a failed commit).
 */
const LOST_RACES = new Set<number>([StatusCode.MVCC_READ_CONFLICT, StatusCode.PHANTOM_READ_CONFLICT]);
/** How often a transaction that lost such a race is proposed again (a fresh proposal each time). */
const MVCC_ATTEMPTS = 3;
/** Before proposing again after the hospitals' peers answered differently: time for the one behind to commit. */
const MISMATCH_BACKOFF_MS = 100;
/** How often a peer's chain height is asked again while waiting for it to catch up. */
const PEER_POLL_MS = 10;
/** How often the commit status is asked again after the status request itself failed. */
const COMMIT_STATUS_ATTEMPTS = 3;
/** The most chaincode events handed to a reader at once (one database transaction of its). */
const MAX_EVENT_BATCH = 1000;

/**
 * One session with the Fabric Gateway, shared by every contract's adapter: the only place
 * that imports @hyperledger/fabric-gateway. Every call opens a Gateway connection for the
 * acting identity over the shared gRPC client of that identity's hospital's peer, with
 * explicit deadlines, and translates what comes back into the API's named errors.
 */
export class GatewaySession {
  private readonly logger = new Logger(GatewaySession.name);

  constructor(
    readonly profile: NetworkProfile,
    private readonly peers: PeerClients,
    private readonly deadlines: LedgerDeadlines = DEFAULT_DEADLINES,
  ) {}

  /** Evaluates a query transaction of a contract as the actor and parses its JSON answer. */
  async evaluate<T>(
    actor: LedgerIdentity,
    contractName: string,
    transaction: string,
    args: string[],
    parse: (json: unknown) => T,
  ): Promise<T> {
    return this.withContract(actor, contractName, async (contract) => {
      try {
        return parse(decodeJson(await contract.evaluateTransaction(transaction, ...args)));
      } catch (error) {
        throw this.translate(error, transaction);
      }
    });
  }

  /**
   * Submits a transaction of a contract as the actor, waits for its commit and parses its
   * JSON answer; proposes again after an MVCC read conflict.
   * @throws ChaincodeRefusedError when the chaincode refused it (never retried).
   * @throws LedgerUnavailableError when it could not be endorsed, ordered or committed.
   */
  async submit<T>(
    actor: LedgerIdentity,
    contractName: string,
    transaction: string,
    args: string[],
    parse: (json: unknown) => T,
  ): Promise<Committed<T>> {
    return this.withContract(actor, contractName, async (contract) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          const submitted = await contract.submitAsync(transaction, { arguments: args });
          const status = await this.commitStatus(() => submitted.getStatus());
          if (!status.successful) {
            throw new CommitError({
              message: `transaction ${status.transactionId} failed to commit with status code ${status.code}`,
              transactionId: status.transactionId,
              code: status.code,
            });
          }
          return {
            result: parse(decodeJson(submitted.getResult())),
            transactionId: submitted.getTransactionId(),
            blockNumber: status.blockNumber,
          };
        } catch (error) {
          if (error instanceof CommitError && LOST_RACES.has(error.code) && attempt < MVCC_ATTEMPTS) {
            this.logger.warn(
              `${transaction}: lost a read race (validation code ${error.code}) on ${error.transactionId}, proposing again (${attempt})`,
            );
            continue;
          }
          if (this.endorsementsDiffered(error, transaction) && attempt < MVCC_ATTEMPTS) {
            this.logger.warn(`${transaction}: the hospitals' endorsements differed, proposing again (${attempt})`);
            await sleep(MISMATCH_BACKOFF_MS * attempt);
            continue;
          }
          throw this.translate(error, transaction);
        }
      }
    });
  }

  /** The number of the block that holds a committed transaction (the peer's qscc GetBlockByTxID). */
  async blockOfTransaction(actor: LedgerIdentity, transactionId: string): Promise<bigint> {
    return this.withNetwork(actor, async (network) => {
      try {
        const block = await network
          .getContract('qscc')
          .evaluateTransaction('GetBlockByTxID', network.getName(), transactionId);
        return BigInt(protos.common.Block.deserializeBinary(block).getHeader()!.getNumber());
      } catch (error) {
        throw this.translate(error, 'GetBlockByTxID');
      }
    });
  }

  /**
   * Delivers the chaincode's events in ledger order from `checkpoint` (the block to resume
   * at and the last transaction of it already handled; block 0 when null), in batches of
   * the events the stream has already received (see bufferedBatches; at most
   * `maxBatchSize`), each after `handle` resolved for the one before. Resolves when
   * `signal` aborts.
   * @throws LedgerUnavailableError when the event stream breaks (a peer outage); resume from the last checkpoint.
   */
  async followChaincodeEvents(
    actor: LedgerIdentity,
    checkpoint: LedgerCheckpoint | null,
    handle: (events: LedgerEvent[]) => Promise<void>,
    signal: AbortSignal,
    maxBatchSize = MAX_EVENT_BATCH,
  ): Promise<void> {
    await this.withNetwork(actor, async (network) => {
      const stream = await network
        .getChaincodeEvents(this.profile.chaincode, {
          checkpoint: {
            getBlockNumber: () => checkpoint?.blockNumber,
            getTransactionId: () => checkpoint?.transactionId ?? undefined,
          },
          startBlock: 0n,
        })
        .catch((error: unknown) => {
          throw this.translate(error, 'chaincode events');
        });
      const stop = () => stream.close();
      signal.addEventListener('abort', stop, { once: true });
      try {
        for await (const events of bufferedBatches(stream, maxBatchSize)) {
          await handle(
            events.map((event) => ({
              blockNumber: event.blockNumber,
              transactionId: event.transactionId,
              name: event.eventName,
              payload: decodeJson(event.payload),
            })),
          );
        }
      } catch (error) {
        if (signal.aborted) return;
        throw this.translate(error, 'chaincode events');
      } finally {
        signal.removeEventListener('abort', stop);
        stream.close();
      }
    });
  }

  /**
   * Waits until every hospital's peer has committed the block `blockNumber` (qscc
   * GetChainInfo through each peer, as `reader`, whom the channel lets read every peer), so
   * that what a transaction granted is there whichever peer endorses the next one: the
   * commit status of a submit comes from the signer's own peer only, and another
   * hospital's peer may be a block behind. Never throws: the transaction has committed,
   * and after the commit-status deadline, or when a peer cannot be asked, it stops waiting.
   */
  async untilEveryPeerHas(reader: LedgerIdentity, blockNumber: bigint): Promise<void> {
    const deadline = Date.now() + this.deadlines.commitStatusMs;
    await Promise.all(
      this.profile.hospitals.map(async ({ hospital }) => {
        try {
          await this.withNetwork(
            reader,
            async (network) => {
              while ((await this.chainHeightOf(network)) <= blockNumber) {
                if (Date.now() > deadline) throw new Error(`block ${blockNumber} not reached in time`);
                await sleep(PEER_POLL_MS);
              }
            },
            hospital,
          );
        } catch (error) {
          this.logger.warn(
            `the peer of ${hospital} may not hold block ${blockNumber} yet: ${(error as Error).message}`,
          );
        }
      }),
    );
  }

  /** The channel's height (its number of blocks) as the reader's own hospital's peer knows it. */
  chainHeight(reader: LedgerIdentity): Promise<bigint> {
    return this.withNetwork(reader, async (network) => {
      try {
        return await this.chainHeightOf(network);
      } catch (error) {
        throw this.translate(error, 'GetChainInfo');
      }
    });
  }

  private async chainHeightOf(network: Network): Promise<bigint> {
    const info = protos.common.BlockchainInfo.deserializeBinary(
      await network.getContract('qscc').evaluateTransaction('GetChainInfo', network.getName()),
    );
    return BigInt(info.getHeight());
  }

  /** Hospitals whose peer cannot be connected to within the deadline. */
  unreachablePeers(deadlineMs: number): Promise<string[]> {
    return this.peers.unreachable(deadlineMs);
  }

  /** Asks for the commit status again when the request itself failed (the transaction may still commit). */
  private async commitStatus<S>(getStatus: () => Promise<S>): Promise<S> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await getStatus();
      } catch (error) {
        if (!(error instanceof CommitStatusError) || attempt >= COMMIT_STATUS_ATTEMPTS) throw error;
      }
    }
  }

  private withContract<T>(
    actor: LedgerIdentity,
    contractName: string,
    use: (contract: Contract) => Promise<T>,
  ): Promise<T> {
    return this.withNetwork(actor, (network) => use(network.getContract(this.profile.chaincode, contractName)));
  }

  /**
   * The channel, through a Gateway connection as the actor that closes after `use`: to the
   * peer of the actor's own hospital, or of `viaHospital`.
   */
  async withNetwork<T>(
    actor: LedgerIdentity,
    use: (network: Network) => Promise<T>,
    viaHospital = actor.hospital,
  ): Promise<T> {
    const gateway = this.connect(actor, viaHospital);
    try {
      return await use(gateway.getNetwork(this.profile.channel));
    } finally {
      gateway.close();
    }
  }

  private connect(actor: LedgerIdentity, viaHospital: string): Gateway {
    const { evaluateMs, endorseMs, submitMs, commitStatusMs } = this.deadlines;
    return connect({
      client: this.peers.forHospital(viaHospital),
      identity: { mspId: actor.mspId, credentials: Buffer.from(actor.certificatePem) },
      // Node's own ECDSA (OpenSSL) over the whole message: the Gateway's default signer does
      // the curve arithmetic in JavaScript, the largest CPU cost of a transaction in this API.
      hash: hash.none,
      signer: nativeSigner(actor.privateKey),
      evaluateOptions: () => ({ deadline: Date.now() + evaluateMs }),
      endorseOptions: () => ({ deadline: Date.now() + endorseMs }),
      submitOptions: () => ({ deadline: Date.now() + submitMs }),
      commitStatusOptions: () => ({ deadline: Date.now() + commitStatusMs }),
    });
  }

  /**
   * Whether the endorsement failed because the hospitals' peers answered differently, not
   * because the chaincode refused: a peer a block behind the other read older state (a
   * grant or request that had just changed). Nothing was ordered, so a fresh proposal is
   * safe, and once the peer has caught up both answer alike.
   */
  private endorsementsDiffered(error: unknown, transaction: string): boolean {
    return (
      error instanceof EndorseError &&
      error.code === GrpcStatus.ABORTED &&
      !(this.translate(error, transaction) instanceof ChaincodeRefusedError)
    );
  }

  /** Maps Gateway errors to the API's named errors: chaincode refusals by their stable code, the rest as unavailability. */
  translate(error: unknown, transaction: string): Error {
    if (error instanceof CommitError) {
      return new LedgerUnavailableError(`${transaction} did not commit (validation code ${error.code})`, {
        cause: error,
      });
    }
    if (error instanceof GatewayError) {
      for (const detail of error.details) {
        const refusal = parseChaincodeError(detail.message);
        if (refusal) return new ChaincodeRefusedError(refusal.code, refusal.detail, { cause: error });
      }
      const refusal =
        error instanceof EndorseError || error.code === GrpcStatus.UNKNOWN
          ? parseChaincodeError(error.message)
          : undefined;
      if (refusal) return new ChaincodeRefusedError(refusal.code, refusal.detail, { cause: error });
      return new LedgerUnavailableError(`${transaction}: ${describeGrpcStatus(error.code)}`, { cause: error });
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

function decodeJson(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

function describeGrpcStatus(code: number): string {
  switch (code) {
    case GrpcStatus.UNAVAILABLE:
      return 'a peer or the orderer is unreachable';
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'the ledger did not answer in time';
    case GrpcStatus.FAILED_PRECONDITION:
      return 'not every hospital can endorse now';
    default:
      return `the gateway failed (gRPC status ${code})`;
  }
}

/** Signs what the Gateway hands over (with `hash.none`, the whole message) with SHA-256 ECDSA, low-S. */
function nativeSigner(key: KeyObject): (message: Uint8Array) => Promise<Uint8Array> {
  return (message) => Promise.resolve(signLowS(message, key));
}
