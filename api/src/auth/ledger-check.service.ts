import { Inject, Injectable } from '@nestjs/common';
import { LedgerIdentityService } from '../identity/ledger-identity.service.js';
import { LEDGER, type LedgerPort } from '../ledger/ledger.port.js';
import type { LedgerCheckDto } from './auth.dto.js';
import type { AuthenticatedUser } from './authenticated-user.js';

/** Signs a no-op transaction with the caller's own identity and reports what the chaincode saw. */
@Injectable()
export class LedgerCheckService {
  constructor(
    @Inject(LEDGER) private readonly ledger: LedgerPort,
    private readonly identities: LedgerIdentityService,
  ) {}

  async check(caller: AuthenticatedUser): Promise<LedgerCheckDto> {
    const identity = await this.identities.signingIdentity(caller.id, caller.hospital);
    const { result, transactionId, blockNumber } = await this.ledger.system.ping(identity);
    return {
      mspId: result.mspId,
      role: result.role,
      uid: result.uid,
      transactionId,
      blockNumber: blockNumber.toString(),
    };
  }
}
