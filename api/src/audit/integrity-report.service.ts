import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { decodeKeysetCursor, encodeKeysetCursor } from '../common/keyset-cursor.js';
import { NotFoundError } from '../common/domain-error.js';
import { IntegrityAlerts } from '../reports/integrity-alerts.js';
import { failedChecks, type Verification, ReportVerifierService } from '../reports/report-verifier.service.js';
import { ReportsRepository } from '../reports/reports.repository.js';

/** Reports checked at once: each streams its ciphertext from IPFS and asks the ledger. */
const PARALLEL_CHECKS = 4;

export interface IntegrityReport {
  checked: number;
  verified: number;
  failed: number;
  /** Every report of the batch that failed a check. */
  mismatches: Array<{ reportId: string; patientId: string; checks: Verification['checks'] }>;
  nextCursor: string | null;
}

/**
 * An auditor's batch verification: for each stored report, in the order recorded, the
 * ledger's record is compared with the stored one and the ciphertext on IPFS with the
 * ledger's CID and digest, without decrypting anything. One batch per call; the cursor
 * continues. Each mismatch also raises an integrity alert, a stored report that the
 * ledger does not know included; a component that cannot answer fails the batch (503),
 * which the auditor asks again.
 */
@Injectable()
export class IntegrityReportService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly verifier: ReportVerifierService,
    private readonly alerts: IntegrityAlerts,
  ) {}

  /** One report against the ledger; a stored report that the ledger never recorded is a mismatch too. */
  private async check(
    auditor: AuthenticatedUser,
    reportId: string,
  ): Promise<Pick<Verification, 'verified' | 'checks'>> {
    try {
      return await this.verifier.verify(auditor, reportId, 'integrity-report');
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const checks = { cid: false, ciphertext: false, plaintext: null, ledger: false };
      await this.alerts.raise({
        reportId,
        source: 'integrity-report',
        failedChecks: failedChecks(checks),
        detail: 'a stored report that the ledger never recorded',
        detectedBy: auditor.id,
      });
      return { verified: false, checks };
    }
  }

  async run(
    auditor: AuthenticatedUser,
    filter: { patientId?: string; limit: number; cursor?: string },
  ): Promise<IntegrityReport> {
    const batch = await this.reports.listRecorded({
      patientId: filter.patientId,
      after: filter.cursor ? decodeKeysetCursor(filter.cursor) : undefined,
      limit: filter.limit,
    });
    const results: Array<{
      reportId: string;
      patientId: string;
      verification: Pick<Verification, 'verified' | 'checks'>;
    }> = [];
    for (let start = 0; start < batch.length; start += PARALLEL_CHECKS) {
      const slice = batch.slice(start, start + PARALLEL_CHECKS);
      results.push(
        ...(await Promise.all(
          slice.map(async (report) => ({
            reportId: report.id,
            patientId: report.patientId,
            verification: await this.check(auditor, report.id),
          })),
        )),
      );
    }
    const mismatches = results
      .filter((result) => !result.verification.verified)
      .map((result) => ({
        reportId: result.reportId,
        patientId: result.patientId,
        checks: result.verification.checks,
      }));
    const last = batch[batch.length - 1];
    return {
      checked: results.length,
      verified: results.length - mismatches.length,
      failed: mismatches.length,
      mismatches,
      nextCursor:
        batch.length === filter.limit && last ? encodeKeysetCursor({ at: last.recordedAt, id: last.id }) : null,
    };
  }
}
