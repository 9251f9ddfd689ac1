import { limits } from '../protocol/limits.ts';

/** Token bucket and abuse rules applied to every socket's incoming frames. */
export interface RateLimitConfig {
  /** Frames per second a client may send sustained. */
  perSecond: number;
  /** Frames a client may send at once after being quiet (the bucket's size). */
  burst: number;
  /** Least time between two `rate-limited` errors to one socket. */
  noticeIntervalMs: number;
  /** A socket still over the limit this long after it first went over is closed with 1008. */
  abuseWindowMs: number;
  /** An episode of abuse ends once no frame was dropped for this long. */
  calmMs: number;
}

/** Everything the server can be configured with; `loadConfig` reads it from the environment. */
export interface ServerConfig {
  port: number;
  host: string;
  /** Largest text frame in bytes; larger ones close the socket with 1009. */
  maxPayload: number;
  /** Largest `capacity` a `create` may ask for. */
  maxCapacity: number;
  /** How long a lost peer's seat is held for it to resume. */
  resumeGraceMs: number;
  /** Interval of WebSocket-level pings; a socket silent for two intervals is dropped. */
  pingIntervalMs: number;
  rateLimit: RateLimitConfig;
  logLevel: string;
  /** STUN server URLs handed to every peer, e.g. `stun:stun.example.org:3478`. */
  stunUrls: string[];
  /** TURN server URLs; with `turnSecret`, peers get short-lived coturn REST-API credentials. */
  turnUrls: string[];
  /** Shared secret with coturn's `static-auth-secret`; never sent to clients. */
  turnSecret: string | undefined;
  /** Lifetime of minted TURN credentials, in seconds. */
  turnTtlS: number;
  /** Folder of the built page (dist/web); a placeholder page is served when it is missing. */
  webRoot: string;
  /** Development aid: log every room transition and stream rooms to `/inspect` (off by default). */
  inspectRooms: boolean;
  /** How long shutdown waits for sockets to finish their close handshake before cutting them. */
  shutdownTimeoutMs: number;
  /** Signs resume tokens, shared by every instance of a deployment (server/seats/seat-key.ts). */
  secret: string | undefined;
  /**
   * Where a generated seat key is kept when `secret` is unset, so seats outlive a restart;
   * `loadConfig` defaults it to `.parley`. Unset (tests), the key lives in the process only.
   */
  dataDir: string | undefined;
}

/**
 * Defaults from PROTOCOL.md where it names them. The ping interval and grace period suit
 * mobile networks that drop for a few seconds. TURN credentials last an hour: long enough for a
 * call to connect, short enough that a leaked one is soon useless; a resume brings fresh ones.
 */
export const defaultConfig: ServerConfig = {
  port: 8080,
  host: '127.0.0.1',
  maxPayload: limits.maxPayload,
  maxCapacity: limits.maxCapacity,
  resumeGraceMs: 20_000,
  pingIntervalMs: 15_000,
  rateLimit: { perSecond: 50, burst: 200, noticeIntervalMs: 1_000, abuseWindowMs: 10_000, calmMs: 2_000 },
  logLevel: 'info',
  stunUrls: [],
  turnUrls: [],
  turnSecret: undefined,
  turnTtlS: 3_600,
  webRoot: new URL('../dist/web', import.meta.url).pathname,
  shutdownTimeoutMs: 2_000,
  inspectRooms: false,
  secret: undefined,
  dataDir: undefined,
};

/** Where `npm start` keeps its seat key unless DATA_DIR says otherwise (git-ignored). */
export const defaultDataDir = '.parley';

/** Options accepted by `buildApp`: any subset of the config, rate limits field by field. */
export type ConfigOverrides = Partial<Omit<ServerConfig, 'rateLimit'>> & { rateLimit?: Partial<RateLimitConfig> };

/** A configuration that cannot run; `problems` says what to fix, one line each. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid server configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Applies `overrides` over the defaults and checks the result; throws `ConfigError`. */
export function resolveConfig(overrides: ConfigOverrides = {}): ServerConfig {
  const config: ServerConfig = {
    ...defaultConfig,
    ...withoutUndefined(overrides),
    rateLimit: { ...defaultConfig.rateLimit, ...withoutUndefined(overrides.rateLimit ?? {}) },
  };
  const problems: string[] = [];
  const integer = (name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
  };
  integer('port', config.port, 0, 65_535);
  integer('maxPayload', config.maxPayload, 1_024);
  integer('maxCapacity', config.maxCapacity, limits.defaultCapacity, 64);
  integer('resumeGraceMs', config.resumeGraceMs, 1);
  integer('pingIntervalMs', config.pingIntervalMs, 1);
  integer('rateLimit.perSecond', config.rateLimit.perSecond, 1);
  integer('rateLimit.burst', config.rateLimit.burst, 1);
  integer('rateLimit.noticeIntervalMs', config.rateLimit.noticeIntervalMs, 0);
  integer('rateLimit.abuseWindowMs', config.rateLimit.abuseWindowMs, 0);
  integer('rateLimit.calmMs', config.rateLimit.calmMs, 0);
  integer('turnTtlS', config.turnTtlS, 60);
  integer('shutdownTimeoutMs', config.shutdownTimeoutMs, 0);
  if (config.secret !== undefined && config.secret.length < 16) problems.push('SECRET must be at least 16 characters');
  if (config.turnUrls.length > 0 && !config.turnSecret) problems.push('TURN_URLS needs TURN_SECRET to mint credentials');
  if (config.turnSecret && config.turnUrls.length === 0) problems.push('TURN_SECRET is set but TURN_URLS is empty');
  for (const url of config.stunUrls) if (!/^stuns?:/.test(url)) problems.push(`STUN URL must start with stun: or stuns:, got ${url}`);
  for (const url of config.turnUrls) if (!/^turns?:/.test(url)) problems.push(`TURN URL must start with turn: or turns:, got ${url}`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * Reads the configuration from environment variables: PORT, HOST, MAX_PAYLOAD, MAX_CAPACITY,
 * RESUME_GRACE_MS, PING_INTERVAL_MS, RATE_LIMIT (`<frames per second>:<burst>`, e.g. `50:200`),
 * LOG_LEVEL, STUN_URLS and TURN_URLS (comma-separated), TURN_SECRET, TURN_TTL_S, WEB_ROOT,
 * INSPECT_ROOMS (`1`/`true` or `0`/`false`), SECRET (signs resume tokens), DATA_DIR (keeps
 * a generated seat key when SECRET is unset; `.parley` by default).
 * Unset variables keep their defaults; malformed ones throw a `ConfigError` naming each.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const problems: string[] = [];
  const number = (name: string): number | undefined => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    if (!/^\d+$/.test(raw)) {
      problems.push(`${name} must be a whole number, got "${raw}"`);
      return undefined;
    }
    return Number(raw);
  };
  const list = (name: string): string[] | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw.split(',').map((item) => item.trim()).filter(Boolean) : undefined;
  };
  const text = (name: string): string | undefined => env[name]?.trim() || undefined;
  const flag = (name: string): boolean | undefined => {
    const raw = text(name)?.toLowerCase();
    if (raw === undefined) return undefined;
    if (raw === '1' || raw === 'true') return true;
    if (raw === '0' || raw === 'false') return false;
    problems.push(`${name} must be 1, true, 0 or false, got "${raw}"`);
    return undefined;
  };

  let rateLimit: Partial<RateLimitConfig> | undefined;
  const rawRate = text('RATE_LIMIT');
  if (rawRate !== undefined) {
    const match = /^(\d+)\s*:\s*(\d+)$/.exec(rawRate);
    if (match) rateLimit = { perSecond: Number(match[1]), burst: Number(match[2]) };
    else problems.push(`RATE_LIMIT must be "<frames per second>:<burst>", e.g. "50:200", got "${rawRate}"`);
  }
  const overrides: ConfigOverrides = {
    port: number('PORT'),
    host: text('HOST'),
    maxPayload: number('MAX_PAYLOAD'),
    maxCapacity: number('MAX_CAPACITY'),
    resumeGraceMs: number('RESUME_GRACE_MS'),
    pingIntervalMs: number('PING_INTERVAL_MS'),
    rateLimit,
    logLevel: text('LOG_LEVEL'),
    stunUrls: list('STUN_URLS'),
    turnUrls: list('TURN_URLS'),
    turnSecret: text('TURN_SECRET'),
    turnTtlS: number('TURN_TTL_S'),
    webRoot: text('WEB_ROOT'),
    inspectRooms: flag('INSPECT_ROOMS'),
    secret: text('SECRET'),
    dataDir: text('DATA_DIR') ?? defaultDataDir,
  };
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (overrides.logLevel !== undefined && !levels.includes(overrides.logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${levels.join(', ')}, got "${overrides.logLevel}"`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolveConfig(overrides);
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
