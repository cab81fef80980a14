import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { LEDGER, type LedgerIdentity, type LedgerPort } from '../ledger/ledger.port.js';
import { RefusedOpeningsRepository } from './refused-openings.repository.js';

const HOUR_MS = 60 * 60 * 1000;

/** The chaincode's refusals of an opening that are evidence: no grant, an ended grant, a role that never opens content. */
const REFUSAL_CODES: ReadonlySet<string> = new Set(['FORBIDDEN', 'GRANT_EXPIRED', 'GRANT_REVOKED']);

/** True when `error` is the chaincode refusing to let the reader open a report. */
export function isRefusedOpening(error: unknown): error is ChaincodeRefusedError {
  return error instanceof ChaincodeRefusedError && REFUSAL_CODES.has(error.code);
}

/**
 * Refused openings are evidence too: after the chaincode refused to let a user open a
 * report, the refusal is recorded on the ledger under that user's own identity (the
 * chaincode accepts it only while the user is in fact refused), rate-limited per user.
 * Recording never changes the answer: the user gets the same refusal whether or not it
 * could be written, and a failure to write it is logged (its code, no IDs of patients).
 */
@Injectable()
export class RefusedOpenings {
  private readonly logger = new Logger(RefusedOpenings.name);

  constructor(
    private readonly repository: RefusedOpeningsRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {}

  /**
   * Records the refusal when the limits allow (none of the same report recorded within
   * REFUSAL_REPEAT_SECONDS, fewer than REFUSALS_PER_USER_PER_HOUR in the last hour);
   * resolves either way.
   */
  async record(userId: string, actor: LedgerIdentity, reportId: string): Promise<void> {
    try {
      const now = this.clock.now();
      const windows = {
        allSince: new Date(now.getTime() - HOUR_MS),
        reportSince: new Date(now.getTime() - this.config.REFUSAL_REPEAT_SECONDS * 1000),
      };
      const allowed = await this.repository.claim(
        userId,
        reportId,
        now,
        windows,
        (recent) => recent.ofReport === 0 && recent.all < this.config.REFUSALS_PER_USER_PER_HOUR,
      );
      if (!allowed) return;
      await this.ledger.reports.recordRefusal(actor, reportId);
    } catch (error) {
      const code = error instanceof ChaincodeRefusedError ? error.code : (error as Error).name;
      this.logger.warn(`a refused opening could not be recorded on the ledger (${code})`);
    }
  }
}
