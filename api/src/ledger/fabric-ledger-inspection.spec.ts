import { describe, expect, it } from '@jest/globals';
import protos from '@hyperledger/fabric-protos';
import { chaincodeEventsOf, countChaincodeEvents } from './fabric-ledger-inspection.js';

const { common, peer } = protos;

/** A filtered block of transactions, each valid or not, each with an event of a chaincode or none. */
function filteredBlock(
  transactions: Array<{ txId: string; valid?: boolean; eventOf?: string | null }>,
): InstanceType<typeof peer.FilteredBlock> {
  const block = new peer.FilteredBlock();
  block.setNumber(7);
  for (const { txId, valid = true, eventOf = 'medledger' } of transactions) {
    const tx = new peer.FilteredTransaction();
    tx.setTxid(txId);
    tx.setTxValidationCode(valid ? peer.TxValidationCode.VALID : peer.TxValidationCode.MVCC_READ_CONFLICT);
    const actions = new peer.FilteredTransactionActions();
    const action = new peer.FilteredChaincodeAction();
    if (eventOf !== null) {
      const event = new peer.ChaincodeEvent();
      event.setChaincodeId(eventOf);
      event.setTxId(txId);
      event.setEventName('ReportRecorded');
      action.setChaincodeEvent(event);
    }
    actions.addChaincodeActions(action);
    tx.setTransactionActions(actions);
    block.addFilteredTransactions(tx);
  }
  return block;
}

describe('countChaincodeEvents', () => {
  const block = filteredBlock([
    { txId: 'a' },
    { txId: 'b', valid: false },
    { txId: 'c', eventOf: null },
    { txId: 'd', eventOf: 'other-chaincode' },
    { txId: 'e' },
  ]);

  it("counts the chaincode's events of valid transactions", () => {
    expect(countChaincodeEvents(block, 'medledger', null)).toBe(2);
  });

  it('counts only those after the checkpoint transaction', () => {
    expect(countChaincodeEvents(block, 'medledger', 'a')).toBe(1);
    expect(countChaincodeEvents(block, 'medledger', 'e')).toBe(0);
  });

  it('counts every event of the block when the checkpoint transaction is not in it', () => {
    expect(countChaincodeEvents(block, 'medledger', 'z')).toBe(2);
  });
});

/**
 * A full block as a peer delivers it (serialised and read back): each transaction valid or
 * not, an endorser or a configuration transaction, with an event of a chaincode or none.
 */
function fullBlock(
  number: number,
  transactions: Array<{
    txId: string;
    valid?: boolean;
    config?: boolean;
    eventOf?: string | null;
    name?: string;
    payload?: string;
  }>,
): InstanceType<typeof common.Block> {
  const block = new common.Block();
  const header = new common.BlockHeader();
  header.setNumber(number);
  block.setHeader(header);
  const data = new common.BlockData();
  const validation = new Uint8Array(transactions.length);
  transactions.forEach((transaction, index) => {
    const {
      txId,
      valid = true,
      config = false,
      eventOf = 'medledger',
      name = 'ReportAccessed',
      payload = '{}',
    } = transaction;
    validation[index] = valid ? peer.TxValidationCode.VALID : peer.TxValidationCode.MVCC_READ_CONFLICT;
    const chaincodeAction = new peer.ChaincodeAction();
    if (eventOf !== null) {
      const event = new peer.ChaincodeEvent();
      event.setChaincodeId(eventOf);
      event.setTxId(txId);
      event.setEventName(name);
      event.setPayload(Buffer.from(payload));
      chaincodeAction.setEvents(event.serializeBinary());
    }
    const response = new peer.ProposalResponsePayload();
    response.setExtension$(chaincodeAction.serializeBinary());
    const endorsed = new peer.ChaincodeEndorsedAction();
    endorsed.setProposalResponsePayload(response.serializeBinary());
    const actionPayload = new peer.ChaincodeActionPayload();
    actionPayload.setAction(endorsed);
    const action = new peer.TransactionAction();
    action.setPayload(actionPayload.serializeBinary());
    const tx = new peer.Transaction();
    tx.addActions(action);
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(config ? common.HeaderType.CONFIG : common.HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setTxId(txId);
    const txHeader = new common.Header();
    txHeader.setChannelHeader(channelHeader.serializeBinary());
    const txPayload = new common.Payload();
    txPayload.setHeader(txHeader);
    txPayload.setData(tx.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(txPayload.serializeBinary());
    data.addData(envelope.serializeBinary());
  });
  block.setData(data);
  const metadata = new common.BlockMetadata();
  const empty = new Uint8Array();
  metadata.setMetadataList([empty, empty, validation, empty, empty]);
  block.setMetadata(metadata);
  return common.Block.deserializeBinary(block.serializeBinary());
}

describe('chaincodeEventsOf', () => {
  it("gives the chaincode's events of valid endorser transactions, in the block's order, with their JSON payload", () => {
    const block = fullBlock(12, [
      { txId: 'a', name: 'ReportRecorded', payload: '{"reportId":"r1","at":"2025-03-01T10:00:00.000Z"}' },
      { txId: 'b', valid: false },
      { txId: 'c', eventOf: null },
      { txId: 'd', eventOf: 'other-chaincode' },
      { txId: 'e', config: true },
      { txId: 'f', name: 'GrantRevoked', payload: '{"grantId":"g1"}' },
    ]);

    expect(chaincodeEventsOf(block, 'medledger')).toEqual([
      {
        blockNumber: 12n,
        transactionId: 'a',
        name: 'ReportRecorded',
        payload: { reportId: 'r1', at: '2025-03-01T10:00:00.000Z' },
      },
      { blockNumber: 12n, transactionId: 'f', name: 'GrantRevoked', payload: { grantId: 'g1' } },
    ]);
  });

  it('gives a payload that is not JSON as undefined, for the envelope reader to reject', () => {
    const block = fullBlock(3, [{ txId: 'a', payload: 'not json' }]);

    expect(chaincodeEventsOf(block, 'medledger')).toEqual([
      { blockNumber: 3n, transactionId: 'a', name: 'ReportAccessed', payload: undefined },
    ]);
  });

  it('counts the same events as the filtered block of the same transactions', () => {
    const transactions = [{ txId: 'a' }, { txId: 'b', valid: false }, { txId: 'c', eventOf: null }, { txId: 'd' }];

    expect(chaincodeEventsOf(fullBlock(7, transactions), 'medledger')).toHaveLength(
      countChaincodeEvents(filteredBlock(transactions), 'medledger', null),
    );
  });
});
