import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../api/src/database/data-source-options.js';

/**
 * A database of its own on the real PostgreSQL server that `npm test` runs (DATABASE_URL),
 * for a suite that needs an empty schema: created at once, dropped by `drop()`.
 */
export class ScratchDatabase {
  private constructor(
    private readonly admin: DataSource,
    private readonly name: string,
    /** The URL of the scratch database, for more connections to it (a second API process's pool). */
    readonly url: string,
  ) {}

  static async create(prefix: string): Promise<ScratchDatabase> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run the suites through npm test');
    const admin = await new DataSource(dataSourceOptions(databaseUrl)).initialize();
    const name = `medledger_${prefix}_${randomBytes(4).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    return new ScratchDatabase(admin, name, url.toString());
  }

  /** A new connection pool to the scratch database. */
  connect(): Promise<DataSource> {
    return new DataSource(dataSourceOptions(this.url)).initialize();
  }

  /** Drops the database (every pool to it must be closed first). */
  async drop(): Promise<void> {
    await this.admin.query(`DROP DATABASE IF EXISTS ${this.name}`);
    await this.admin.destroy();
  }
}
