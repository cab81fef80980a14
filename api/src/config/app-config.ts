import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsString, IsUrl, Max, Min, validateSync } from 'class-validator';
import path from 'node:path';

const PROJECT_DIR = path.resolve(import.meta.dirname, '..', '..', '..');
const RUN_DIR = process.env.MEDLEDGER_RUN_DIR ?? path.join(PROJECT_DIR, '.run');

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : value;

/**
 * Everything the API reads from its environment, validated once at start. Defaults fit the
 * development system that `npm start` runs; docs/configuration.md lists every variable.
 */
export class AppConfig {
  /** Address the HTTP server binds to. */
  @IsString() @IsNotEmpty() HOST = '127.0.0.1';

  @Transform(toInt) @IsInt() @Min(1) @Max(65535) PORT = 3000;

  @IsIn(['development', 'test', 'production']) NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace']) LOG_LEVEL = 'info';

  /** PostgreSQL connection string. */
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false }) DATABASE_URL =
    'postgres://medledger@127.0.0.1:5433/medledger';

  /** `kubo` (a Kubo node over its RPC API) or `helia` (an embedded node with a filesystem blockstore). */
  @IsIn(['kubo', 'helia']) CONTENT_STORE: 'kubo' | 'helia' = 'kubo';

  @IsUrl({ protocols: ['http', 'https'], require_tld: false }) IPFS_API_URL = 'http://127.0.0.1:5001';

  @IsString() @IsNotEmpty() HELIA_REPO_PATH = path.join(RUN_DIR, 'helia');

  /** The Fabric connection profile that `fabric-network/network.sh up` writes. */
  @IsString() @IsNotEmpty() FABRIC_NETWORK_PROFILE = path.join(RUN_DIR, 'fabric', 'network.json');

  /** Origins allowed to call the API from a browser, comma-separated; empty allows none but same-origin. */
  @Transform(toList) @IsString({ each: true }) CORS_ORIGINS: string[] = [];

  /** Largest JSON or form body accepted, in bytes (uploads have their own limit). */
  @Transform(toInt) @IsInt() @Min(1024) @Max(16 * 1024 * 1024) JSON_BODY_LIMIT_BYTES = 1024 * 1024;

  /** Milliseconds a readiness check waits for each component. */
  @Transform(toInt) @IsInt() @Min(100) @Max(30000) READINESS_TIMEOUT_MS = 2000;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration; throws ConfigError listing every problem at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const provided = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.includes(key) && value !== undefined),
  );
  const config = plainToInstance(AppConfig, provided, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.flatMap((error) =>
        Object.values(error.constraints ?? {}).map(
          (message) => `${error.property}=${JSON.stringify(env[error.property])}: ${message}`,
        ),
      ),
    );
  }
  return config;
}
