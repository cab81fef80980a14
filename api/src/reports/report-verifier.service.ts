import { Inject, Injectable } from '@nestjs/common';
import { Readable, pipeline } from 'node:stream';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { createDecryptor, IntegrityError } from '../crypto/chunked-aead.js';
import { PatientKeysService } from '../crypto/patient-keys.service.js';
import { createDigestTee, digestsEqual } from '../crypto/plaintext-commitment.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { LEDGER, type LedgerPort, type ReportRecord } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';
import { ContentNotFoundError } from '../storage/storage.errors.js';
import { type IntegrityAlertSource, IntegrityAlerts } from './integrity-alerts.js';
import { visibleReport } from './reports-query.service.js';
import { type ReportRow, ReportsRepository } from './reports.repository.js';
import { storedMatchesLedger } from './ledger-match.js';
import { openRecordKeys } from './record-keys.js';

export interface Verification {
  verified: boolean;
  checks: {
    /** The content store still serves the ledger's CID. */
    cid: boolean;
    /** The stored ciphertext's SHA-256 equals the ledger's. */
    ciphertext: boolean;
    /** Every chunk authenticates and the plaintext matches its commitment on the ledger; null for auditors (no decryption). */
    plaintext: boolean | null;
    /** The stored record (CID, digests) equals the ledger's. */
    ledger: boolean;
  };
  ledger: ReportRecord;
}

/**
 * Checks a stored report against the ledger without releasing any content (so no access
 * receipt): auditors compare the stored ciphertext only; the patient, the author and
 * grantees also decrypt and check the plaintext commitment.
 */
@Injectable()
export class ReportVerifierService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly identities: LedgerIdentityService,
    private readonly patientKeys: PatientKeysService,
    private readonly alerts: IntegrityAlerts,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly store: ContentStore,
  ) {}

  /** The record's keys, or null when its envelope no longer opens (then the plaintext check fails). */
  private async recordKeys(stored: ReportRow): Promise<{ dataKey: Buffer; commitmentKey: Buffer } | null> {
    try {
      return await openRecordKeys(this.patientKeys, stored);
    } catch (error) {
      if (error instanceof IntegrityError) return null;
      throw error;
    }
  }

  /** Verifies one report as the caller; a failed check raises an integrity alert from `source`. */
  async verify(
    caller: AuthenticatedUser,
    reportId: string,
    source: Extract<IntegrityAlertSource, 'verify' | 'integrity-report'> = 'verify',
  ): Promise<Verification> {
    const actor = await this.identities.signingIdentity(caller.id, caller.hospital);
    const onLedger = await visibleReport(this.ledger, actor, reportId);
    const stored = await this.reports.findReport(reportId);
    const ledgerMatches = stored !== null && storedMatchesLedger(stored, onLedger);

    const ciphertext = createDigestTee({ sha256: true });
    const keys = caller.role === 'auditor' || stored === null ? null : await this.recordKeys(stored);
    let cid = true;
    let plaintext: boolean | null = caller.role === 'auditor' ? null : false;
    try {
      if (keys) {
        const plain = createDigestTee({ sha256: false, commitmentKey: keys.commitmentKey });
        await drain(
          pipeline(
            Readable.from(this.store.cat(onLedger.cid)),
            ciphertext,
            createDecryptor(keys.dataKey),
            plain,
            () => undefined,
          ),
        );
        plaintext = digestsEqual(plain.digests.commitment ?? '', onLedger.plaintextCommitment);
      } else {
        await drain(pipeline(Readable.from(this.store.cat(onLedger.cid)), ciphertext, () => undefined));
      }
    } catch (error) {
      if (error instanceof ContentNotFoundError) cid = false;
      else if (!(error instanceof IntegrityError)) throw error;
    }
    const ciphertextMatches = cid && digestsEqual(safeDigest(ciphertext), onLedger.ciphertextSha256);
    const checks = { cid, ciphertext: ciphertextMatches, plaintext, ledger: ledgerMatches };
    const verified = cid && ciphertextMatches && ledgerMatches && plaintext !== false;
    if (!verified) {
      await this.alerts.raise({
        reportId,
        source,
        failedChecks: failedChecks(checks),
        detail:
          stored === null
            ? 'no stored record for a report on the ledger'
            : 'stored content or record differs from the ledger',
        detectedBy: caller.id,
      });
    }
    return { verified, checks, ledger: onLedger };
  }
}

/** The names of the checks that failed (null, not run, is not a failure). */
export function failedChecks(checks: Verification['checks']): string[] {
  return Object.entries(checks)
    .filter(([, passed]) => passed === false)
    .map(([check]) => check);
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const chunk of stream) void chunk;
}

function safeDigest(tee: { digests: { sha256?: string } }): string {
  try {
    return tee.digests.sha256 ?? '';
  } catch {
    return ''; // the stream did not finish: nothing to compare
  }
}
