import { Inject, Injectable } from '@nestjs/common';
import { Readable, pipeline } from 'node:stream';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { NotFoundError } from '../common/domain-error.js';
import { createDecryptor, IntegrityError } from '../crypto/chunked-aead.js';
import { PatientKeysService } from '../crypto/patient-keys.service.js';
import { createDigestTee, digestsEqual, type DigestTee } from '../crypto/plaintext-commitment.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { IntegrityAlerts } from './integrity-alerts.js';
import { type ReportRow, ReportsRepository } from './reports.repository.js';
import { storedMatchesLedger } from './ledger-match.js';
import { openRecordKeys } from './record-keys.js';
import { isRefusedOpening, RefusedOpenings } from './refused-openings.js';

/** An opened report: what the response headers say, and the verified plaintext. */
export interface OpenedReport {
  report: ReportRow;
  receiptTxId: string;
  /** Plaintext, released chunk by chunk only after each chunk authenticated; fails at the end if a digest differs. */
  content: AsyncIterable<Uint8Array>;
  /**
   * Ends the read however far it got (the client went away): aborts the IPFS stream, tears
   * down the decryption and wipes the record's keys. Idempotent; the end of `content` does
   * the same.
   */
  release(): void;
}

/**
 * Opening a report: the ledger first (the chaincode checks the reader's right at this
 * moment and writes the access receipt; no receipt, no content; a refusal is recorded on
 * the ledger as evidence too), then the ciphertext by
 * its CID, checked against the ledger's digests and decrypted chunk by chunk.
 */
@Injectable()
export class ReportReaderService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly identities: LedgerIdentityService,
    private readonly patientKeys: PatientKeysService,
    private readonly alerts: IntegrityAlerts,
    private readonly refusals: RefusedOpenings,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {}

  async open(reader: AuthenticatedUser, reportId: string): Promise<OpenedReport> {
    const report = await this.reports.findReport(reportId);
    if (!report) throw new NotFoundError('no report has this id');
    const actor = await this.identities.signingIdentity(reader.id, reader.hospital);
    const receipt = await this.ledger.reports.access(actor, reportId).catch(async (error: unknown) => {
      if (isRefusedOpening(error)) await this.refusals.record(reader.id, actor, reportId);
      throw error;
    });
    const onLedger = await this.ledger.reports.get(actor, reportId);
    if (!storedMatchesLedger(report, onLedger)) {
      throw await this.alert(
        reader,
        reportId,
        ['ledger'],
        new IntegrityError('the stored record does not match the ledger', 'chunk-rejected'),
      );
    }
    const { dataKey, commitmentKey } = await openRecordKeys(this.patientKeys, report).catch(async (error: unknown) => {
      if (error instanceof IntegrityError) throw await this.alert(reader, reportId, ['envelope'], error);
      throw error;
    });

    // The IPFS stream ends with the read, however it ends: when the whole pipeline is done
    // (finished, failed, or destroyed because its consumer went away) the keys are wiped.
    const transfer = new AbortController();
    const ciphertext = createDigestTee({ sha256: true });
    const plaintext = createDigestTee({ sha256: false, commitmentKey });
    const output = pipeline(
      Readable.from(this.store.cat(report.cid, { signal: transfer.signal })),
      ciphertext,
      createDecryptor(dataKey),
      plaintext,
      () => {
        dataKey.fill(0);
        commitmentKey.fill(0);
      },
    );
    const release = () => {
      transfer.abort();
      output.destroy();
    };
    const content = verifiedAtEnd(output as unknown as AsyncIterable<Uint8Array>, ciphertext, plaintext, onLedger);
    // Pull the first verified chunk now: a tampered first chunk (and every small report)
    // fails here, before any response header is sent, as a 422.
    const iterator = this.alerting(reader, reportId, content)[Symbol.asyncIterator]();
    let first: IteratorResult<Uint8Array>;
    try {
      first = await iterator.next();
    } catch (error) {
      release();
      throw error;
    }
    return { report, receiptTxId: receipt.transactionId, content: prepend(first, iterator, release), release };
  }

  /** Passes the content through; a chunk or digest that fails verification raises an integrity alert. */
  private async *alerting(
    reader: AuthenticatedUser,
    reportId: string,
    content: AsyncIterable<Uint8Array>,
  ): AsyncIterable<Uint8Array> {
    try {
      yield* content;
    } catch (error) {
      if (error instanceof IntegrityError) throw await this.alert(reader, reportId, ['ciphertext', 'plaintext'], error);
      throw error;
    }
  }

  private async alert(
    reader: AuthenticatedUser,
    reportId: string,
    failedChecks: string[],
    error: IntegrityError,
  ): Promise<IntegrityError> {
    await this.alerts.raise({ reportId, source: 'read', failedChecks, detail: error.message, detectedBy: reader.id });
    return error;
  }
}

async function* verifiedAtEnd(
  source: AsyncIterable<Uint8Array>,
  ciphertext: DigestTee,
  plaintext: DigestTee,
  ledger: { ciphertextSha256: string; plaintextCommitment: string },
): AsyncIterable<Uint8Array> {
  yield* source;
  if (!digestsEqual(ciphertext.digests.sha256 ?? '', ledger.ciphertextSha256)) {
    throw new IntegrityError('the ciphertext does not match its digest on the ledger', 'chunk-rejected');
  }
  if (!digestsEqual(plaintext.digests.commitment ?? '', ledger.plaintextCommitment)) {
    throw new IntegrityError('the plaintext does not match its commitment on the ledger', 'chunk-rejected');
  }
}

async function* prepend(
  first: IteratorResult<Uint8Array>,
  rest: AsyncIterator<Uint8Array>,
  release: () => void,
): AsyncIterable<Uint8Array> {
  try {
    if (first.done) return;
    yield first.value;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  } finally {
    release();
  }
}
