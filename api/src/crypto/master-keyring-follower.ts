import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { errorSummary } from '../common/loggable-error.js';
import { LocalKeyService } from './local-key-service.js';
import { HOLDER_REPORT_MS, MasterKeyHoldersRepository } from './master-key-holders.repository.js';

/** How often the secrets file is read again (a rotation waits for every API to have read it). */
export const KEYRING_FILE_POLL_MS = 2000;

/**
 * Keeps this process's master keys in step with the secrets file (MASTER_KEY_FILE): reads
 * it again every two seconds and on SIGHUP, and reports the key ids it holds to
 * `master_key_holders` at start, whenever they change and every few seconds, so that
 * `npm run keys:rotate` re-wraps nothing before every running API can open the result
 * (docs/keys.md). Key ids only, never a key, reach the log or the database.
 */
@Injectable()
export class MasterKeyringFollower implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MasterKeys');
  private readonly instanceId = randomUUID();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly onHangup = () => void this.refresh();
  /** The last problem logged, per task: logged once until it changes. */
  private readonly problems = new Map<'refresh' | 'report', string>();
  private refreshing?: Promise<void>;

  constructor(
    private readonly keys: LocalKeyService,
    private readonly holders: MasterKeyHoldersRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (this.keys.follows) {
      this.timers.push(setInterval(() => void this.refresh(), KEYRING_FILE_POLL_MS).unref());
      process.on('SIGHUP', this.onHangup);
    }
    this.timers.push(setInterval(() => void this.report(), HOLDER_REPORT_MS).unref());
    void this.report();
  }

  async onApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    process.off('SIGHUP', this.onHangup);
    await this.holders.remove(this.instanceId).catch(() => undefined);
  }

  /** Reads the secrets file again; reports at once when the keys changed. One read at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        if (await this.keys.refresh()) {
          this.logger.log(`master keys now ${this.keys.keyIds.join(', ')} (sealing under ${this.keys.keyId})`);
          await this.report();
        }
        this.problems.delete('refresh');
      } catch (error) {
        this.warnOnce(
          'refresh',
          `cannot read the master keys again, keeping ${this.keys.keyIds.join(', ')}: ${errorSummary(error)}`,
        );
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async report(): Promise<void> {
    try {
      await this.holders.report({
        instanceId: this.instanceId,
        host: hostname(),
        pid: process.pid,
        followsFile: this.keys.follows,
        sealingKeyId: this.keys.keyId,
        keyIds: [...this.keys.keyIds],
      });
      this.problems.delete('report');
    } catch (error) {
      this.warnOnce('report', `cannot report the master keys held: ${errorSummary(error)}`);
    }
  }

  private warnOnce(task: 'refresh' | 'report', problem: string): void {
    if (problem !== this.problems.get(task)) this.logger.warn(problem);
    this.problems.set(task, problem);
  }
}
