import { LedgerCheckpoint1763700000000 } from './1763700000000-ledger-checkpoint.js';

/** Every migration, oldest first. A new migration is added here. */
export const MIGRATIONS = [LedgerCheckpoint1763700000000];
