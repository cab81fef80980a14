import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { PatientNotFoundError } from '../access/access.errors.js';
import { ConflictError, InvalidInputError } from '../common/domain-error.js';
import { FaultPoints } from '../common/fault-points.service.js';
import { AppConfig } from '../config/app-config.js';
import { CHUNKED_AEAD_SCHEME, createEncryptor, generateDataKey } from '../crypto/chunked-aead.js';
import { ContentErasedError, PatientKeysService, type RecordKeyWrapper } from '../crypto/patient-keys.service.js';
import { createDigestTee, generateCommitmentKey } from '../crypto/plaintext-commitment.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { UsersRepository } from '../users/users.repository.js';
import { type ReportFile, UnsupportedMediaTypeError } from './multipart-upload.js';
import type { ReportFieldsDto } from './reports.dto.js';
import {
  IdempotencyKeyReusedError,
  UploadForAnotherPatientError,
  UploadForErasedPatientError,
  UploadInProgressError,
} from './upload.errors.js';
import { commitmentKeyContext, dataKeyContext } from './record-keys.js';
import { ALLOWED_CONTENT_TYPES } from './report-kinds.js';
import { ReportsRepository, type SagaSteps, type UploadSaga } from './reports.repository.js';

/**
 * The upload saga: stream, digest and encrypt the file, add the ciphertext to IPFS, note
 * its CID in the saga row and pin it, record it on the ledger as its author (a doctor, or
 * the patient themself), then store metadata and key envelope. Each step is noted in the saga row before the next begins, so
 * that a crash or an outage at any point (the FAULT_POINTS) leaves a state that
 * UploadRecovery completes or rolls back; while the request runs, a heartbeat keeps the
 * recovery worker away, and every state change is conditional, so the two never both win.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    private readonly reports: ReportsRepository,
    private readonly users: UsersRepository,
    private readonly identities: LedgerIdentityService,
    private readonly patientKeys: PatientKeysService,
    private readonly config: AppConfig,
    private readonly faults: FaultPoints,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {}

  /** Runs the saga for a validated upload: `fields` describe it, `file` streams its content. */
  async upload(
    author: AuthenticatedUser,
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
    if (author.role === 'patient' && patientId !== author.id) {
      // Refused before anything is read or stored; the chaincode refuses it again.
      throw new UploadForAnotherPatientError('a patient adds records for themself only');
    }
    const patient = await this.users.findById(patientId);
    if (!patient || patient.role !== 'patient') {
      throw new PatientNotFoundError('no patient has this id');
    }
    const keyWrapper = await this.patientKeys.wrapperFor(patientId).catch((error: unknown) => {
      if (error instanceof ContentErasedError) throw new UploadForErasedPatientError(error.message);
      throw error;
    });
    const steps: SagaSteps = {
      contentStore: this.store.kind,
      authorRole: author.role === 'patient' ? 'patient' : 'doctor',
      patientId,
      type,
      title,
      fileName: file.fileName,
      contentType,
    };
    const { saga, existing } = await this.reports.startSaga({
      id: randomUUID(),
      userId: author.id,
      idempotencyKey,
      reportId: randomUUID(),
      steps,
    });
    if (existing) return this.replay(saga, steps, file);
    this.faults.reached('upload:saga-started');
    await this.authorise(author, saga, steps);

    // While this request works on the upload, the recovery worker must leave it alone.
    const heartbeat = setInterval(
      () => void this.reports.touch(saga).catch(() => undefined),
      (Math.min(30, this.config.RECOVERY_AFTER_SECONDS / 3) * 1000) | 0,
    );
    try {
      await this.storeContent(saga, steps, file, keyWrapper);
      await this.record(author, saga, steps);
    } finally {
      clearInterval(heartbeat);
    }
    this.faults.reached('upload:completed');
    return { ...saga, state: 'completed', steps };
  }

  /**
   * Before a byte is encrypted or stored: would the chaincode record this report by this
   * doctor now? Asked of the chaincode itself (RecordReport evaluated as the author, never
   * ordered), so that a doctor without a care assignment or grant that lets them write for
   * the patient is refused (403) before any work, by the same rules that refuse them at the
   * commit, which checks again. A patient's own record needs no question: it was checked
   * above, as the chaincode checks it. A refusal rolls the upload back (its key is free again).
   */
  private async authorise(author: AuthenticatedUser, saga: UploadSaga, steps: SagaSteps): Promise<void> {
    if (author.role === 'patient') return;
    try {
      const actor = await this.identities.signingIdentity(author.id, author.hospital);
      await this.ledger.reports.checkRecordable(actor, {
        reportId: saga.reportId,
        patientId: steps.patientId!,
        type: steps.type!,
      });
    } catch (error) {
      await this.rollBack(saga, undefined, error);
      throw error;
    }
  }

  /** Step 1: digest and encrypt the content, add it to IPFS, wrap its keys, note it all, then pin it. */
  private async storeContent(
    saga: UploadSaga,
    steps: SagaSteps,
    file: ReportFile,
    keyWrapper: RecordKeyWrapper,
  ): Promise<void> {
    const dataKey = generateDataKey();
    const commitmentKey = generateCommitmentKey();
    let cid: string | undefined;
    try {
      const plaintext = createDigestTee({ sha256: true, commitmentKey });
      const ciphertext = createDigestTee({ sha256: true });
      pipeline(Readable.from(file.stream), plaintext, createEncryptor(dataKey), ciphertext, () => undefined);
      // Unpinned until the saga row knows the CID: a crash in between leaves no orphan pin.
      cid = (await this.store.add(ciphertext, { pin: false })).cid;
      this.faults.reached('upload:content-added');
      const plain = plaintext.digests;
      const cipher = ciphertext.digests;
      if (plain.size === 0)
        throw new InvalidInputError('the file is empty', {
          details: { errors: [{ field: 'file', messages: ['file is empty'] }] },
        });
      const [wrappedDataKey, wrappedCommitmentKey] = keyWrapper.wrap([
        { context: dataKeyContext(saga.reportId), key: dataKey },
        { context: commitmentKeyContext(saga.reportId), key: commitmentKey },
      ]);
      const stored: SagaSteps = {
        cid,
        plaintextSha256: plain.sha256,
        plaintextSize: plain.size,
        plaintextCommitment: plain.commitment,
        ciphertextSha256: cipher.sha256,
        ciphertextSize: cipher.size,
        wrappedDataKey: wrappedDataKey.toString('base64'),
        wrappedCommitmentKey: wrappedCommitmentKey.toString('base64'),
      };
      if (!(await this.reports.advance(saga, ['receiving'], 'stored', stored)))
        throw new ConflictError('this upload was rolled back while its content was stored; send it again');
      Object.assign(steps, stored);
      await this.store.pin(cid);
    } catch (error) {
      await this.rollBack(saga, cid, error);
      throw error;
    }
    this.faults.reached('upload:stored');
  }

  /**
   * Step 2: record the report on the ledger as its author, then complete the upload: its
   * report row and key envelope written and the ledger proof noted, in one statement.
   */
  private async record(author: AuthenticatedUser, saga: UploadSaga, steps: SagaSteps): Promise<void> {
    let recorded: SagaSteps;
    try {
      const actor = await this.identities.signingIdentity(author.id, author.hospital);
      const committed = await this.ledger.reports.record(actor, {
        reportId: saga.reportId,
        patientId: steps.patientId!,
        type: steps.type!,
        cid: steps.cid!,
        ciphertextSha256: steps.ciphertextSha256!,
        plaintextCommitment: steps.plaintextCommitment!,
        size: steps.ciphertextSize!,
        encryptionScheme: CHUNKED_AEAD_SCHEME,
      });
      recorded = {
        txId: committed.transactionId,
        blockNumber: committed.blockNumber.toString(),
        recordedAt: committed.result.recordedAt,
      };
    } catch (error) {
      // A refusal is final: undo. Anything else may or may not have committed: recovery decides.
      if (error instanceof ChaincodeRefusedError) await this.rollBack(saga, steps.cid, error);
      throw error;
    }
    this.faults.reached('upload:ledger-committed');
    if (!(await this.reports.complete(saga, author.id, ['stored'], recorded)))
      await this.reclaim(saga, steps, recorded);
    Object.assign(steps, recorded);
  }

  /**
   * The ledger committed, but the upload's row had moved on: a recovery worker took the
   * request for dead. If it found the ledger record, it completed the upload and all is
   * well; if it rolled the upload back (and unpinned its content), pin it again (its blocks
   * are still on the node) and complete the upload after all.
   */
  private async reclaim(saga: UploadSaga, steps: SagaSteps, recorded: SagaSteps): Promise<void> {
    if (await this.reports.isRecorded(saga)) return;
    this.logger.warn(`upload ${saga.id} was rolled back while its ledger record committed; restoring it`);
    await this.store.pin(steps.cid!);
    if (!(await this.reports.complete(saga, saga.userId, ['rolled_back'], recorded)))
      throw new ConflictError('this upload changed while it was recorded; ask again with the same Idempotency-Key');
  }

  /**
   * The same Idempotency-Key again: the first result, never a second record. The key names
   * one upload: reusing it for another patient, type or title is refused.
   */
  private async replay(saga: UploadSaga, request: SagaSteps, file: ReportFile): Promise<UploadSaga> {
    for await (const chunk of file.stream) void chunk; // drain the repeated body
    const first = saga.steps;
    if (first.patientId !== request.patientId || first.type !== request.type || first.title !== request.title)
      throw new IdempotencyKeyReusedError(
        'this Idempotency-Key was used for another upload (patient, type or title differ); use a new key',
      );
    if (saga.state === 'completed') return saga;
    throw new UploadInProgressError('an upload with this Idempotency-Key is still being completed; ask again shortly');
  }

  private async rollBack(saga: UploadSaga, cid: string | undefined, cause: unknown): Promise<void> {
    if (cid)
      await this.store
        .unpin(cid)
        .catch((error: unknown) => this.logger.warn(`could not unpin ${cid}: ${(error as Error).message}`));
    await this.reports.advance(
      saga,
      ['receiving', 'stored'],
      'rolled_back',
      {},
      (cause as Error)?.message?.slice(0, 500),
    );
  }
}
