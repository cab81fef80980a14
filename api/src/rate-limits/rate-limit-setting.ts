import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';

/**
 * One limit's budgets within RATE_LIMIT_WINDOW_SECONDS: requests per signed-in user, and
 * per client address (all users behind it together, as a hospital's NAT puts them).
 * Anonymous routes have the address budget only.
 */
export interface RateLimitSetting {
  /** null on an anonymous route, which has no user to count. */
  perUser: number | null;
  perAddress: number;
}

/** The largest budget a setting may give: beyond it a limit no longer limits anything. */
const MAX_BUDGET = 1_000_000;

const BUDGET = /^[1-9][0-9]{0,6}$/;

/**
 * Reads `<per user>/<per address>` (or `<per address>` alone for an anonymous route) into
 * a setting; anything else is left as it was, for the validator to refuse with its value.
 */
export function parseRateLimitSetting({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const parts = value.trim().split('/');
  if (!parts.every((part) => BUDGET.test(part.trim()))) return value;
  const numbers = parts.map((part) => Number(part.trim()));
  if (numbers.length === 1) return { perUser: null, perAddress: numbers[0] } satisfies RateLimitSetting;
  if (numbers.length === 2) return { perUser: numbers[0], perAddress: numbers[1] } satisfies RateLimitSetting;
  return value;
}

const isBudget = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_BUDGET;

/**
 * A rate-limit setting: `<per user>/<per address>`, or `<per address>` alone where the
 * route is anonymous (`anonymous: true`); whole numbers from 1 to 1 000 000.
 */
export const IsRateLimitSetting = (options: { anonymous: boolean }) =>
  ValidateBy({
    name: 'isRateLimitSetting',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'object' || value === null) return false;
        const { perUser, perAddress } = value as Partial<RateLimitSetting>;
        if (!isBudget(perAddress)) return false;
        return options.anonymous ? perUser === null : isBudget(perUser);
      },
      defaultMessage: (args) =>
        options.anonymous
          ? `${args?.property ?? 'the value'} must be the requests allowed per client address (a whole number from 1 to ${MAX_BUDGET})`
          : `${args?.property ?? 'the value'} must be <per user>/<per address>: two whole numbers from 1 to ${MAX_BUDGET}, e.g. 60/1200`,
    },
  });

/**
 * An AppConfig variable that holds a rate limit: read from its text form and validated,
 * so that a bad value stops the API at start with the others.
 */
export const RateLimitVariable = (options: { anonymous: boolean } = { anonymous: false }): PropertyDecorator =>
  applyDecorators(Transform(parseRateLimitSetting), IsRateLimitSetting(options));
