import { join } from 'node:path';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsIP, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateBy, validateSync } from 'class-validator';
import { alertWebhookUrlProblem } from './alert-webhook-url.js';
import { IsBearerToken } from './bearer-token-rule.js';
import { describeBrokenRule } from './broken-rule.js';
import { InvalidConfigurationError } from './invalid-configuration.error.js';
import { redisUrlProblem } from './redis-url.js';
import { secretScanningKeysProblem } from './secret-scanning-keys-location.js';
import { FollowsRule } from './setting-rule.js';
import { parseTrustProxy, TRUST_PROXY_RULE } from './trust-proxy.js';

/**
 * Spaces and line breaks around a value are dropped, as around a number: a value from a file or a Kubernetes ConfigMap
 * ends with a line break, and `LOG_LEVEL=warn\n` was refused as "must be one of fatal, error, warn, …". Not for the
 * secrets, which are used as written: the rules of VERIFY_TOKEN, METRICS_TOKEN and ALERT_WEBHOOK_SECRET refuse them.
 */
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Every setting the service reads from its environment, each with its default (optional ones: undefined),
 * validated once at start by loadEnvironment; the validated instance is what every module injects.
 */
export class Environment {
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT = 3000;

  /** Address to listen on: all interfaces by default (containers), 127.0.0.1 to keep it local. */
  @IsIP()
  @Transform(trimmed)
  HOST = '0.0.0.0';

  @IsString()
  @MinLength(1, { message: 'DATA_DIR must not be empty or only spaces' })
  // A ~ is a shell's to expand: from a compose or env file it came as written, and the log went to a folder named ~.
  // The message says where an earlier build put that log: the home directory's path would start on an empty one.
  @Matches(/^(?!~)/, {
    message: () =>
      'DATA_DIR must not start with ~: no shell expanded it to a home directory (a compose or env file passes it as written); give the full path. ' +
      `Builds before 2026-12-07 kept the log in a folder named ~ under the working directory (here ${join(process.cwd(), '~')}): to go on with that log, give that folder's full path, not the home directory's`,
  })
  @Transform(trimmed)
  DATA_DIR = './data';

  @IsIn(['fatal', 'error', 'warn', 'log', 'debug', 'verbose'])
  @Transform(trimmed)
  LOG_LEVEL = 'log';

  /** json: one JSON object per line; pretty: for people. Unset: pretty when stdout is a terminal, else json. */
  @IsOptional()
  @IsIn(['json', 'pretty'])
  @Transform(trimmed)
  LOG_FORMAT?: 'json' | 'pretty' = undefined;

  /** The verify route logs no line per request: one summary of its outcomes every this many seconds (when any). */
  @IsInt()
  @Min(1)
  @Max(86_400)
  VERIFY_LOG_SUMMARY_SECONDS = 60;

  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional()
  @IsString()
  @IsBearerToken('METRICS_TOKEN')
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string = undefined;

  /** How long POST/DELETE wait for their event to reach the read model. */
  @IsInt()
  @Min(100)
  @Max(60000)
  READ_YOUR_WRITES_TIMEOUT_MS = 5000;

  /** /health/ready answers 503 while a projection that serves reads has more events than this left to apply... */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  READINESS_MAX_LAG_EVENTS = 5000;

  /** ...or while the oldest event it has not applied is older than this. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  READINESS_MAX_LAG_MS = 10_000;

  /**
   * How often a rebuild (and a new instance filling an empty read model) saves its progress: what a crash makes
   * it read again. Long by default: on FerretDB 1.24 every view that changes after a save costs an update that
   * scans its collection (about 100-200 ms at 20,000 views), where the views held until the end are inserted.
   */
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  REBUILD_SAVE_INTERVAL_MS = 300_000;

  /** How often the service looks whether a rebuild (`replay`) made another read-model generation live, and moves to it. */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  GENERATION_CHECK_INTERVAL_MS = 5000;

  /** How often the embedded store looks for events appended by other processes. */
  @IsInt()
  @Min(10)
  @Max(10000)
  POLL_INTERVAL_MS = 100;

  /** Rate limit given to keys created without one: RATE_LIMIT_REQUESTS per RATE_LIMIT_PER_SECONDS. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  RATE_LIMIT_REQUESTS = 1000;

  @IsInt()
  @Min(1)
  @Max(86_400)
  RATE_LIMIT_PER_SECONDS = 60;

  /**
   * The longest a key may live, from its creation: longer expiries are refused, and keys created without one
   * get this one. Unset: no maximum.
   */
  @IsOptional()
  @IsInt({ message: 'MAX_KEY_LIFETIME_SECONDS must be an integer' })
  @Min(60)
  @Max(3_153_600_000)
  MAX_KEY_LIFETIME_SECONDS?: number = undefined;

  /**
   * Live keys (neither revoked nor past their end; disabled ones count) an account may hold: a create or a roll with
   * grace past it is refused with 409. Every instance holds every key in memory, so one key allowed to write could
   * otherwise fill every instance's memory. The operator CLI is not bound (docs/design-notes.md, "The account key limit").
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  MAX_KEYS_PER_ACCOUNT = 10_000;

  /**
   * Requests an account's keys may make to the /v1 routes together (verify excepted: it is the gateways'), per
   * ACCOUNT_RATE_LIMIT_PER_SECONDS, beside each key's own limit: an account creating keys in a loop or paging through
   * 10,000 keys with many keys at once took the request thread from every other account (docs/operations.md, "Overload").
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  ACCOUNT_RATE_LIMIT_REQUESTS = 100;

  @IsInt()
  @Min(1)
  @Max(86_400)
  ACCOUNT_RATE_LIMIT_PER_SECONDS = 1;

  /** Failed authentications allowed per client address in AUTH_FAILURE_WINDOW_SECONDS before it gets 429. */
  @IsInt()
  @Min(1)
  @Max(100_000)
  AUTH_FAILURE_LIMIT = 20;

  @IsInt()
  @Min(1)
  @Max(86_400)
  AUTH_FAILURE_WINDOW_SECONDS = 60;

  /**
   * Failed authentications allowed per IPv6 /48 in AUTH_FAILURE_WINDOW_SECONDS before all of it gets 429: a /48 holds
   * 65,536 /64s, each counted alone by AUTH_FAILURE_LIMIT, so spread over them its holder was never limited.
   */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  AUTH_FAILURE_NETWORK_LIMIT = 200;

  /**
   * How much of a client's address a use or a failed authentication records (docs/personal-data.md): `full`, `network`
   * (IPv4 /24, IPv6 /48) or `none`. What is recorded only: allowed_ips and the failed-auth guard see the real address.
   */
  @IsIn(['full', 'network', 'none'])
  @Transform(trimmed)
  RECORD_CLIENT_ADDRESS: 'full' | 'network' | 'none' = 'full';

  /** Whether a use or a failed authentication records the client's user agent. */
  @IsIn(['true', 'false'])
  @Transform(trimmed)
  RECORD_USER_AGENT: 'true' | 'false' = 'true';

  /** Usage events are buffered and appended at this interval: the most a SIGKILL can lose. */
  @IsInt()
  @Min(10)
  @Max(60_000)
  USAGE_FLUSH_INTERVAL_MS = 100;

  /**
   * On SIGTERM or SIGINT, how long the service goes on accepting and serving while readiness answers 503, so a
   * balancer stops routing to it before the drain (0: the drain starts at once).
   */
  @IsInt()
  @Min(0)
  @Max(300_000)
  SHUTDOWN_DELAY_MS = 0;

  /** Service credential of the gateways that call POST /v1/keys/verify; unset disables the endpoint. */
  @IsOptional()
  @IsString()
  @IsBearerToken('VERIFY_TOKEN')
  @MinLength(32, { message: 'VERIFY_TOKEN must be at least 32 characters' })
  VERIFY_TOKEN?: string = undefined;

  /**
   * Where the public keys of GitHub's secret scanning are (`GET /meta/public_keys/secret_scanning`, or a copy): an
   * absolute path or an https URL (http on loopback only). Unset: POST /v1/secret-scanning/reports is not served (404).
   */
  @IsOptional()
  @Transform(trimmed)
  @FollowsRule('isSecretScanningKeysLocation', secretScanningKeysProblem)
  SECRET_SCANNING_PUBLIC_KEYS?: string = undefined;

  /** What a scanner's report of a real key does to it: revoke it at once (GitHub's own practice), disable it, or only alert. */
  @Transform(trimmed)
  @IsIn(['revoke', 'disable', 'notify'], { message: 'SECRET_SCANNING_ACTION must be one of revoke, disable, notify' })
  SECRET_SCANNING_ACTION: 'revoke' | 'disable' | 'notify' = 'revoke';

  /** JSON overrides of the anomaly thresholds, e.g. {"spikeFactor": 8}; checked at start by the anomaly module. */
  @IsOptional()
  @IsString()
  ANOMALY_THRESHOLDS?: string = undefined;

  /** Where each alert is POSTed once; unset turns delivery off. */
  @IsOptional()
  @Transform(trimmed)
  @FollowsRule('isAlertWebhookUrl', alertWebhookUrlProblem)
  ALERT_WEBHOOK_URL?: string = undefined;

  /** Secret that signs each delivery (ParseSphere-Signature header); required with ALERT_WEBHOOK_URL. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ALERT_WEBHOOK_SECRET must be at least 16 characters' })
  // A secret read from a file with its line break signed every alert with a key the receiver did not have.
  @Matches(/^\S[\s\S]*\S$/, {
    message: 'ALERT_WEBHOOK_SECRET must not begin or end with a space or a line break (read from a file?): it signs as written, and the receiver checks with its own copy',
  })
  ALERT_WEBHOOK_SECRET?: string = undefined;

  /**
   * During a rotation, the secret being replaced: each delivery then carries a `v1` for each (the new one first), so a
   * receiver may switch to the new secret whenever it likes (Stripe's scheme). Its own setting, not a list in
   * ALERT_WEBHOOK_SECRET: a secret may hold a comma, and one that does would have been split.
   */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ALERT_WEBHOOK_SECRET_PREVIOUS must be at least 16 characters' })
  @Matches(/^\S[\s\S]*\S$/, {
    message: 'ALERT_WEBHOOK_SECRET_PREVIOUS must not begin or end with a space or a line break (read from a file?): it signs as written, and the receiver checks with its own copy',
  })
  ALERT_WEBHOOK_SECRET_PREVIOUS?: string = undefined;

  @IsOptional()
  @Transform(trimmed)
  @Matches(/^esdb(\+discover)?:\/\/\S+$/, { message: 'EVENTSTORE_URL must be an esdb:// connection string' })
  EVENTSTORE_URL?: string = undefined;

  @IsOptional()
  @Transform(trimmed)
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGODB_URL must be a mongodb:// connection string' })
  MONGODB_URL?: string = undefined;

  @IsString()
  @Transform(trimmed)
  @Matches(/^[A-Za-z0-9_-]{1,63}$/, { message: 'MONGODB_DB must be 1-63 letters, digits, _ or -' })
  MONGODB_DB = 'parsesphere';

  /**
   * Whose X-Forwarded-For to believe for the client address (failed-auth guard, usage, verify): false
   * (nobody: the peer's address), loopback, a hop count, or IPs/CIDRs. See docs/operations.md#client-addresses-trust_proxy.
   */
  @ValidateBy({ name: 'isTrustProxy', validator: { validate: (value) => typeof value === 'string' && parseTrustProxy(value) !== null } }, {
    message: TRUST_PROXY_RULE,
  })
  TRUST_PROXY = 'false';

  /** Connections (docs/operations.md#connections): the whole header must arrive within this... */
  @IsInt()
  @Min(100)
  @Max(600_000)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** ...the whole request within this... */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;

  /** ...an idle keep-alive connection is closed after this, longer than the balancers' own idle timeout... */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /** ...and connections beyond this many are closed as soon as they are accepted. */
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  HTTP_MAX_CONNECTIONS = 10_000;

  /**
   * How far this instance's clock may read from most instances' clocks (measured off their heartbeats) before it
   * leaves time-based decisions (key expiry) to the others and reports itself out of step.
   */
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  CLOCK_TOLERANCE_MS = 2000;

  /**
   * Shared rate limits and revocation fan-out across instances; unset: each instance alone, as with one. Spaces around
   * it are dropped: the rule's WHATWG URL ignores them, ioredis does not (a leading one failed the start with "cannot
   * start: Invalid URL", naming no setting).
   */
  @IsOptional()
  @Transform(trimmed)
  @FollowsRule('isRedisUrl', redisUrlProblem)
  REDIS_URL?: string = undefined;

  /**
   * With REDIS_URL: 0 (the default) checks every request against Redis exactly; above 0, a key whose limit accrues at
   * least two requests in this many milliseconds is served from leases reserved in Redis (never over the limit; what a
   * lease leaves unspent when it expires is lost: see docs/operations.md).
   */
  @IsInt()
  @Min(0)
  @Max(1000)
  RATE_LIMIT_LEASE_MS = 0;
}

// Also importable from here, beside the settings it refuses (main.ts, the tests).
export { InvalidConfigurationError };

/**
 * An integer written with leading zeros (PORT=0080): read as decimal until 2026-12-07, but a reader of the file cannot
 * tell which the writer meant (YAML 1.1, shells' arithmetic and C read 010 as 8), so it is refused, as `+80` and `8e1` are.
 */
const LEADING_ZERO = /^-?0[0-9]/;

/** Settings that are integers when set and have no default. */
const OPTIONAL_INTEGERS = new Set(['MAX_KEY_LIFETIME_SECONDS']);

/** Reads and validates the environment; the error names the setting, never its value (it may be a secret). */
export function loadEnvironment(raw: Record<string, unknown>): Environment {
  const defaults = new Environment();
  // Every setting is a property of Environment (optional ones default to undefined), so none can be left out here.
  const set = Object.entries(defaults).filter(([name]) => raw[name] !== undefined && raw[name] !== '');
  const isInteger = ([name, fallback]: [string, unknown]) => typeof fallback === 'number' || OPTIONAL_INTEGERS.has(name);
  const zeroPadded = set.find((setting) => isInteger(setting) && LEADING_ZERO.test(String(raw[setting[0]]).trim()));
  if (zeroPadded) {
    throw new InvalidConfigurationError(`Invalid configuration: ${zeroPadded[0]} must be written without leading zeros (some tools read 010 as the octal 8; builds before 2026-12-07 read it as decimal: drop the zeros to keep what they used)`);
  }
  const known = Object.fromEntries(set.map((setting) => [setting[0], isInteger(setting) ? toInteger(raw[setting[0]]) : raw[setting[0]]]));
  const environment = plainToInstance(Environment, known);
  const errors = validateSync(environment, { skipMissingProperties: false });
  if (errors.length === 0 && environment.ALERT_WEBHOOK_URL && !environment.ALERT_WEBHOOK_SECRET) {
    throw new InvalidConfigurationError('Invalid configuration: ALERT_WEBHOOK_SECRET is required with ALERT_WEBHOOK_URL');
  }
  if (errors.length === 0 && environment.ALERT_WEBHOOK_SECRET_PREVIOUS && !environment.ALERT_WEBHOOK_SECRET) {
    throw new InvalidConfigurationError('Invalid configuration: ALERT_WEBHOOK_SECRET_PREVIOUS needs ALERT_WEBHOOK_SECRET, the new secret, beside it');
  }
  if (errors.length === 0 && environment.ALERT_WEBHOOK_SECRET_PREVIOUS && environment.ALERT_WEBHOOK_SECRET_PREVIOUS === environment.ALERT_WEBHOOK_SECRET) {
    throw new InvalidConfigurationError('Invalid configuration: ALERT_WEBHOOK_SECRET_PREVIOUS must differ from ALERT_WEBHOOK_SECRET (the old secret and the new one)');
  }
  if (errors.length === 0 && environment.HTTP_HEADERS_TIMEOUT_MS > environment.HTTP_REQUEST_TIMEOUT_MS) {
    throw new InvalidConfigurationError('Invalid configuration: HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  if (errors.length > 0) {
    throw new InvalidConfigurationError(`Invalid configuration: ${describeBrokenRule(Environment, errors[0])}`);
  }
  return environment;
}

function toInteger(value: unknown): unknown {
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}
