import type { CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import protos from '@hyperledger/fabric-protos';
import type { common as Common, peer as Peer } from '@hyperledger/fabric-protos';
import type { GatewaySession } from './gateway-session.js';
import { ChaincodeRefusedError, LedgerUnavailableError } from './ledger.errors.js';
import {
  LedgerDataError,
  parseAccessRequest,
  parseCareAssignment,
  parseErasure,
  parseGrant,
  parseInspectedParticipant,
  parseInspectedReceipt,
  parseInspectedRefusal,
  parseInspectedReport,
  parsePage,
} from './ledger-records.js';
import type {
  AccessRequestRecord,
  CareAssignmentRecord,
  ChaincodeDefinition,
  ErasureRecord,
  GrantRecord,
  InspectedNetwork,
  InspectedParticipant,
  InspectedReceipt,
  InspectedRefusal,
  InspectedReport,
  LedgerCheckpoint,
  LedgerEvent,
  LedgerIdentity,
  LedgerInspection,
  Page,
  PageRequest,
} from './ledger.port.js';
import type { HospitalNetwork } from './network-profile.js';
import { pageArgs } from './page-args.js';
import { readServiceIdentity } from './service-identity.js';

const { common, peer } = protos;

/**
 * The whole ledger and the network's state, read as each hospital's own API identity
 * (`medledger-api`, `ehr.role=service`) through that hospital's peer, over the shared
 * Gateway session. Read-only: it evaluates, it never submits.
 */
export class FabricLedgerInspection implements LedgerInspection {
  /** Each hospital's service identity, read from its MSP folder on first use. */
  private readonly identities = new Map<string, LedgerIdentity>();

  constructor(private readonly session: GatewaySession) {}

  network(): InspectedNetwork {
    const { channel, chaincode, fabricVersion, hospitals } = this.session.profile;
    return {
      channel,
      chaincode,
      fabricVersion: fabricVersion ?? null,
      peers: hospitals.map(({ hospital, mspId, peer: { endpoint } }) => ({ hospital, mspId, endpoint })),
    };
  }

  chainHeightAt(hospital: string, deadlineMs: number): Promise<bigint> {
    return this.evaluateSystem(
      hospital,
      'qscc',
      'GetChainInfo',
      deadlineMs,
      (network) => [network.getName()],
      (bytes) => BigInt(common.BlockchainInfo.deserializeBinary(bytes).getHeight()),
    );
  }

  async peerVersionAt(hospital: string, deadlineMs: number): Promise<string | null> {
    const operationsUrl = this.hospital(hospital).peer.operationsUrl;
    if (operationsUrl === undefined) return null;
    const url = new URL('version', operationsUrl.endsWith('/') ? operationsUrl : `${operationsUrl}/`);
    let answer: unknown;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(deadlineMs), redirect: 'error' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      answer = await response.json();
    } catch (error) {
      throw new LedgerUnavailableError(
        `the operations endpoint of the peer of ${hospital} did not answer: ${(error as Error).message}`,
        { cause: error },
      );
    }
    // Fabric's operations service answers `{"CommitSHA": "…", "Version": "3.1.1"}`.
    const version = (answer as { Version?: unknown } | null)?.Version;
    if (typeof version !== 'string' || version === '') throw new LedgerDataError('peer version', ['Version']);
    return version;
  }

  chaincodeDefinitionAt(hospital: string, deadlineMs: number): Promise<ChaincodeDefinition> {
    const name = this.session.profile.chaincode;
    const query = new peer.lifecycle.QueryChaincodeDefinitionArgs();
    query.setName(name);
    return this.evaluateSystem(
      hospital,
      '_lifecycle',
      'QueryChaincodeDefinition',
      deadlineMs,
      () => [query.serializeBinary()],
      (bytes) => {
        const definition = peer.lifecycle.QueryChaincodeDefinitionResult.deserializeBinary(bytes);
        return { name, version: definition.getVersion(), sequence: definition.getSequence() };
      },
    );
  }

  async countEventsBetween(after: LedgerCheckpoint | null, height: bigint, deadlineMs: number): Promise<number> {
    const first = after?.blockNumber ?? 0n;
    let count = 0;
    await this.scanBlocks(
      'filtered blocks',
      (network, startBlock) => network.getFilteredBlockEvents({ startBlock }),
      (block) => BigInt(block.getNumber()),
      first,
      height,
      deadlineMs,
      (block, number) => {
        count += countChaincodeEvents(
          block,
          this.session.profile.chaincode,
          number === first ? (after?.transactionId ?? null) : null,
        );
      },
    );
    return count;
  }

  async readEventsBelow(height: bigint, deadlineMs: number, handle: (events: LedgerEvent[]) => void): Promise<void> {
    await this.scanBlocks(
      'blocks',
      (network, startBlock) => network.getBlockEvents({ startBlock }),
      (block) => BigInt(block.getHeader()?.getNumber() ?? 0),
      0n,
      height,
      deadlineMs,
      (block) => {
        const events = chaincodeEventsOf(block, this.session.profile.chaincode);
        if (events.length > 0) handle(events);
      },
    );
  }

  listParticipants(hospital: string, page: PageRequest): Promise<Page<InspectedParticipant>> {
    return this.list(hospital, 'audit', 'ListParticipants', [], page, parseInspectedParticipant);
  }

  listReports(hospital: string, page: PageRequest): Promise<Page<InspectedReport>> {
    return this.list(hospital, 'reports', 'ListReports', [], page, parseInspectedReport);
  }

  listReceiptsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<InspectedReceipt>> {
    return this.list(hospital, 'audit', 'ListReceiptsByPatient', [patientId], page, parseInspectedReceipt);
  }

  listRefusalsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<InspectedRefusal>> {
    return this.list(hospital, 'audit', 'ListRefusalsByPatient', [patientId], page, parseInspectedRefusal);
  }

  listRequestsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<AccessRequestRecord>> {
    return this.list(hospital, 'consent', 'ListRequestsByPatient', [patientId], page, parseAccessRequest);
  }

  listGrantsByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<GrantRecord>> {
    return this.list(hospital, 'consent', 'ListGrantsByPatient', [patientId], page, parseGrant);
  }

  listCareByPatient(hospital: string, patientId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>> {
    return this.list(hospital, 'care', 'ListCareByPatient', [patientId], page, parseCareAssignment);
  }

  async getErasure(hospital: string, patientId: string): Promise<ErasureRecord | null> {
    try {
      return await this.session.evaluate(this.identity(hospital), 'erasure', 'GetErasure', [patientId], parseErasure);
    } catch (error) {
      if (error instanceof ChaincodeRefusedError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  private list<T>(
    hospital: string,
    contract: string,
    transaction: string,
    args: string[],
    page: PageRequest,
    parseItem: (json: unknown) => T,
  ): Promise<Page<T>> {
    return this.session.evaluate(
      this.identity(hospital),
      contract,
      transaction,
      [...args, ...pageArgs(page)],
      parsePage(parseItem),
    );
  }

  /**
   * Reads the blocks `first` to `height − 1` in order, each handed to `onBlock`, from the
   * first hospital's peer (the one the API follows events through) as its service identity;
   * nothing when there are none.
   * @throws LedgerUnavailableError when the peer does not deliver them all within `deadlineMs`.
   */
  private async scanBlocks<Block>(
    what: string,
    open: (network: Network, startBlock: bigint) => Promise<CloseableAsyncIterable<Block>>,
    numberOf: (block: Block) => bigint,
    first: bigint,
    height: bigint,
    deadlineMs: number,
    onBlock: (block: Block, number: bigint) => void,
  ): Promise<void> {
    const last = height - 1n;
    if (last < first) return;
    const { hospital } = this.session.profile.hospitals[0];
    await this.session.withNetwork(this.identity(hospital), async (network) => {
      const blocks = await open(network, first).catch((error: unknown) => {
        throw this.session.translate(error, what);
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        blocks.close();
      }, deadlineMs);
      try {
        for await (const block of blocks) {
          const number = numberOf(block);
          onBlock(block, number);
          if (number >= last) return;
        }
      } catch (error) {
        if (!timedOut) throw this.session.translate(error, what);
      } finally {
        clearTimeout(timer);
        blocks.close();
      }
      throw new LedgerUnavailableError(
        timedOut
          ? `the peer of ${hospital} did not deliver ${what} ${first}..${last} within ${deadlineMs} ms`
          : `the peer of ${hospital} ended the stream of ${what} before block ${last}`,
      );
    });
  }

  /** Evaluates a system chaincode's function through one hospital's peer, as its service identity, within a deadline. */
  private evaluateSystem<T>(
    hospital: string,
    chaincode: string,
    transaction: string,
    deadlineMs: number,
    args: (network: Network) => Array<string | Uint8Array>,
    parse: (bytes: Uint8Array) => T,
  ): Promise<T> {
    return this.session.withNetwork(this.identity(hospital), async (network) => {
      let bytes: Uint8Array;
      try {
        bytes = await network
          .getContract(chaincode)
          .newProposal(transaction, { arguments: args(network) })
          .evaluate({ deadline: Date.now() + deadlineMs });
      } catch (error) {
        throw this.session.translate(error, transaction);
      }
      try {
        return parse(bytes);
      } catch (error) {
        throw new LedgerDataError(`${chaincode} ${transaction} answer`, [(error as Error).message]);
      }
    });
  }

  private identity(hospital: string): LedgerIdentity {
    let identity = this.identities.get(hospital);
    if (!identity) {
      identity = readServiceIdentity(this.hospital(hospital));
      this.identities.set(hospital, identity);
    }
    return identity;
  }

  private hospital(hospital: string): HospitalNetwork {
    const found = this.session.profile.hospitals.find((candidate) => candidate.hospital === hospital);
    if (!found) throw new Error(`the network profile names no hospital ${hospital}`);
    return found;
  }
}

/**
 * The chaincode's events in one filtered block, of valid transactions only (an invalid
 * transaction's event is never delivered to event readers), after `afterTransactionId`
 * when given. When that transaction is not in the block, every event of the block counts:
 * a reader can then not be shown to have read them.
 */
export function countChaincodeEvents(
  block: Peer.FilteredBlock,
  chaincode: string,
  afterTransactionId: string | null,
): number {
  const transactions = block.getFilteredTransactionsList();
  const position =
    afterTransactionId === null ? -1 : transactions.findIndex((tx) => tx.getTxid() === afterTransactionId);
  return transactions.slice(position + 1).filter((tx) => {
    if (tx.getTxValidationCode() !== peer.TxValidationCode.VALID) return false;
    return (tx.getTransactionActions()?.getChaincodeActionsList() ?? []).some(
      (action) => action.getChaincodeEvent()?.getChaincodeId() === chaincode,
    );
  }).length;
}

/**
 * The chaincode's events in one full block, in the block's order: of valid transactions
 * only (the transactions filter of the block's metadata), of endorser transactions whose
 * chaincode action carries an event of `chaincode` (one per transaction, as Fabric allows),
 * as the Gateway's chaincode-event stream delivers them. The payload is its JSON, parsed;
 * a payload that is not JSON is undefined (the projection's envelope reader rejects it).
 */
export function chaincodeEventsOf(block: Common.Block, chaincode: string): LedgerEvent[] {
  const blockNumber = BigInt(block.getHeader()?.getNumber() ?? 0);
  const validation = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER];
  const events: LedgerEvent[] = [];
  (block.getData()?.getDataList_asU8() ?? []).forEach((envelope, index) => {
    if (validation?.[index] !== peer.TxValidationCode.VALID) return;
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8());
    const header = payload.getHeader();
    if (!header) return;
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return;
    for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
      const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
      if (!endorsed) continue;
      const response = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
      const event = peer.ChaincodeEvent.deserializeBinary(chaincodeAction.getEvents_asU8());
      if (event.getChaincodeId() !== chaincode) continue;
      events.push({
        blockNumber,
        transactionId: channelHeader.getTxId(),
        name: event.getEventName(),
        payload: jsonOrUndefined(event.getPayload_asU8()),
      });
      return;
    }
  });
  return events;
}

function jsonOrUndefined(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}
