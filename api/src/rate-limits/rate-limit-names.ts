import type { AppConfig } from '../config/app-config.js';

/**
 * The limits of the costly routes, each with its setting in AppConfig. Each limit has
 * budgets of its own: an upload does not spend a search.
 */
export const RATE_LIMIT_SETTINGS = {
  register: 'RATE_LIMIT_REGISTER',
  'account-links': 'RATE_LIMIT_ACCOUNT_LINKS',
  'ledger-check': 'RATE_LIMIT_LEDGER_CHECK',
  upload: 'RATE_LIMIT_UPLOAD',
  verify: 'RATE_LIMIT_VERIFY',
  content: 'RATE_LIMIT_CONTENT',
  emergency: 'RATE_LIMIT_EMERGENCY',
  search: 'RATE_LIMIT_SEARCH',
  'ledger-write': 'RATE_LIMIT_LEDGER_WRITE',
  audit: 'RATE_LIMIT_AUDIT',
} as const satisfies Record<string, keyof AppConfig>;

export type RateLimitName = keyof typeof RATE_LIMIT_SETTINGS;

export const RATE_LIMIT_NAMES = Object.keys(RATE_LIMIT_SETTINGS) as RateLimitName[];
