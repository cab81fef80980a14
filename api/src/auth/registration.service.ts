import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { MailOutboxRepository } from '../notifications/mail-outbox.repository.js';
import { parseBootstrapAdmins } from '../users/bootstrap-admins.js';
import { assertPasswordAcceptable } from '../users/password-policy.js';
import { EmailTakenError, UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import { PasswordHasher } from './password-hasher.js';
import { RegistrationPacer } from './registration-pacer.js';

/** A patient's registration, as the route takes it. */
export interface PatientRegistration {
  email: string;
  password: string;
  fullName: string;
  dateOfBirth: string;
  hospital: string;
}

/** At most one "someone tried to register with your address" e-mail per account within this time. */
export const REGISTRATION_NOTICE_INTERVAL_SECONDS = 15 * 60;

const normalised = (email: string) => email.trim().toLowerCase();

/**
 * Patients register themselves, and the answer says nothing of whether the address had an
 * account: the same status and body, and about the same time (RegistrationPacer), whether
 * an account was created or not. For an address that has an account nothing changes and its
 * owner gets an e-mail saying that someone tried (at most one per quarter of an hour); the
 * bootstrap admins' addresses (BOOTSTRAP_ADMINS) are never registered, even before those
 * admins exist. What is left: whoever registered can sign in with the password they chose
 * only when the account is theirs (docs/api.md, "Registration").
 */
@Injectable()
export class RegistrationService {
  private readonly reserved: ReadonlySet<string>;

  constructor(
    config: AppConfig,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly passwords: PasswordHasher,
    private readonly identities: LedgerIdentityService,
    private readonly outbox: MailOutboxRepository,
    private readonly pacer: RegistrationPacer,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.reserved = new Set(
      parseBootstrapAdmins(config.BOOTSTRAP_ADMINS ?? '').map((admin) => normalised(admin.email)),
    );
  }

  /** Whether an address belongs to a bootstrap admin (taken, whether that admin exists yet or not). */
  isReserved(email: string): boolean {
    return this.reserved.has(normalised(email));
  }

  /**
   * Creates the patient's account when the address is free; otherwise tells the address's
   * owner. Refusals that depend on the input alone (a weak password, an unknown hospital)
   * come first, the same for every address.
   */
  async register(registration: PatientRegistration): Promise<void> {
    assertPasswordAcceptable(registration.password, registration.email);
    this.identities.hospital(registration.hospital);
    const startedAt = performance.now();
    if (!this.isReserved(registration.email) && !(await this.users.findByEmail(registration.email))) {
      try {
        await this.usersService.createAccount({ ...registration, role: 'patient' });
        this.pacer.recordCreation(performance.now() - startedAt);
        return;
      } catch (error) {
        // Registered a moment ago by a concurrent request: as if it had been there before.
        if (!(error instanceof EmailTakenError)) throw error;
      }
    }
    // What creating would have cost in CPU, spent and discarded.
    await this.passwords.hash(registration.password);
    const owner = await this.users.findByEmail(registration.email);
    if (owner) {
      await this.dataSource.transaction((manager) =>
        this.outbox.enqueueUnlessRecent(
          manager,
          { userId: owner.id, kind: 'registration-attempt' },
          REGISTRATION_NOTICE_INTERVAL_SECONDS,
        ),
      );
    }
    await this.pacer.padFrom(startedAt);
  }
}
