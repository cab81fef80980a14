import { describe, expect, it } from '@jest/globals';
import protos from '@hyperledger/fabric-protos';
import { countChaincodeEvents } from './fabric-ledger-inspection.js';

const { peer } = protos;

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
