import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { errorSummary } from '../common/loggable-error.js';
import { AppConfig } from '../config/app-config.js';
import { type DueErasure, PatientErasureRepository } from './patient-erasure.repository.js';
import { PatientErasureService } from './patient-erasure.service.js';

/** Requests one pass takes at most; the next poll goes on with the rest. */
const BATCH_SIZE = 20;

/** The longest wait before a failed step is tried again. */
const MAX_RETRY_SECONDS = 3600;

/**
 * Seconds before a request whose step failed `failedBefore` times already is tried again:
 * the poll interval, doubled with every failure, at most an hour.
 */
export function erasureRetrySeconds(failedBefore: number, pollSeconds: number): number {
  return Math.min(pollSeconds * 2 ** Math.min(failedBefore, 20), MAX_RETRY_SECONDS);
}

/**
 * Carries out erasure requests: every ERASURE_POLL_SECONDS, on every API process, the
 * confirmed requests whose effective time has come and those a crash or an outage left
 * half-done (PatientErasureService.carryOut: every step conditional on the state in
 * PostgreSQL, so that two processes, or a repeat after a crash, do each step once). A
 * failed step is kept with why and tried again after a growing delay.
 */
@Injectable()
export class ErasureWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ErasureWorker.name);
  private timer?: NodeJS.Timeout;
  private pass?: Promise<number>;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly erasures: PatientErasureRepository,
    private readonly service: PatientErasureService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.carryOutDue(), this.config.ERASURE_POLL_SECONDS * 1000).unref();
    void this.carryOutDue();
  }

  /** Stops polling and lets the step under way finish, before the database connections close. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass over the due requests; returns how many it carried out. A pass still running makes this one a no-op. */
  carryOutDue(): Promise<number> {
    if (this.pass) return Promise.resolve(0);
    this.pass = this.run().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  private async run(): Promise<number> {
    let done = 0;
    try {
      for (const request of await this.erasures.due(BATCH_SIZE)) {
        if (this.stopping) break;
        if (await this.settle(request)) done += 1;
      }
    } catch (error) {
      this.logger.warn(`erasure pass failed: ${errorSummary(error)}`);
    }
    return done;
  }

  private async settle(request: DueErasure): Promise<boolean> {
    try {
      return (await this.service.carryOut(request)) === 'done';
    } catch (error) {
      const retryAfterSeconds = erasureRetrySeconds(request.attempts, this.config.ERASURE_POLL_SECONDS);
      // Kept in the log and the request's row: never a value a database error may quote.
      const reason = errorSummary(error);
      this.logger.warn(
        `erasure request ${request.id} not carried out yet (retry in ${retryAfterSeconds} s): ${reason}`,
      );
      await this.erasures.noteFailure(request.id, reason, retryAfterSeconds).catch(() => undefined);
      return false;
    }
  }
}
