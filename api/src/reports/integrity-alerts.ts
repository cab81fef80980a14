import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Metrics } from '../system/metrics.js';
import { errorSummary } from '../common/loggable-error.js';

/** The table of integrity alerts. */
@Injectable()
export class IntegrityAlertsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(alert: IntegrityAlert): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO integrity_alerts (id, report_id, source, failed_checks, detail, detected_by) VALUES ($1, $2, $3, $4, $5, $6)`,
      [randomUUID(), alert.reportId, alert.source, alert.failedChecks, alert.detail.slice(0, 1000), alert.detectedBy],
    );
  }
}

export type IntegrityAlertSource = 'read' | 'verify' | 'integrity-report';

export interface IntegrityAlert {
  reportId: string;
  /** Where the mismatch showed. */
  source: IntegrityAlertSource;
  /** The checks that failed: `cid`, `ciphertext`, `plaintext`, `ledger`, `chunk`. */
  failedChecks: string[];
  detail: string;
  /** The user whose request found it. */
  detectedBy: string | null;
}

/**
 * Raises an integrity alert: content or a stored record no longer matches the ledger.
 * Each alert is kept in PostgreSQL (for audit), logged at error level and counted in
 * `medledger_integrity_alerts_total`, which monitoring pages someone on.
 */
@Injectable()
export class IntegrityAlerts {
  private readonly logger = new Logger(IntegrityAlerts.name);

  constructor(
    private readonly alerts: IntegrityAlertsRepository,
    private readonly metrics: Metrics,
  ) {}

  async raise(alert: IntegrityAlert): Promise<void> {
    this.metrics.integrityAlerts.inc({ source: alert.source });
    this.logger.error({
      msg: `integrity alert: report ${alert.reportId} failed ${alert.failedChecks.join(', ')} (${alert.source})`,
      integrityAlert: alert,
    });
    try {
      await this.alerts.insert(alert);
    } catch (error) {
      // The log line and the metric stand; the caller's answer must not change because of this.
      this.logger.error(`could not store the integrity alert: ${errorSummary(error)}`);
    }
  }
}
