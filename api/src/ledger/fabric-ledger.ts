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
import { signLowS } from '../crypto/ecdsa.js';
import { ChaincodeRefusedError, LedgerUnavailableError, parseChaincodeError } from './ledger.errors.js';
import type {
  AccessReceiptRecord,
  CareAssignmentRecord,
  Committed,
  ErasureRecord,
  ReportVoidRecord,
  GrantRecord,
  LedgerIdentity,
  LedgerPort,
  Page,
  PageRequest,
  ParticipantRecord,
  PingAnswer,
  ProbeRecord,
  NewReportRecord,
  ReportRecord,
} from './ledger.port.js';
import type { NetworkProfile } from './network-profile.js';
import type { PeerClients } from './peer-clients.js';
import {
  parseAccessReceipt,
  parseCareAssignment,
  parseErasure,
  parseReportVoid,
  parseGrant,
  parsePage,
  parseParticipant,
  parsePingAnswer,
  parseProbeRecord,
  parseReport,
} from './ledger-records.js';
import { readServiceIdentity } from './service-identity.js';

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

/** How often a transaction that lost an MVCC race is proposed again (a fresh proposal each time). */
const MVCC_ATTEMPTS = 3;
/** How often the commit status is asked again after the status request itself failed. */
const COMMIT_STATUS_ATTEMPTS = 3;

/**
 * The LedgerPort over the Fabric Gateway: the only place that imports
 * @hyperledger/fabric-gateway. Every call opens a Gateway connection for the acting
 * identity over the shared gRPC client of that identity's hospital's peer.
 */
export class FabricLedger implements LedgerPort {
  private readonly logger = new Logger(FabricLedger.name);
  /** The API's own identity at its first hospital, read once, for readiness checks. */
  private serviceIdentity?: LedgerIdentity;

  constructor(
    private readonly profile: NetworkProfile,
    private readonly peers: PeerClients,
    private readonly deadlines: LedgerDeadlines = DEFAULT_DEADLINES,
    private readonly readinessTimeoutMs = 2000,
  ) {}

  async ping(actor: LedgerIdentity): Promise<Committed<PingAnswer>> {
    return this.submit(actor, 'system', 'Ping', [], parsePingAnswer);
  }

  async recordProbe(actor: LedgerIdentity, probeId: string): Promise<Committed<ProbeRecord>> {
    return this.submit(actor, 'system', 'RecordProbe', [probeId], parseProbeRecord);
  }

  async readProbe(actor: LedgerIdentity, probeId: string): Promise<ProbeRecord> {
    return this.evaluate(actor, 'system', 'ReadProbe', [probeId], parseProbeRecord);
  }

  registerSelf(actor: LedgerIdentity): Promise<Committed<ParticipantRecord>> {
    return this.submit(actor, 'participants', 'RegisterSelf', [], parseParticipant);
  }

  assignCare(
    actor: LedgerIdentity,
    assignmentId: string,
    patientId: string,
    doctorId: string,
  ): Promise<Committed<CareAssignmentRecord>> {
    return this.submit(actor, 'care', 'AssignCare', [assignmentId, patientId, doctorId], parseCareAssignment);
  }

  endCare(actor: LedgerIdentity, assignmentId: string): Promise<Committed<CareAssignmentRecord>> {
    return this.submit(actor, 'care', 'EndCare', [assignmentId], parseCareAssignment);
  }

  listCareByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>> {
    return this.evaluate(
      actor,
      'care',
      'ListCareByPatient',
      [patientId, String(page.pageSize), page.bookmark],
      parsePage(parseCareAssignment),
    );
  }

  listCareByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<CareAssignmentRecord>> {
    return this.evaluate(
      actor,
      'care',
      'ListCareByDoctor',
      [doctorId, String(page.pageSize), page.bookmark],
      parsePage(parseCareAssignment),
    );
  }

  listGrantsByDoctor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<GrantRecord>> {
    return this.evaluate(
      actor,
      'consent',
      'ListGrantsByDoctor',
      [doctorId, String(page.pageSize), page.bookmark],
      parsePage(parseGrant),
    );
  }

  recordReport(actor: LedgerIdentity, report: NewReportRecord): Promise<Committed<ReportRecord>> {
    const args = [
      report.reportId,
      report.patientId,
      report.type,
      report.cid,
      report.ciphertextSha256,
      report.plaintextCommitment,
      String(report.size),
      report.encryptionScheme,
    ];
    return this.submit(actor, 'reports', 'RecordReport', args, parseReport);
  }

  accessReport(actor: LedgerIdentity, reportId: string): Promise<Committed<AccessReceiptRecord>> {
    return this.submit(actor, 'reports', 'AccessReport', [reportId], parseAccessReceipt);
  }

  getReport(actor: LedgerIdentity, reportId: string): Promise<ReportRecord> {
    return this.evaluate(actor, 'reports', 'GetReport', [reportId], parseReport);
  }

  listReportsByPatient(actor: LedgerIdentity, patientId: string, page: PageRequest): Promise<Page<ReportRecord>> {
    return this.evaluate(
      actor,
      'reports',
      'ListReportsByPatient',
      [patientId, String(page.pageSize), page.bookmark],
      parsePage(parseReport),
    );
  }

  listReportsByAuthor(actor: LedgerIdentity, doctorId: string, page: PageRequest): Promise<Page<ReportRecord>> {
    return this.evaluate(
      actor,
      'reports',
      'ListReportsByAuthor',
      [doctorId, String(page.pageSize), page.bookmark],
      parsePage(parseReport),
    );
  }

  voidReport(actor: LedgerIdentity, reportId: string): Promise<Committed<ReportVoidRecord>> {
    return this.submit(actor, 'reports', 'VoidReport', [reportId], parseReportVoid);
  }

  recordErasure(actor: LedgerIdentity, patientId: string): Promise<Committed<ErasureRecord>> {
    return this.submit(actor, 'erasure', 'RecordErasure', [patientId], parseErasure);
  }

  getErasure(actor: LedgerIdentity, patientId: string): Promise<ErasureRecord> {
    return this.evaluate(actor, 'erasure', 'GetErasure', [patientId], parseErasure);
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

  async checkReady(): Promise<void> {
    const unreachable = await this.peers.unreachable(this.readinessTimeoutMs);
    if (unreachable.length > 0) {
      throw new LedgerUnavailableError(
        `peer unreachable: ${unreachable.map((hospital) => `peer of ${hospital}`).join(', ')}`,
      );
    }
    // Every peer answers: check that the chaincode answers too, as the API's own identity.
    this.serviceIdentity ??= readServiceIdentity(this.profile.hospitals[0]);
    await this.evaluate(this.serviceIdentity, 'system', 'Ping', [], parsePingAnswer);
  }

  private async evaluate<T>(
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

  private async submit<T>(
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
          if (error instanceof CommitError && error.code === StatusCode.MVCC_READ_CONFLICT && attempt < MVCC_ATTEMPTS) {
            this.logger.warn(
              `${transaction}: MVCC read conflict on ${error.transactionId}, proposing again (${attempt})`,
            );
            continue;
          }
          throw this.translate(error, transaction);
        }
      }
    });
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

  /** The channel, through a Gateway connection as the actor that closes after `use`. */
  private async withNetwork<T>(actor: LedgerIdentity, use: (network: Network) => Promise<T>): Promise<T> {
    const gateway = this.connect(actor);
    try {
      return await use(gateway.getNetwork(this.profile.channel));
    } finally {
      gateway.close();
    }
  }

  private connect(actor: LedgerIdentity): Gateway {
    const { evaluateMs, endorseMs, submitMs, commitStatusMs } = this.deadlines;
    return connect({
      client: this.peers.forHospital(actor.hospital),
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

  /** Maps Gateway errors to the API's named errors: chaincode refusals by their stable code, the rest as unavailability. */
  private translate(error: unknown, transaction: string): Error {
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
