import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ComponentUnavailableError } from '../common/domain-error.js';

export class DatabaseUnavailableError extends ComponentUnavailableError {
  readonly code = 'DATABASE_UNAVAILABLE';
}

/** Socket errors, and PostgreSQL's connection-exception class (SQLSTATE 08…) and shutdown codes (57P0…). */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
]);

/** Whether an error says that PostgreSQL could not be reached, judged by its codes, never its text. */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const { code, driverError, cause, errors } = current as {
      code?: unknown;
      driverError?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === 'string' && (UNREACHABLE.has(code) || code.startsWith('08'))) return true;
    if (Array.isArray(errors) && errors.some(isDatabaseUnreachable)) return true;
    current = driverError ?? cause;
  }
  return false;
}

/** Whether PostgreSQL answers now. */
@Injectable()
export class DatabaseHealth {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch (error) {
      throw new DatabaseUnavailableError(`PostgreSQL does not answer: ${(error as Error).message}`, { cause: error });
    }
  }
}
