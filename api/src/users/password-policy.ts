import { InvalidInputError } from '../common/domain-error.js';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/** The policy as the OpenAPI document states it: the length, and not one character repeated. */
export const PASSWORD_PATTERN = '^(?!([\\s\\S])\\1*$)[\\s\\S]*$';
export const PASSWORD_DESCRIPTION =
  `${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, not one character repeated, ` +
  "and not containing the e-mail address's name part (before the @) when that has 4 characters or more";

/**
 * Length over composition (NIST SP 800-63B): 12 to 128 characters, not one repeated
 * character, and not containing the e-mail's name part. Throws a 400 with the field's
 * problems (the field named `field`).
 */
export function assertPasswordAcceptable(password: string, email: string, field = 'password'): void {
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
      details: { errors: [{ field, messages: problems }] },
    });
  }
}
