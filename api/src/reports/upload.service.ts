import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { ConflictError, InvalidInputError } from '../common/domain-error.js';
import { CHUNKED_AEAD_SCHEME, createEncryptor, generateDataKey } from '../crypto/chunked-aead.js';
import { PatientKeysService } from '../crypto/patient-keys.service.js';
import { createDigestTee, generateCommitmentKey } from '../crypto/plaintext-commitment.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { UsersRepository } from '../users/users.repository.js';
import { type ReportFile, UnsupportedMediaTypeError } from './multipart-upload.js';
import type { ReportFieldsDto } from './reports.dto.js';
import { commitmentKeyContext, dataKeyContext } from './record-keys.js';
import { ReportsRepository, type SagaSteps, type UploadSaga } from './reports.repository.js';

export const REPORT_TYPES = ['report', 'prescription', 'bill', 'lab', 'imaging', 'note'] as const;

/** Content types a report may have: documents, images, DICOM, text, JSON and FHIR JSON. */
export const ALLOWED_CONTENT_TYPES = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/dicom',
  'text/plain',
  'application/json',
  'application/fhir+json',
]);

/**
 * The upload saga: stream, digest and encrypt the file, add the ciphertext to IPFS
 * (pinned), record it on the ledger as the doctor, then store metadata and key envelope.
 * Every step is written to the saga row first, so that a crash or an outage at any point
 * leaves a state that UploadRecovery completes or rolls back.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    private readonly reports: ReportsRepository,
    private readonly users: UsersRepository,
    private readonly identities: LedgerIdentityService,
    private readonly patientKeys: PatientKeysService,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {}

  /** Runs the saga for a validated upload: `fields` describe it, `file` streams its content. */
  async upload(
    doctor: AuthenticatedUser,
    fields: ReportFieldsDto,
    file: ReportFile,
    idempotencyKey: string | null,
  ): Promise<UploadSaga> {
    const { patientId, type, title } = fields;
    const contentType = file.contentType.toLowerCase();
    if (!ALLOWED_CONTENT_TYPES.has(contentType)) {
      throw new UnsupportedMediaTypeError(
        `content type ${contentType} is not accepted (accepted: ${[...ALLOWED_CONTENT_TYPES].join(', ')})`,
      );
    }
    const patient = await this.users.findById(patientId);
    if (!patient || patient.role !== 'patient') {
      throw new InvalidInputError('no patient has this id', {
        details: { errors: [{ field: 'patientId', messages: ['unknown patient'] }] },
      });
    }
    const steps: SagaSteps = {
      contentStore: this.store.kind,
      patientId,
      type,
      title,
      fileName: file.fileName,
      contentType,
    };
    const { saga, existing } = await this.reports.startSaga({
      id: randomUUID(),
      userId: doctor.id,
      idempotencyKey,
      reportId: randomUUID(),
      steps,
    });
    if (existing) return this.replay(saga, file);

    const dataKey = generateDataKey();
    const commitmentKey = generateCommitmentKey();
    let cid: string | undefined;
    try {
      const plaintext = createDigestTee({ sha256: true, commitmentKey });
      const ciphertext = createDigestTee({ sha256: true });
      pipeline(Readable.from(file.stream), plaintext, createEncryptor(dataKey), ciphertext, () => undefined);
      cid = (await this.store.add(ciphertext)).cid;
      const plain = plaintext.digests;
      const cipher = ciphertext.digests;
      if (plain.size === 0)
        throw new InvalidInputError('the file is empty', {
          details: { errors: [{ field: 'file', messages: ['file is empty'] }] },
        });
      const stored: SagaSteps = {
        cid,
        plaintextSha256: plain.sha256,
        plaintextSize: plain.size,
        plaintextCommitment: plain.commitment,
        ciphertextSha256: cipher.sha256,
        ciphertextSize: cipher.size,
        wrappedDataKey: (await this.patientKeys.wrap(patientId, dataKeyContext(saga.reportId), dataKey)).toString(
          'base64',
        ),
        wrappedCommitmentKey: (
          await this.patientKeys.wrap(patientId, commitmentKeyContext(saga.reportId), commitmentKey)
        ).toString('base64'),
      };
      await this.reports.advance(saga.id, 'stored', stored);
      Object.assign(steps, stored);
    } catch (error) {
      await this.rollBack(saga, cid, error);
      throw error;
    }

    try {
      const actor = await this.identities.signingIdentity(doctor.id, doctor.hospital);
      const committed = await this.ledger.recordReport(actor, {
        reportId: saga.reportId,
        patientId,
        type,
        cid,
        ciphertextSha256: steps.ciphertextSha256!,
        plaintextCommitment: steps.plaintextCommitment!,
        size: steps.ciphertextSize!,
        encryptionScheme: CHUNKED_AEAD_SCHEME,
      });
      const recorded: SagaSteps = {
        txId: committed.transactionId,
        blockNumber: committed.blockNumber.toString(),
        recordedAt: committed.result.recordedAt,
      };
      await this.reports.advance(saga.id, 'recorded', recorded);
      Object.assign(steps, recorded);
    } catch (error) {
      // A refusal is final: undo. Anything else may or may not have committed: recovery decides.
      if (error instanceof ChaincodeRefusedError) await this.rollBack(saga, cid, error);
      throw error;
    }
    const completed = { ...saga, state: 'recorded' as const, steps };
    await this.reports.complete(completed, doctor.id);
    return { ...completed, state: 'completed' };
  }

  /** The same Idempotency-Key again: the first result, never a second record. */
  private async replay(saga: UploadSaga, file: ReportFile): Promise<UploadSaga> {
    for await (const chunk of file.stream) void chunk; // drain the repeated body
    if (saga.state === 'completed') return saga;
    throw new ConflictError(
      saga.state === 'rolled_back'
        ? 'an upload with this Idempotency-Key failed; use a new key to try again'
        : 'an upload with this Idempotency-Key is still being completed; ask again shortly',
    );
  }

  private async rollBack(saga: UploadSaga, cid: string | undefined, cause: unknown): Promise<void> {
    if (cid)
      await this.store
        .unpin(cid)
        .catch((error: unknown) => this.logger.warn(`could not unpin ${cid}: ${(error as Error).message}`));
    await this.reports.advance(saga.id, 'rolled_back', {}, (cause as Error)?.message?.slice(0, 500));
  }
}
