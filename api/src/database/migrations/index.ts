import { LedgerCheckpoint1763700000000 } from './1763700000000-ledger-checkpoint.js';
import { Accounts1763800000000 } from './1763800000000-accounts.js';
import { Reports1763900000000 } from './1763900000000-reports.js';
import { PatientErasure1764000000000 } from './1764000000000-patient-erasure.js';
import { IntegrityAlerts1764100000000 } from './1764100000000-integrity-alerts.js';
import { ErasablePlaintextDigest1764200000000 } from './1764200000000-erasable-plaintext-digest.js';
import { Notifications1764300000000 } from './1764300000000-notifications.js';
import { ConsentStatements1764400000000 } from './1764400000000-consent-statements.js';
import { LedgerEventReaders1764500000000 } from './1764500000000-ledger-event-readers.js';
import { ConfirmedConsentStatements1764600000000 } from './1764600000000-confirmed-consent-statements.js';
import { LedgerProjection1764700000000 } from './1764700000000-ledger-projection.js';
import { AuditReconciliations1764800000000 } from './1764800000000-audit-reconciliations.js';
import { RefusedOpenings1764900000000 } from './1764900000000-refused-openings.js';
import { PatientSearch1765000000000 } from './1765000000000-patient-search.js';
import { CareDirectory1765100000000 } from './1765100000000-care-directory.js';
import { ErasureRequests1766100000000 } from './1766100000000-erasure-requests.js';
import { MasterKeyRotation1766200000000 } from './1766200000000-master-key-rotation.js';
import { RateLimits1766300000000 } from './1766300000000-rate-limits.js';
import { SecondFactor1766400000000 } from './1766400000000-second-factor.js';
import { AccountLinks1766310000000 } from './1766310000000-account-links.js';

/** Every migration, oldest first. A new migration is added here. */
export const MIGRATIONS = [
  LedgerCheckpoint1763700000000,
  Accounts1763800000000,
  Reports1763900000000,
  PatientErasure1764000000000,
  IntegrityAlerts1764100000000,
  ErasablePlaintextDigest1764200000000,
  Notifications1764300000000,
  ConsentStatements1764400000000,
  LedgerEventReaders1764500000000,
  ConfirmedConsentStatements1764600000000,
  LedgerProjection1764700000000,
  AuditReconciliations1764800000000,
  RefusedOpenings1764900000000,
  PatientSearch1765000000000,
  CareDirectory1765100000000,
  ErasureRequests1766100000000,
  MasterKeyRotation1766200000000,
  RateLimits1766300000000,
  AccountLinks1766310000000,
  SecondFactor1766400000000,
];
