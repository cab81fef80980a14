import { Logger, type LoggerService } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { databaseFacts } from '../common/loggable-error.js';

/** The longest piece of a statement's text that a log line holds. */
const STATEMENT_CHARACTERS = 200;

/**
 * What TypeORM may write to the log: never a query's parameters (e-mail addresses, names,
 * keys, report titles…), never the driver's message or detail of a failed query (they can
 * quote a value: `invalid input syntax for type uuid: "…"`, `Key (email)=(…) already
 * exists`). A failed query is logged at debug level, as its statement's text (placeholders,
 * not values), SQLSTATE, routine, table and constraint: most failures are expected (a
 * duplicate becomes a 409) and an unexpected one reaches the exception filter, which logs
 * it the same way. Migrations are logged; every query is not.
 */
export class DatabaseLogger implements TypeOrmLogger {
  constructor(private readonly logger: LoggerService = new Logger('Database')) {}

  logQuery(_query: string, _parameters?: unknown): void {
    // Every statement would be a line; and a query's parameters are never logged.
  }

  logQueryError(error: string | Error, query: string, _parameters?: unknown): void {
    const facts = typeof error === 'object' && error !== null ? databaseFacts(error) : {};
    this.logger.debug?.({ statement: statementText(query), ...facts }, 'query failed');
  }

  logQuerySlow(time: number, query: string, _parameters?: unknown): void {
    this.logger.warn({ statement: statementText(query), durationMs: time }, 'slow query');
  }

  logSchemaBuild(message: string): void {
    this.logger.debug?.(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  /** TypeORM's own notices (a missing extension…), which name no data. */
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}

/** A statement's text on one line, cut short: its placeholders ($1…), never its values. */
function statementText(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim();
  return text.length > STATEMENT_CHARACTERS ? `${text.slice(0, STATEMENT_CHARACTERS)}…` : text;
}
