import { Inject, Injectable, Logger } from '@nestjs/common';
import { ComponentUnavailableError } from '../common/domain-error.js';
import { errorSummary } from '../common/loggable-error.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseHealth } from '../database/database-health.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import { CONTENT_STORE, type ContentStore } from '../storage/content-store.port.js';

export const COMPONENT_NAMES = ['database', 'ledger', 'ipfs'] as const;

export type ComponentName = (typeof COMPONENT_NAMES)[number];

/**
 * A component as the public readiness route shows it: whether it answers and how long its
 * check took. Never why it is down: a driver's message names hosts, ports, users and
 * versions, which are nobody's business on an anonymous route. The log says why.
 */
export interface ComponentState {
  status: 'up' | 'down';
  latencyMs: number;
}

export type Readiness = Record<ComponentName, ComponentState>;

/** One or more backing components are down; the envelope lists each component's state. */
export class NotReadyError extends ComponentUnavailableError {
  readonly code = 'NOT_READY';
}

/** Checks every backing component at once, each within the readiness timeout. */
@Injectable()
export class ReadinessService {
  private readonly logger = new Logger('Readiness');
  /** The last state seen of each component, so that the log names a change once, not every probe. */
  private readonly lastStatus = new Map<ComponentName, ComponentState['status']>();

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseHealth,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    @Inject(CONTENT_STORE) private readonly contentStore: ContentStore,
  ) {}

  /** Returns the state of every component; throws NotReadyError naming the ones that are down. */
  async check(): Promise<Readiness> {
    const [database, ledger, ipfs] = await Promise.all([
      this.probe('database', () => this.database.check()),
      this.probe('ledger', () => this.ledger.system.checkReady()),
      this.probe('ipfs', () =>
        this.contentStore.ping({ signal: AbortSignal.timeout(this.config.READINESS_TIMEOUT_MS) }),
      ),
    ]);
    const components: Readiness = { database, ledger, ipfs };
    const down = COMPONENT_NAMES.filter((name) => components[name].status === 'down');
    if (down.length > 0) {
      throw new NotReadyError(`not ready: ${down.join(', ')} unavailable`, { details: { components } });
    }
    return components;
  }

  private async probe(name: ComponentName, check: () => Promise<void>): Promise<ComponentState> {
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
      this.noteStatus(name, 'up');
      return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      this.noteStatus(name, 'down', error);
      return { status: 'down', latencyMs: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Logs a component going down (with why) or coming back, once per change. */
  private noteStatus(name: ComponentName, status: ComponentState['status'], error?: unknown): void {
    const last = this.lastStatus.get(name);
    this.lastStatus.set(name, status);
    if (status === last) return;
    if (status === 'down') this.logger.warn(`${name} is down: ${errorSummary(error)}`);
    else if (last === 'down') this.logger.log(`${name} is up again`);
  }
}
