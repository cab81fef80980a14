import { Inject, Injectable, Logger } from '@nestjs/common';
import { RecoveryWorker } from '../common/recovery-worker.js';
import { AppConfig } from '../config/app-config.js';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { ChaincodeRefusedError } from '../ledger/ledger.errors.js';
import { DEFAULT_DEADLINES } from '../ledger/gateway-session.js';
import { LEDGER, type LedgerIdentity, type LedgerPort } from '../ledger/ledger.port.js';
import { UsersRepository } from '../users/users.repository.js';
import { ConsentStatementsRepository, type UnconfirmedStatement } from './consent-statements.repository.js';

/**
 * Past this many seconds a transaction the API proposed can no longer commit: the API
 * stopped waiting for endorsement, ordering and commit, and nobody else holds it.
 */
const LEDGER_GIVES_UP_SECONDS = Math.ceil(
  (DEFAULT_DEADLINES.endorseMs + DEFAULT_DEADLINES.submitMs + DEFAULT_DEADLINES.commitStatusMs) / 1000,
);

/**
 * Settles consent texts left unconfirmed by a crash, an outage or a failed commit: asks the
 * ledger, as the text's author, whether the change the text belongs to is there; confirms
 * the text if so and removes it if not, so that no text stays without its record and no
 * record loses its text. Runs on every replica; each step is conditional.
 */
@Injectable()
export class ConsentStatementsRecovery extends RecoveryWorker<UnconfirmedStatement> {
  protected readonly logger = new Logger(ConsentStatementsRecovery.name);

  constructor(
    config: AppConfig,
    private readonly statements: ConsentStatementsRepository,
    private readonly users: UsersRepository,
    private readonly identities: LedgerIdentityService,
    @Inject(LEDGER) private readonly ledger: LedgerPort,
  ) {
    super(Math.max(config.RECOVERY_AFTER_SECONDS, LEDGER_GIVES_UP_SECONDS));
  }

  protected unfinished(): Promise<UnconfirmedStatement[]> {
    return this.statements.unconfirmed(this.idleSeconds);
  }

  protected describe(statement: UnconfirmedStatement): string {
    return `the ${statement.kind} of ${statement.subjectId}`;
  }

  protected async settle(statement: UnconfirmedStatement): Promise<boolean> {
    const author = await this.users.findById(statement.authorId);
    if (!author) return false;
    const actor = await this.identities.signingIdentity(author.id, author.hospital);
    const committed = await this.changeCommitted(actor, statement);
    if (committed) await this.statements.confirm(statement.subjectId, statement.kind);
    else await this.statements.remove(statement.subjectId, statement.kind);
    return true;
  }

  /** Whether the ledger holds the change the text was written for. */
  private async changeCommitted(actor: LedgerIdentity, { subjectId, kind, authorId }: UnconfirmedStatement) {
    try {
      switch (kind) {
        case 'request-reason':
          await this.ledger.consent.getRequest(actor, subjectId);
          return true;
        case 'denial-reason':
          return (await this.ledger.consent.getRequest(actor, subjectId)).status === 'denied';
        case 'emergency-justification':
          await this.ledger.consent.getGrant(actor, subjectId);
          return true;
        case 'review-note':
          return (await this.ledger.consent.getGrant(actor, subjectId)).reviewedBy === authorId;
      }
    } catch (error) {
      if (error instanceof ChaincodeRefusedError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }
}
