import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/app-config.js';
import { UsersRepository } from './users.repository.js';
import { UsersService } from './users.service.js';
import { errorSummary } from '../common/loggable-error.js';

const RETRY_MS = 5000;

/**
 * Creates each hospital's first admin from BOOTSTRAP_ADMINS
 * (`hospital-a:admin@a.example:password,…`) when that e-mail has no account yet. Retries
 * in the background while the hospital's CA is unreachable.
 */
@Injectable()
export class BootstrapAdmins implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BootstrapAdmins.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
  ) {}

  onApplicationBootstrap(): void {
    void this.ensure(parseBootstrapAdmins(this.config.BOOTSTRAP_ADMINS ?? ''));
  }

  private async ensure(admins: BootstrapAdmin[]): Promise<void> {
    const pending: BootstrapAdmin[] = [];
    for (const admin of admins) {
      try {
        const existing = await this.users.findByEmail(admin.email);
        if (existing) {
          // An account from an earlier start, perhaps from before its ledger registration.
          await this.usersService.ensureRegisteredOnLedger(existing);
          continue;
        }
        await this.usersService.createAccount({
          ...admin,
          role: 'admin',
          fullName: `Administrator of ${admin.hospital}`,
        });
        this.logger.log(`created the first admin of ${admin.hospital}`);
      } catch (error) {
        if (error instanceof DomainError && error.status < 500) {
          this.logger.error(`cannot create the first admin of ${admin.hospital}: ${error.message}`);
          continue;
        }
        this.logger.warn(`first admin of ${admin.hospital} not created yet (${errorSummary(error)}); retrying`);
        pending.push(admin);
      }
    }
    if (pending.length > 0) this.timer = setTimeout(() => void this.ensure(pending), RETRY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
  }
}

export interface BootstrapAdmin {
  hospital: string;
  email: string;
  password: string;
}

/** `hospital:email:password` entries, comma-separated; the password may itself contain ':'. */
export function parseBootstrapAdmins(value: string): BootstrapAdmin[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [hospital, email, ...password] = entry.split(':');
      return { hospital: hospital ?? '', email: email ?? '', password: password.join(':') };
    });
}
