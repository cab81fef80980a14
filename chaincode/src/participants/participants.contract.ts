import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalJson } from '../canonical-json';
import { conflict } from '../errors';
import { emitEvent, putIndex, putRecord, readRecord, requireRecord } from '../ledger-state';
import { transactionTime } from '../transaction-context';
import { requireUuid } from '../validation';
import { HOSPITAL_OBJECT_TYPE, Participant } from './participant';
import { certificateClaims, participantKey, requireCaller } from './participant-lookup';

/**
 * The users the ledger knows. Each registers itself, from its own certificate, before it
 * acts; other contracts then check the parties that arguments name against these records.
 */
@Info({ title: 'ParticipantsContract', description: 'Registration of doctors, patients, auditors and admins' })
export class ParticipantsContract extends LedgerContract {
  constructor() {
    super('participants');
  }

  /**
   * Records the caller's uid, role and hospital from its certificate, and that the hospital
   * has registered participants (the mark grants to a hospital are checked against).
   * Idempotent: a second call with the same certificate facts changes no record (it writes
   * the same hospital mark again) and emits no event; the same uid under another role or
   * hospital is a CONFLICT. Returns the participant.
   */
  @Transaction()
  @Returns('string')
  async RegisterSelf(ctx: Context): Promise<string> {
    const claims = certificateClaims(ctx);
    const key = participantKey(ctx, claims.uid);
    const existing = await readRecord(ctx, key, Participant.fromState);
    if (existing !== null) {
      if (existing.role !== claims.role || existing.mspId !== claims.mspId) {
        throw conflict(`participant ${claims.uid} is registered with another role or hospital`);
      }
      await putIndex(ctx, HOSPITAL_OBJECT_TYPE, [existing.mspId]);
      return canonicalJson(existing);
    }
    const participant = Participant.create({
      ...claims,
      registeredAt: transactionTime(ctx),
      txId: ctx.stub.getTxID(),
    });
    await putRecord(ctx, key, participant);
    await putIndex(ctx, HOSPITAL_OBJECT_TYPE, [participant.mspId]);
    emitEvent(ctx, 'ParticipantRegistered', { uid: participant.uid }, { participant });
    return canonicalJson(participant);
  }

  /** A participant's role and hospital; any registered participant may ask. */
  @Transaction(false)
  @Returns('string')
  async GetParticipant(ctx: Context, uid: string): Promise<string> {
    await requireCaller(ctx, 'read participants', ['doctor', 'patient', 'auditor', 'admin']);
    const key = participantKey(ctx, requireUuid(uid, 'uid'));
    return canonicalJson(await requireRecord(ctx, key, Participant.fromState, `participant ${uid}`));
  }
}
