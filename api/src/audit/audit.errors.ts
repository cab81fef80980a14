import { DomainError } from '../common/domain-error.js';

/**
 * A patient asked for another patient's audit trail (their events, or the history of a
 * report of theirs): not allowed, as opening another patient's record is (403).
 */
export class AnotherPatientsTrailError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}
