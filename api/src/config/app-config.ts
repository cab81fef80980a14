import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MinLength,
  Min,
  validateSync,
  ValidateBy,
} from 'class-validator';
import { statSync } from 'node:fs';
import path from 'node:path';
import { FAULT_POINTS, type FaultPoint } from '../common/fault-points.js';

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

/** A directory, or nothing yet (it is made later, as the portal's build output is), but not a file. */
const IsDirectoryOrAbsent = () =>
  ValidateBy({
    name: 'isDirectoryOrAbsent',
    validator: {
      validate: (value: unknown) => {
        if (typeof value !== 'string') return false;
        try {
          return statSync(value, { throwIfNoEntry: false })?.isDirectory() ?? true;
        } catch {
          return false; // under a file, or unreadable
        }
      },
      defaultMessage: () => '$property must be a directory',
    },
  });

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
  @Transform(toInt) @IsInt() @Min(1024) @Max(16 * 1024 * 1024) JSON_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

  /** HMAC key of access tokens (HS256), at least 32 characters; `npm start` generates one into .run/api. */
  @IsString() @MinLength(32) JWT_SECRET!: string;

  @IsString() @IsNotEmpty() JWT_ISSUER = 'medledger';

  @IsString() @IsNotEmpty() JWT_AUDIENCE = 'medledger-api';

  /** Lifetime of an access token. */
  @Transform(toInt) @IsInt() @Min(60) @Max(3600) ACCESS_TOKEN_TTL_SECONDS = 900;

  /** A session unused this long ends. */
  @Transform(toInt) @IsInt() @Min(60) SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60;

  /** A session ends this long after sign-in, however active. */
  @Transform(toInt) @IsInt() @Min(300) SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 60 * 60;

  /** Failed sign-ins allowed per account, and per client address, within the window. */
  @Transform(toInt) @IsInt() @Min(1) LOGIN_MAX_FAILURES_PER_ACCOUNT = 5;

  @Transform(toInt) @IsInt() @Min(1) LOGIN_MAX_FAILURES_PER_IP = 100;

  @Transform(toInt) @IsInt() @Min(10) LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

  /**
   * Refused openings recorded on the ledger per user: one per report within the repeat
   * window (a client retrying a refused read writes one refusal, not a thousand), and at
   * most the hourly number per user; beyond either the answer is the same refusal.
   */
  @Transform(toInt) @IsInt() @Min(1) REFUSAL_REPEAT_SECONDS = 60;

  @Transform(toInt) @IsInt() @Min(1) REFUSALS_PER_USER_PER_HOUR = 60;

  /** 32 bytes, base64: the key that seals private keys and key-encryption keys at rest. */
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'MASTER_KEY must be 32 bytes in base64' }) MASTER_KEY!: string;

  /** The first admin of each hospital, created on first start: `hospital-a:admin@a.example:password,…`. */
  @IsOptional() @IsString() BOOTSTRAP_ADMINS?: string;

  /** Largest report file accepted, in bytes (default 100 MiB); larger ones get 413 before the rest is read. */
  @Transform(toInt) @IsInt() @Min(1) UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

  /** An upload or an erasure left unfinished this long (a crash, an outage) is completed or rolled back by a recovery worker. */
  @Transform(toInt) @IsInt() @Min(5) RECOVERY_AFTER_SECONDS = 120;

  /** For fault tests only: the API kills itself with SIGKILL when it reaches this point (see FAULT_POINTS). */
  @IsOptional() @IsIn(FAULT_POINTS) FAULT_INJECTION?: FaultPoint;

  /** The longest emergency (break-glass) access, in hours: 24 at most (the ledger's ceiling); a hospital may set less. */
  @Transform(toInt) @IsInt() @Min(1) @Max(24) EMERGENCY_MAX_HOURS = 24;

  /** Milliseconds a readiness check waits for each component. */
  @Transform(toInt) @IsInt() @Min(100) @Max(30000) READINESS_TIMEOUT_MS = 2000;

  /** The SMTP server for e-mail, `smtp://host:port` (or `smtps://`, credentials in the URL); unset: e-mail is only logged. */
  @Transform(({ value }: { value: unknown }) => (value === '' ? undefined : value))
  @IsOptional()
  @IsUrl({ protocols: ['smtp', 'smtps'], require_protocol: true, require_tld: false })
  SMTP_URL?: string;

  /** The From header of every e-mail. */
  @IsString() @IsNotEmpty() MAIL_FROM = 'MedLedger <no-reply@medledger.test>';

  /**
   * The built web portal (`npm run build -w web`), served at `/`. Relative paths are taken
   * from the working directory. A directory without index.html does not stop the API: the
   * portal's pages answer 503 until it is built.
   */
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value !== '' ? path.resolve(value) : value,
  )
  @IsString()
  @IsNotEmpty()
  @IsDirectoryOrAbsent()
  WEB_DIST_DIR = path.join(PROJECT_DIR, 'web', 'dist');

  /** Where the portal is, for the link in e-mails. */
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  PORTAL_URL = 'http://127.0.0.1:3000/';

  /** How often each API process looks for e-mail to send. */
  @Transform(toInt) @IsInt() @Min(50) @Max(60000) MAIL_POLL_MS = 1000;

  /** After a failed send, the next attempt waits this long, doubling with each failure up to MAIL_RETRY_MAX_SECONDS. */
  @Transform(toInt) @IsInt() @Min(1) MAIL_RETRY_BASE_SECONDS = 5;

  @Transform(toInt) @IsInt() @Min(1) MAIL_RETRY_MAX_SECONDS = 600;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the configuration; throws ConfigError listing every problem at once.
 * A command may pass its own `shape`: AppConfig with its own variables and rules added.
 */
export function loadConfig<Config extends AppConfig = AppConfig>(
  env: NodeJS.ProcessEnv = process.env,
  shape: new () => Config = AppConfig as new () => Config,
): Config {
  const known = [...Object.keys(new shape()), 'JWT_SECRET', 'MASTER_KEY', 'BOOTSTRAP_ADMINS'];
  const provided = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.includes(key) && value !== undefined),
  );
  const config = plainToInstance(shape, provided, { exposeDefaultValues: true });
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
