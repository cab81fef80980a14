import { describe, expect, it, jest } from '@jest/globals';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { type Contract, EndorseError, type Network } from '@hyperledger/fabric-gateway';
import { GatewaySession } from './gateway-session.js';
import { ChaincodeRefusedError, LedgerUnavailableError } from './ledger.errors.js';
import type { LedgerIdentity } from './ledger.port.js';
import type { NetworkProfile } from './network-profile.js';
import type { PeerClients } from './peer-clients.js';

const ACTOR = { hospital: 'hospital-a' } as LedgerIdentity;

/** A session whose channel is a scripted contract: the submit loop runs as it does against a peer. */
class ScriptedSession extends GatewaySession {
  constructor(private readonly contract: Pick<Contract, 'submitAsync'>) {
    super({ chaincode: 'medledger', channel: 'ehr' } as NetworkProfile, {} as PeerClients);
  }

  override async withNetwork<T>(_actor: LedgerIdentity, use: (network: Network) => Promise<T>): Promise<T> {
    return use({ getContract: () => this.contract } as unknown as Network);
  }
}

const endorseError = (detailMessage: string) =>
  new EndorseError({
    code: GrpcStatus.ABORTED,
    details: [{ address: 'peer0.hospitalb:7051', mspId: 'HospitalBMSP', message: detailMessage }],
    cause: new Error('failed to collect enough transaction endorsements') as ServiceError,
    transactionId: 'tx-1',
    message: '10 ABORTED: failed to collect enough transaction endorsements, see attached details for more info',
  });

const committed = {
  getStatus: () => Promise.resolve({ successful: true, code: 0, transactionId: 'tx-2', blockNumber: 7n }),
  getResult: () => Buffer.from('{"ok":true}'),
  getTransactionId: () => 'tx-2',
};

describe('GatewaySession.submit', () => {
  it('proposes again when the hospitals’ peers answered differently (one a block behind), and commits', async () => {
    const submitAsync = jest
      .fn<() => Promise<unknown>>()
      .mockRejectedValueOnce(endorseError('ProposalResponsePayloads do not match'))
      .mockResolvedValueOnce(committed);
    const session = new ScriptedSession({ submitAsync } as unknown as Contract);

    const answer = await session.submit(ACTOR, 'consent', 'ApproveRequest', [], (json) => json);

    expect(answer).toEqual({ result: { ok: true }, transactionId: 'tx-2', blockNumber: 7n });
    expect(submitAsync).toHaveBeenCalledTimes(2);
  });

  it('never proposes a chaincode refusal again', async () => {
    const submitAsync = jest
      .fn<() => Promise<unknown>>()
      .mockRejectedValue(endorseError('chaincode response 500, FORBIDDEN: not your request'));
    const session = new ScriptedSession({ submitAsync } as unknown as Contract);

    await expect(session.submit(ACTOR, 'consent', 'ApproveRequest', [], (json) => json)).rejects.toBeInstanceOf(
      ChaincodeRefusedError,
    );
    expect(submitAsync).toHaveBeenCalledTimes(1);
  });

  it('gives up after three differing endorsements: the ledger is unavailable', async () => {
    const submitAsync = jest
      .fn<() => Promise<unknown>>()
      .mockRejectedValue(endorseError('ProposalResponsePayloads do not match'));
    const session = new ScriptedSession({ submitAsync } as unknown as Contract);

    await expect(session.submit(ACTOR, 'consent', 'ApproveRequest', [], (json) => json)).rejects.toBeInstanceOf(
      LedgerUnavailableError,
    );
    expect(submitAsync).toHaveBeenCalledTimes(3);
  });
});
