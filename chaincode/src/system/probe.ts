import { parseJsonObject } from '../canonical-json';
import { corruptState } from '../errors';
import { requireInteger, requireString, requireUuid } from '../validation';

export const PROBE_OBJECT_TYPE = 'probe';

/**
 * A connectivity probe: a tiny record that any member can write and read, so that the
 * network's end-to-end path (endorsement by both hospitals, ordering, commit, history)
 * can be checked without touching medical data.
 */
export class Probe {
  readonly probeId: string;
  readonly revision: number;
  readonly writerMspId: string;
  readonly recordedAt: string;
  readonly txId: string;

  private constructor(fields: Probe) {
    this.probeId = fields.probeId;
    this.revision = fields.revision;
    this.writerMspId = fields.writerMspId;
    this.recordedAt = fields.recordedAt;
    this.txId = fields.txId;
  }

  static create(fields: Probe): Probe {
    return new Probe({
      probeId: requireUuid(fields.probeId, 'probeId'),
      revision: requireInteger(fields.revision, 'revision', 1, Number.MAX_SAFE_INTEGER),
      writerMspId: requireString(fields.writerMspId, 'writerMspId'),
      recordedAt: requireString(fields.recordedAt, 'recordedAt'),
      txId: requireString(fields.txId, 'txId'),
    });
  }

  /** Every read of probe state comes back through here, so corrupt state never passes silently. */
  static fromState(bytes: Uint8Array): Probe {
    const raw = parseJsonObject(bytes, 'probe');
    try {
      return Probe.create(raw as unknown as Probe);
    } catch (error) {
      throw corruptState(`stored probe is invalid (${(error as Error).message})`);
    }
  }
}
