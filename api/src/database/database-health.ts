import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ComponentUnavailableError } from '../common/domain-error.js';

export class DatabaseUnavailableError extends ComponentUnavailableError {
  readonly code = 'DATABASE_UNAVAILABLE';
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
