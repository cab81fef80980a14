import { InvalidInputError } from '../common/domain-error.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Length over composition (NIST SP 800-63B): 12 to 128 characters, not one repeated
 * character, and not containing the e-mail's name part. Throws a 400 with the field's
 * problems.
 */
export function assertPasswordAcceptable(password: string, email: string): void {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push(`password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) problems.push(`password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  if (length > 0 && new Set(password).size === 1) problems.push('password must not be one repeated character');
  const localPart = email.split('@')[0]?.toLowerCase() ?? '';
  if (localPart.length >= 4 && password.toLowerCase().includes(localPart))
    problems.push('password must not contain the e-mail address');
  if (problems.length > 0) {
    throw new InvalidInputError('the password does not meet the policy', {
      details: { errors: [{ field: 'password', messages: problems }] },
    });
  }
}
