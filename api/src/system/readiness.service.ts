import { Inject, Injectable } from '@nestjs/common';
import { ComponentUnavailableError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseHealth } from '../database/database-health.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';

export type ComponentName = 'database' | 'ledger' | 'ipfs';

export interface ComponentState {
  status: 'up' | 'down';
  latencyMs: number;
  error?: string;
}

export type Readiness = Record<ComponentName, ComponentState>;

/** One or more backing components are down; the envelope lists each component's state. */
export class NotReadyError extends ComponentUnavailableError {
  readonly code = 'NOT_READY';
}

/** Checks every backing component at once, each within the readiness timeout. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseHealth,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly contentStore: ContentStore,
  ) {}

  /** Returns the state of every component; throws NotReadyError naming the ones that are down. */
  async check(): Promise<Readiness> {
    const [database, ledger, ipfs] = await Promise.all([
      this.probe(() => this.database.check()),
      this.probe(() => this.ledger.system.checkReady()),
      this.probe(() => this.contentStore.ping({ signal: AbortSignal.timeout(this.config.READINESS_TIMEOUT_MS) })),
    ]);
    const components: Readiness = { database, ledger, ipfs };
    const down = (Object.keys(components) as ComponentName[]).filter((name) => components[name].status === 'down');
    if (down.length > 0) {
      throw new NotReadyError(`not ready: ${down.join(', ')} unavailable`, { details: { components } });
    }
    return components;
  }

  private async probe(check: () => Promise<void>): Promise<ComponentState> {
    const started = performance.now();
    const timeout = this.config.READINESS_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout + 500);
        }),
      ]);
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
