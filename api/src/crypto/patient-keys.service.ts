import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { KEY_SERVICE, type KeyService } from './key-service.port.js';
import { PatientKeysRepository } from './patient-keys.repository.js';
import { patientKekContext } from './sealing-contexts.js';

/** The patient's key-encryption key was destroyed: their content is erased and cannot be read. */
export class ContentErasedError extends DomainError {
  readonly code = 'CONTENT_ERASED';
  readonly status = 410;
}

/** Wraps record keys under one patient's KEK. */
export interface RecordKeyWrapper {
  wrap(keys: ReadonlyArray<{ context: string; key: Buffer }>): Buffer[];
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * One key-encryption key (KEK) per patient, itself sealed by the KeyService, wrapping the
 * data keys of all their records. Destroying a patient's KEK makes every record of theirs
 * unreadable (erasure), while the ledger keeps only digests.
 */
@Injectable()
export class PatientKeysService {
  constructor(
    @Inject(KEY_SERVICE) private readonly keys: KeyService,
    private readonly patientKeys: PatientKeysRepository,
  ) {}

  /**
   * The patient's KEK (created on first use), ready to wrap the keys of new records, each
   * bound to its context (`data:<id>`, …). Refuses (ContentErasedError, 410) once the
   * patient's content was erased: an upload asks for it before it streams anything, since
   * nothing new can be encrypted for them. Keys wrapped after an erasure that happens
   * meanwhile are unreadable like every other key of the patient.
   */
  async wrapperFor(patientId: string): Promise<RecordKeyWrapper> {
    const kek = await this.kekOf(patientId, true);
    return {
      wrap: (keys) =>
        keys.map(({ context, key }) => {
          const nonce = randomBytes(NONCE_BYTES);
          const cipher = createCipheriv('aes-256-gcm', kek, nonce, { authTagLength: TAG_BYTES });
          cipher.setAAD(Buffer.from(`record-key:${context}`));
          return Buffer.concat([nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
        }),
    };
  }

  /** Unwraps record keys; ContentErasedError once the patient's KEK was destroyed; throws when one was altered. */
  async unwrap(patientId: string, wrapped: ReadonlyArray<{ context: string; wrapped: Buffer }>): Promise<Buffer[]> {
    const kek = await this.kekOf(patientId, false);
    return wrapped.map(({ context, wrapped: envelope }) => {
      const decipher = createDecipheriv('aes-256-gcm', kek, envelope.subarray(0, NONCE_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(`record-key:${context}`));
      decipher.setAuthTag(envelope.subarray(envelope.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(envelope.subarray(NONCE_BYTES, envelope.length - TAG_BYTES)),
        decipher.final(),
      ]);
    });
  }

  /**
   * Destroys the patient's KEK for good; returns whether there was one to destroy. A
   * patient without a key yet gets a destroyed one, so that no upload creates a new key
   * after the erasure. With `manager`, inside the caller's transaction.
   */
  destroy(patientId: string, manager?: EntityManager): Promise<boolean> {
    return this.patientKeys.destroy(patientId, manager);
  }

  private async kekOf(patientId: string, create: boolean): Promise<Buffer> {
    const context = patientKekContext(patientId);
    const row = await this.patientKeys.find(patientId);
    if (row?.destroyedAt) throw new ContentErasedError("this patient's content was erased");
    if (row?.sealedKey) return this.keys.open(row.sealedKey, context);
    if (!create) throw new ContentErasedError('this patient has no key: no content can be read');
    // Two first uploads at once: one key wins, the other reads it back.
    await this.patientKeys.insertIfAbsent(patientId, await this.keys.seal(randomBytes(32), context));
    return this.kekOf(patientId, false);
  }
}
