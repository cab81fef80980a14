import type { DataSourceOptions } from 'typeorm';
import { DatabaseLogger } from './database-logger.js';
import { MIGRATIONS } from './migrations/index.js';

/** TypeORM settings shared by the API and the migration commands: migrations only, never synchronize. */
export function dataSourceOptions(databaseUrl: string): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    entities: [],
    // Failed queries (value-free, at debug level), TypeORM's warnings and migrations; never a
    // query's parameters or the driver's message, whatever LOG_LEVEL says.
    logger: new DatabaseLogger(),
    // Fail within seconds when PostgreSQL is gone (readiness and requests answer 503), yet let a
    // busy server finish the connection handshake.
    connectTimeoutMS: 10000,
    extra: { max: 20, idleTimeoutMillis: 30000, query_timeout: 30000 },
  };
}
