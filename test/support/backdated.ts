import type { Contract, Gateway } from '@hyperledger/fabric-gateway';
import protos from '@hyperledger/fabric-protos';
import { createHash } from 'node:crypto';

const { common, gateway: gatewayProtos, peer } = protos;

/**
 * Submits a transaction whose proposal carries a timestamp `millisBack` in the past, signed
 * by the caller as usual.
 *
 * In Fabric the transaction time is written by the client that signs the proposal; the
 * chaincode's grant expiry is judged by it. Suites use this to check that the peers hold
 * that time to their own clocks (peer.authentication.timewindow) instead of trusting it.
 */
export async function submitBackdated(
  gateway: Gateway,
  contract: Contract,
  fn: string,
  args: string[],
  sign: (digest: Uint8Array) => Promise<Uint8Array>,
  millisBack: number,
): Promise<{ result: unknown; txId: string; successful: boolean }> {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(
    contract.newProposal(fn, { arguments: args }).getBytes(),
  );
  const signedProposal = proposed.getProposal();
  if (!signedProposal) throw new Error('the proposal has no signed proposal');
  const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
  const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
  const timestamp = channelHeader.getTimestamp();
  if (!timestamp) throw new Error('the proposal has no timestamp');
  timestamp.setSeconds(timestamp.getSeconds() - Math.round(millisBack / 1000));
  channelHeader.setTimestamp(timestamp);
  header.setChannelHeader(channelHeader.serializeBinary());
  proposal.setHeader(header.serializeBinary());
  const proposalBytes = proposal.serializeBinary();
  signedProposal.setProposalBytes(proposalBytes);
  proposed.setProposal(signedProposal);

  const signature = await sign(createHash('sha256').update(proposalBytes).digest());
  const transaction = await gateway.newSignedProposal(proposed.serializeBinary(), signature).endorse();
  const submitted = await transaction.submit();
  const status = await submitted.getStatus();
  return {
    result: JSON.parse(Buffer.from(submitted.getResult()).toString('utf8')),
    txId: status.transactionId,
    successful: status.successful,
  };
}
