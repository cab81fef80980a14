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
  type ValidationError,
} from 'class-validator';
import { statSync } from 'node:fs';
import path from 'node:path';
import { FAULT_POINTS, type FaultPoint } from '../common/fault-points.js';
import { RateLimitVariable, type RateLimitSetting } from '../rate-limits/rate-limit-setting.js';
import { MASTER_KEY_PATTERN } from '../crypto/master-keys.js';
import { SecretsFile } from '../crypto/secrets-file.js';

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

  /**
   * Sign-in (auth/login-throttle.ts): failed sign-ins of one account from one client address
   * before each further attempt of that pair waits, 2 s at first, doubling with every
   * failure up to LOGIN_MAX_DELAY_SECONDS. Nobody else is slowed down by them.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) LOGIN_FAILURES_BEFORE_DELAY = 5;

  /**
   * Failed sign-ins of one account from all addresses together, and of all accounts from one
   * address, that make the account or the address suspect: its pairs then wait after their
   * first failure. A right password on a pair without failures is never refused.
   */
  @Transform(toInt) @IsInt() @Min(1) LOGIN_SUSPECT_ACCOUNT_FAILURES = 50;

  @Transform(toInt) @IsInt() @Min(1) LOGIN_SUSPECT_ADDRESS_FAILURES = 500;

  /** The longest wait between two sign-in attempts of one account from one address. */
  @Transform(toInt) @IsInt() @Min(2) @Max(24 * 60 * 60) LOGIN_MAX_DELAY_SECONDS = 15 * 60;

  /** Failed sign-ins are forgotten this long after the last one (and the wait it started). */
  @Transform(toInt) @IsInt() @Min(10) LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60;

  /**
   * Costly routes (rate-limits/rate-limit.decorator.ts) allow so many requests per user and
   * per client address within this window, shared by every API process: a burst of the
   * whole budget at once, then one more every window / budget.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(24 * 60 * 60) RATE_LIMIT_WINDOW_SECONDS = 60;

  /** POST /auth/register (anonymous: per address only). */
  @RateLimitVariable({ anonymous: true }) RATE_LIMIT_REGISTER: RateLimitSetting = { perUser: null, perAddress: 60 };

  /**
   * POST /auth/activate, /auth/password-reset and /auth/password-reset/confirm (anonymous:
   * per address only). The tokens cannot be guessed (256 bits); the limit bounds the
   * password hashing and the reset e-mail one address can cause, as registration's does.
   */
  @RateLimitVariable({ anonymous: true }) RATE_LIMIT_ACCOUNT_LINKS: RateLimitSetting = {
    perUser: null,
    perAddress: 60,
  };

  /** POST /auth/me/ledger-check: a ledger transaction. */
  @RateLimitVariable() RATE_LIMIT_LEDGER_CHECK: RateLimitSetting = { perUser: 20, perAddress: 600 };

  /** POST /reports: encryption, IPFS and a ledger transaction. */
  @RateLimitVariable() RATE_LIMIT_UPLOAD: RateLimitSetting = { perUser: 60, perAddress: 1200 };

  /** POST /reports/{id}/verify: the whole content from IPFS, decrypted and checked against the ledger. */
  @RateLimitVariable() RATE_LIMIT_VERIFY: RateLimitSetting = { perUser: 120, perAddress: 2400 };

  /** GET /reports/{id}/content: an access receipt on the ledger, then the content. */
  @RateLimitVariable() RATE_LIMIT_CONTENT: RateLimitSetting = { perUser: 240, perAddress: 4800 };

  /** POST /emergency-access: a flagged break-glass grant. */
  @RateLimitVariable() RATE_LIMIT_EMERGENCY: RateLimitSetting = { perUser: 20, perAddress: 400 };

  /** GET /patients, GET /admin/users/search and the FHIR Patient search and $everything. */
  @RateLimitVariable() RATE_LIMIT_SEARCH: RateLimitSetting = { perUser: 120, perAddress: 2400 };

  /** The other routes that write to the ledger or enrol an identity (requests, grants, care, accounts, erasure). */
  @RateLimitVariable() RATE_LIMIT_LEDGER_WRITE: RateLimitSetting = { perUser: 240, perAddress: 4800 };

  /** GET /audit/integrity-report and GET /system/status: batch verification, every peer and the IPFS node asked. */
  @RateLimitVariable() RATE_LIMIT_AUDIT: RateLimitSetting = { perUser: 60, perAddress: 600 };

  /**
   * Refused openings recorded on the ledger per user: one per report within the repeat
   * window (a client retrying a refused read writes one refusal, not a thousand), and at
   * most the hourly number per user; beyond either the answer is the same refusal.
   */
  @Transform(toInt) @IsInt() @Min(1) REFUSAL_REPEAT_SECONDS = 60;

  @Transform(toInt) @IsInt() @Min(1) REFUSALS_PER_USER_PER_HOUR = 60;

  /** 32 bytes, base64: the key that seals private keys and key-encryption keys at rest. */
  @Matches(MASTER_KEY_PATTERN, { message: 'MASTER_KEY must be 32 bytes in base64' }) MASTER_KEY!: string;

  /** During a master-key rotation, the key being replaced: opens what it sealed, seals nothing (docs/keys.md). */
  @IsOptional()
  @Matches(MASTER_KEY_PATTERN, { message: 'MASTER_KEY_PREVIOUS must be 32 bytes in base64' })
  @ValidateBy({
    name: 'differsFromMasterKey',
    validator: {
      validate: (value: unknown, args) => value !== (args?.object as AppConfig).MASTER_KEY,
      defaultMessage: () => 'MASTER_KEY_PREVIOUS must differ from MASTER_KEY',
    },
  })
  MASTER_KEY_PREVIOUS?: string;

  /**
   * A secrets file (`NAME=value` lines, mode 600) that holds MASTER_KEY and, during a
   * rotation, MASTER_KEY_PREVIOUS: read at start in place of the environment's, and read
   * again while the API runs, so that `npm run keys:rotate` can change them (docs/keys.md).
   */
  @IsOptional() @IsString() @IsNotEmpty() MASTER_KEY_FILE?: string;

  /** The first admin of each hospital, created on first start: `hospital-a:admin@a.example:password,…`. */
  @IsOptional() @IsString() BOOTSTRAP_ADMINS?: string;

  /** Largest report file accepted, in bytes (default 100 MiB); larger ones get 413 before the rest is read. */
  @Transform(toInt) @IsInt() @Min(1) UPLOAD_MAX_BYTES = 100 * 1024 * 1024;

  /**
   * An upload whose client sends no byte for this long, while the API waits for one, is cut
   * off (408 UPLOAD_STALLED) and rolled back; a slow upload that keeps sending is never cut.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600) UPLOAD_IDLE_TIMEOUT_SECONDS = 60;

  /** Every other request body (JSON, forms: small) must arrive in full within this time (408 REQUEST_TIMEOUT). */
  @Transform(toInt) @IsInt() @Min(5) @Max(3600) REQUEST_BODY_TIMEOUT_SECONDS = 120;

  /** An upload or an erasure left unfinished this long (a crash, an outage) is completed or rolled back by a recovery worker. */
  @Transform(toInt) @IsInt() @Min(5) RECOVERY_AFTER_SECONDS = 120;

  /**
   * How long after an admin confirms a patient's erasure request it takes effect (default 7
   * days); until then the patient can cancel it. At most 90 days.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(90 * 24 * 60 * 60) ERASURE_COOLING_OFF_SECONDS = 7 * 24 * 60 * 60;

  /** How often each API process looks for erasures that are due (or left half-done by a crash) and carries them out. */
  @Transform(toInt) @IsInt() @Min(1) @Max(3600) ERASURE_POLL_SECONDS = 10;

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

  /**
   * Development only, when SMTP_URL is unset: every e-mail is written as a `.eml` file into
   * this directory (mode 700). `npm start` sets `.run/mail` unless an SMTP server is given.
   */
  @IsOptional() @IsString() @IsNotEmpty() MAIL_DROP_DIR?: string;

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

  /** Where the portal is, for the links in e-mails; unset: `http://127.0.0.1:$PORT` (set by loadConfig). */
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  PORTAL_URL!: string;

  /**
   * Where clients reach this API, for the absolute links it gives (the FHIR facade's
   * fullUrl, Bundle links and attachment URLs); unset: `http://127.0.0.1:$PORT` (set by loadConfig).
   */
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  API_PUBLIC_URL!: string;

  /** How long an activation link (a new staff account's e-mail) works: 72 h by default, 1 minute to 30 days. */
  @Transform(toInt) @IsInt() @Min(60) @Max(30 * 24 * 60 * 60) ACTIVATION_LINK_TTL_SECONDS = 72 * 60 * 60;

  /** How long a password-reset link works: 1 h by default, 1 minute to 24 h. */
  @Transform(toInt) @IsInt() @Min(60) @Max(24 * 60 * 60) PASSWORD_RESET_LINK_TTL_SECONDS = 60 * 60;

  /** How often each API process looks for e-mail to send. */
  @Transform(toInt) @IsInt() @Min(50) @Max(60000) MAIL_POLL_MS = 1000;

  /** After a failed send, the next attempt waits this long, doubling with each failure up to MAIL_RETRY_MAX_SECONDS. */
  @Transform(toInt) @IsInt() @Min(1) MAIL_RETRY_BASE_SECONDS = 5;

  @Transform(toInt) @IsInt() @Min(1) MAIL_RETRY_MAX_SECONDS = 600;
}

const MASTER_KEY_VARIABLES = ['MASTER_KEY', 'MASTER_KEY_PREVIOUS'] as const;
/** Never printed, not even when refused: a mistyped key is still most of a key. */
const SECRET_VARIABLES: readonly string[] = ['JWT_SECRET', ...MASTER_KEY_VARIABLES];

function shown(error: ValidationError, env: NodeJS.ProcessEnv, keyFile: boolean): string {
  const from =
    keyFile && (MASTER_KEY_VARIABLES as readonly string[]).includes(error.property) ? ' in MASTER_KEY_FILE' : '';
  if (SECRET_VARIABLES.includes(error.property)) return `${error.value === undefined ? '(unset)' : '(hidden)'}${from}`;
  return JSON.stringify(env[error.property]);
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
  const known = [
    ...Object.keys(new shape()),
    'JWT_SECRET',
    ...MASTER_KEY_VARIABLES,
    'MASTER_KEY_FILE',
    'BOOTSTRAP_ADMINS',
    'PORTAL_URL',
    'API_PUBLIC_URL',
  ];
  const provided = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => known.includes(key) && value !== undefined),
  );
  const config = plainToInstance(shape, provided, { exposeDefaultValues: true });
  // The portal is served by this API unless PORTAL_URL says where else (a bad PORT is refused on its own).
  const ownUrl = Number.isInteger(config.PORT) ? `http://127.0.0.1:${config.PORT}` : 'http://127.0.0.1';
  config.PORTAL_URL ??= ownUrl;
  config.API_PUBLIC_URL ??= ownUrl;
  const problems: string[] = [];
  if (config.MASTER_KEY_FILE) {
    // The file's master keys, not the environment's: the API follows the file while it runs.
    try {
      const file = SecretsFile.read(config.MASTER_KEY_FILE);
      for (const name of MASTER_KEY_VARIABLES) Object.assign(config, { [name]: file.get(name) });
    } catch (error) {
      problems.push(`MASTER_KEY_FILE=${JSON.stringify(config.MASTER_KEY_FILE)}: ${(error as Error).message}`);
    }
  }
  const errors = validateSync(config, { forbidUnknownValues: true });
  problems.push(
    ...errors.flatMap((error) =>
      Object.values(error.constraints ?? {}).map(
        (message) => `${error.property}=${shown(error, env, Boolean(config.MASTER_KEY_FILE))}: ${message}`,
      ),
    ),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
