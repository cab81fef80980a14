import { describe, expect, it, jest } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { DatabaseLogger } from './database-logger.js';

function newTestLogger() {
  const sink = { log: jest.fn(), warn: jest.fn(), error: jest.fn(), debug: jest.fn() };
  return { sink, sut: new DatabaseLogger(sink as unknown as LoggerService) };
}

const written = (sink: Record<string, jest.Mock>) => JSON.stringify(Object.values(sink).map((fn) => fn.mock.calls));

describe('DatabaseLogger', () => {
  it("logs a failed query by its statement and SQLSTATE, never its parameters or the driver's message and detail", () => {
    const { sink, sut } = newTestLogger();
    const driverError = Object.assign(new Error('invalid input syntax for type uuid: "Okonkwo"'), {
      code: '22P02',
      routine: 'string_to_uuid',
      detail: 'Key (email)=(adaeze@example.org) already exists.',
      where: "unnamed portal parameter $2 = 'Okonkwo'",
    });
    sut.logQueryError(driverError, 'SELECT id\n   FROM users WHERE id = $1 AND full_name = $2', ['x', 'Okonkwo']);
    expect(sink.debug).toHaveBeenCalledWith(
      { statement: 'SELECT id FROM users WHERE id = $1 AND full_name = $2', code: '22P02', routine: 'string_to_uuid' },
      'query failed',
    );
    expect(written(sink)).not.toMatch(/Okonkwo|adaeze/);
  });

  it('never logs a query, and logs a slow one without its parameters', () => {
    const { sink, sut } = newTestLogger();
    sut.logQuery('SELECT $1', ['Okonkwo']);
    sut.logQuerySlow(2500, `SELECT * FROM reports WHERE title = $1 ${'AND x = 1 '.repeat(50)}`, ['Okonkwo']);
    expect(sink.warn).toHaveBeenCalledTimes(1);
    const [fields] = sink.warn.mock.calls[0] as [{ statement: string; durationMs: number }];
    expect(fields.durationMs).toBe(2500);
    expect(fields.statement.length).toBeLessThanOrEqual(201);
    expect(written(sink)).not.toContain('Okonkwo');
  });

  it("logs migrations and TypeORM's own warnings", () => {
    const { sink, sut } = newTestLogger();
    sut.logMigration('Migration RateLimits1766300000000 has been executed successfully.');
    sut.log('warn', 'Could not retrieve available extensions.');
    expect(sink.log).toHaveBeenCalledWith('Migration RateLimits1766300000000 has been executed successfully.');
    expect(sink.warn).toHaveBeenCalledWith('Could not retrieve available extensions.');
  });
});
