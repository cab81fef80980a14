import { parseJsonObject } from '../canonical-json';
import { corruptState } from '../errors';
import { requireIsoTime, requireMspId, requireOneOf, requireTxId, requireUuid } from '../validation';

export const ROLES = ['doctor', 'patient', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * `ehr.role` of the API's own certificate at each hospital (`medledger-api`): no `ehr.uid`,
 * never registered as a participant. It reads the ledger for reconciliation, with the
 * visibility of an auditor of its hospital (see requireAuditReader), and writes nothing.
 */
export const SERVICE_ROLE = 'service';

export const PARTICIPANT_OBJECT_TYPE = 'participant';
/**
 * hospital(mspId): a hospital (MSP) at least one participant registered from. An index
 * entry (its meaning is in the key) that RegisterSelf writes on every call, so that a
 * hospital whose users all registered under an earlier chaincode version is known once
 * any of them registers again (the API registers each hospital's first admin at every
 * start). It is written blind, never read there, so that concurrent registrations of one
 * hospital never conflict.
 */
export const HOSPITAL_OBJECT_TYPE = 'hospital';

/**
 * A user the ledger knows: pseudonymous ID, role and hospital (MSP), as the user's own
 * certificate stated them when they registered. Other records name participants by ID,
 * and the contracts check against this record that the named party exists, has the
 * expected role and belongs to the expected hospital.
 */
export class Participant {
  readonly uid: string;
  readonly role: Role;
  readonly mspId: string;
  readonly registeredAt: string;
  readonly txId: string;
  /** A patient whose content was erased (erasure:RecordErasure): when. Absent otherwise. */
  readonly erasedAt?: string;

  private constructor(fields: Participant) {
    this.uid = fields.uid;
    this.role = fields.role;
    this.mspId = fields.mspId;
    this.registeredAt = fields.registeredAt;
    this.txId = fields.txId;
    if (fields.erasedAt !== undefined) this.erasedAt = fields.erasedAt;
  }

  static create(fields: Participant): Participant {
    return new Participant({
      uid: requireUuid(fields.uid, 'uid'),
      role: requireOneOf(fields.role, 'role', ROLES),
      mspId: requireMspId(fields.mspId, 'mspId'),
      registeredAt: requireIsoTime(fields.registeredAt, 'registeredAt'),
      txId: requireTxId(fields.txId, 'txId'),
      erasedAt: fields.erasedAt === undefined ? undefined : requireIsoTime(fields.erasedAt, 'erasedAt'),
    });
  }

  static fromState(bytes: Uint8Array): Participant {
    const raw = parseJsonObject(bytes, 'participant');
    try {
      return Participant.create(raw as unknown as Participant);
    } catch (error) {
      throw corruptState(`stored participant is invalid (${(error as Error).message})`);
    }
  }
}
