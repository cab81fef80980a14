import { Context, Info, Returns, Transaction } from 'fabric-contract-api';
import { LedgerContract } from '../ledger-contract';
import { canonicalJson } from '../canonical-json';
import { conflict, forbidden } from '../errors';
import { emitEvent, putRecord, requireRecord } from '../ledger-state';
import { Participant } from '../participants/participant';
import { participantKey, requireAuditReader, requireCaller, requireParty } from '../participants/participant-lookup';
import { transactionTime } from '../transaction-context';
import { Erasure } from './erasure';
import { erasureKey } from './erasure-lookup';

/**
 * Erasure of a patient's content: the API destroys the patient's key-encryption key and
 * records here that it did, once, so that every hospital and every auditor can see that
 * the patient's records are unreadable from then on (and the reports contract refuses new
 * ones). The ledger itself holds no PHI to erase; it keeps IDs and digests.
 */
@Info({ title: 'ErasureContract', description: 'Erasure of a patient’s content, recorded once' })
export class ErasureContract extends LedgerContract {
  constructor() {
    super('erasure');
  }

  /**
   * Records that the patient's content was erased. Only an admin of the patient's own
   * hospital; once per patient (CONFLICT after). Returns the erasure record.
   */
  @Transaction()
  @Returns('string')
  async RecordErasure(ctx: Context, patientId: string): Promise<string> {
    const admin = await requireCaller(ctx, 'record erasures', ['admin']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    if (patient.mspId !== admin.mspId) throw forbidden(`patient ${patient.uid} belongs to another hospital`);
    if (patient.erasedAt !== undefined) {
      throw conflict(`the erasure of patient ${patient.uid} is already recorded`);
    }
    const erasure = Erasure.create({
      patientId: patient.uid,
      erasedBy: admin.uid,
      erasedByMspId: admin.mspId,
      erasedAt: transactionTime(ctx),
      txId: ctx.stub.getTxID(),
    });
    await putRecord(ctx, erasureKey(ctx, patient.uid), erasure);
    // The mark on the participant is what other contracts check (requireNotErased).
    const erased = Participant.create({ ...patient, erasedAt: erasure.erasedAt });
    await putRecord(ctx, participantKey(ctx, patient.uid), erased);
    emitEvent(
      ctx,
      'PatientErased',
      { patientId: erasure.patientId, erasedBy: erasure.erasedBy },
      { erasure, participant: erased },
    );
    return canonicalJson(erasure);
  }

  /**
   * The erasure record of a patient, NOT_FOUND while they are not erased: for auditors,
   * the API's service identity (see requireAuditReader), admins of the patient's hospital,
   * and the patient.
   */
  @Transaction(false)
  @Returns('string')
  async GetErasure(ctx: Context, patientId: string): Promise<string> {
    const caller = await requireAuditReader(ctx, 'read erasures', ['auditor', 'admin', 'patient']);
    const patient = await requireParty(ctx, patientId, 'patientId', 'patient');
    const allowed =
      caller.role === 'auditor' ||
      caller.uid === patient.uid ||
      (caller.role === 'admin' && caller.mspId === patient.mspId);
    if (!allowed) throw forbidden(`the erasure of patient ${patient.uid} is not the caller's to read`);
    const erasure = await requireRecord(
      ctx,
      erasureKey(ctx, patient.uid),
      Erasure.fromState,
      `erasure of ${patient.uid}`,
    );
    return canonicalJson(erasure);
  }
}
