import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import envSchema from 'env-schema';
import type { ErrorObject } from 'ajv';
import { limits } from '../protocol/limits.ts';
import { environmentSchema, maxDelayMs, type EnvironmentName } from './config-schema.ts';

/** Token bucket and abuse rules applied to every socket's incoming frames. */
export interface RateLimitConfig {
  /** Frames per second a client may send sustained. */
  perSecond: number;
  /** Frames a client may send at once after being quiet (the bucket's size). */
  burst: number;
  /** Bytes per second a client may send sustained, counted beside the frames. */
  bytesPerSecond: number;
  /** Bytes a client may send at once after being quiet. */
  byteBurst: number;
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
  /** Open sockets one client address may hold; more are refused with 429. */
  maxSocketsPerIp: number;
  /** Open sockets the whole server holds; more are refused with 503. */
  maxSockets: number;
  /** Live rooms the whole server holds; a `create` past it is `rate-limited`. */
  maxRooms: number;
  /** Rooms one client address may create per minute. */
  roomsPerMinute: number;
  /** A socket with more unsent bytes than this does not read: it is closed with 4001. */
  sendBufferLimit: number;
  /** Bytes queued for held seats across the whole server; signals past it are dropped. */
  heldQueueBytes: number;
  /** A socket that has neither created nor joined a room this long after connecting is closed. */
  idleTimeoutMs: number;
  /** A message a client began (a first fragment, part of a frame) and did not finish this long after closes its socket. */
  messageDeadlineMs: number;
  /** Fastify's `trustProxy`: whose `X-Forwarded-For` names the client (`false`: nobody's). */
  trustProxy: boolean | number | string[];
  /** Origins besides the page's own that may open `/ws` and `/inspect`. */
  allowedOrigins: string[];
  /** A bearer token that lets other machines read /metrics (this machine needs none). */
  metricsToken: string | undefined;
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
  /** A PEM certificate file; with `tlsKey` the server speaks HTTPS and WSS only. */
  tlsCert: string | undefined;
  /** The PEM private key file of `tlsCert`. */
  tlsKey: string | undefined;
  /** Cluster mode: the Redis shared by every instance (server/cluster/); unset, one process holds its rooms. */
  redisUrl: string | undefined;
}

/**
 * The folder of Parley's package.json: the server runs both from its sources (server/) and
 * compiled (dist/node/server/), so paths such as the built page are found from there.
 */
function packageRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/**
 * Defaults from docs/protocol.md where it names them. The ping interval and grace period suit
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
  rateLimit: {
    perSecond: 50,
    burst: 200,
    // An offer with many codecs is ~10 KiB and a call sends a few dozen small candidates:
    // 64 KiB/s after a 256 KiB burst never slows a call, while 50 frames/s of 60 KiB would.
    bytesPerSecond: 64 * 1024,
    byteBurst: 256 * 1024,
    noticeIntervalMs: 1_000,
    abuseWindowMs: 10_000,
    calmMs: 2_000,
  },
  // A household behind one NAT opens a socket per tab: 20 covers it, and bounds a flood.
  maxSocketsPerIp: 20,
  maxSockets: 10_000,
  maxRooms: 5_000,
  roomsPerMinute: 30,
  // Twice a socket's largest frame in flight many times over; a reader this far behind is gone.
  sendBufferLimit: 1024 * 1024,
  // 256 held seats with full queues (256 KiB each).
  heldQueueBytes: 64 * 1024 * 1024,
  // The page creates or joins right after `welcome`; 30 s leaves room for a slow phone.
  idleTimeoutMs: 30_000,
  // The largest frame (64 KiB) takes about 10 s on a 50 kbit/s link.
  messageDeadlineMs: 20_000,
  trustProxy: false,
  allowedOrigins: [],
  metricsToken: undefined,
  logLevel: 'info',
  stunUrls: [],
  turnUrls: [],
  turnSecret: undefined,
  turnTtlS: 3_600,
  webRoot: join(packageRoot(), 'dist', 'web'),
  shutdownTimeoutMs: 2_000,
  inspectRooms: false,
  secret: undefined,
  dataDir: undefined,
  tlsCert: undefined,
  tlsKey: undefined,
  redisUrl: undefined,
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

/** Each integer setting read from the environment, by the option it sets (README's table uses it too). */
export const integerVariables = {
  port: 'PORT',
  maxPayload: 'MAX_PAYLOAD',
  maxCapacity: 'MAX_CAPACITY',
  resumeGraceMs: 'RESUME_GRACE_MS',
  pingIntervalMs: 'PING_INTERVAL_MS',
  maxSocketsPerIp: 'MAX_SOCKETS_PER_IP',
  maxSockets: 'MAX_SOCKETS',
  maxRooms: 'MAX_ROOMS',
  roomsPerMinute: 'ROOMS_PER_MINUTE',
  sendBufferLimit: 'SEND_BUFFER_LIMIT',
  heldQueueBytes: 'HELD_QUEUE_BYTES',
  idleTimeoutMs: 'IDLE_TIMEOUT_MS',
  messageDeadlineMs: 'MESSAGE_DEADLINE_MS',
  turnTtlS: 'TURN_TTL_S',
} as const satisfies Partial<Record<keyof ServerConfig, EnvironmentName>>;

/** The bounds `environmentSchema` gives `name`. */
function boundsOf(name: EnvironmentName): { minimum: number; maximum: number } {
  return environmentSchema.properties[name] as unknown as { minimum: number; maximum: number };
}

/**
 * Applies `overrides` over the defaults and checks the result against the same bounds as the
 * environment; throws `ConfigError` naming the option and its variable.
 */
export function resolveConfig(overrides: ConfigOverrides = {}): ServerConfig {
  const config: ServerConfig = {
    ...defaultConfig,
    ...withoutUndefined(overrides),
    rateLimit: { ...defaultConfig.rateLimit, ...withoutUndefined(overrides.rateLimit ?? {}) },
  };
  const problems: string[] = [];
  const integer = (name: string, value: number, min: number, max: number): void => {
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
    }
  };
  for (const [option, variable] of Object.entries(integerVariables)) {
    const { minimum, maximum } = boundsOf(variable);
    integer(`${option} (${variable})`, config[option as keyof typeof integerVariables], minimum, maximum);
  }
  for (const [field, min] of [['perSecond', 1], ['burst', 1], ['bytesPerSecond', 1], ['byteBurst', 1]] as const) {
    integer(`rateLimit.${field}`, config.rateLimit[field], min, Number.MAX_SAFE_INTEGER);
  }
  for (const field of ['noticeIntervalMs', 'abuseWindowMs', 'calmMs'] as const) {
    integer(`rateLimit.${field}`, config.rateLimit[field], 0, maxDelayMs);
  }
  integer('shutdownTimeoutMs', config.shutdownTimeoutMs, 0, maxDelayMs);
  if (config.rateLimit.byteBurst < config.maxPayload) problems.push('RATE_LIMIT_BYTES burst must be at least MAX_PAYLOAD, or no largest frame could pass');
  if (config.secret !== undefined && config.secret.length < 16) problems.push('SECRET must be at least 16 characters');
  if (config.redisUrl !== undefined && config.secret === undefined) problems.push('REDIS_URL needs SECRET, the same on every instance, so any instance honours the resume tokens of another');
  if (config.turnUrls.length > 0 && !config.turnSecret) problems.push('TURN_URLS needs TURN_SECRET to mint credentials');
  if (config.turnSecret && config.turnUrls.length === 0) problems.push('TURN_SECRET is set but TURN_URLS is empty');
  for (const url of config.stunUrls) if (!/^stuns?:/.test(url)) problems.push(`STUN_URLS: a URL must start with stun: or stuns:, got ${url}`);
  for (const url of config.turnUrls) if (!/^turns?:/.test(url)) problems.push(`TURN_URLS: a URL must start with turn: or turns:, got ${url}`);
  for (const origin of config.allowedOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) problems.push(`ALLOWED_ORIGINS: an origin is scheme://host[:port] with no path, got ${origin}`);
  }
  problems.push(...tlsProblems(config.tlsCert, config.tlsKey));
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The certificate and key of TLS_CERT and TLS_KEY, read from their files. */
export function readTls(config: Pick<ServerConfig, 'tlsCert' | 'tlsKey'>): { cert: Buffer; key: Buffer } | undefined {
  if (config.tlsCert === undefined || config.tlsKey === undefined) return undefined;
  return { cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) };
}

/** What keeps TLS_CERT and TLS_KEY from serving HTTPS: one without the other, an unreadable file, a key that is not the certificate's. */
function tlsProblems(cert: string | undefined, key: string | undefined): string[] {
  if (cert === undefined && key === undefined) return [];
  if (cert === undefined || key === undefined) return [`${cert === undefined ? 'TLS_KEY' : 'TLS_CERT'} is set but ${cert === undefined ? 'TLS_CERT' : 'TLS_KEY'} is not: give both or neither`];
  const unreadable = ([['TLS_CERT', cert], ['TLS_KEY', key]] as const).flatMap(([name, file]) => {
    try {
      accessSync(file, constants.R_OK);
      return [];
    } catch (error) {
      return [`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`];
    }
  });
  if (unreadable.length > 0) return unreadable;
  try {
    createSecureContext(readTls({ tlsCert: cert, tlsKey: key }));
    return [];
  } catch (error) {
    return [`TLS_CERT and TLS_KEY are not a PEM certificate and its key (${(error as Error).message.split('\n')[0]})`];
  }
}

/** One line per schema violation, under the variable's own name, with the value given. */
function describeProblem(error: ErrorObject, env: Record<string, string>): string {
  const name = error.instancePath.slice(1);
  const got = JSON.stringify(env[name]);
  const schema = environmentSchema.properties[name as EnvironmentName] as { minimum?: number; maximum?: number; pattern?: string; enum?: string[] };
  switch (error.keyword) {
    case 'type':
      return `${name} must be a whole number, got ${got}`;
    case 'minimum':
    case 'maximum':
      return `${name} must be from ${schema.minimum} to ${schema.maximum}, got ${got}`;
    case 'enum':
      return `${name} must be one of ${schema.enum!.join(', ')}, got ${got}`;
    case 'pattern':
      return `${name} must match ${schema.pattern}, got ${got}`;
    default:
      return `${name} ${error.message ?? 'is invalid'}, got ${got}`;
  }
}

/** The value of TRUST_PROXY as Fastify's `trustProxy` takes it. */
function trustProxyOf(raw: string): ServerConfig['trustProxy'] {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^\d+$/.test(raw)) return Number(raw);
  return list(raw);
}

function list(raw: string): string[] {
  return raw.split(',').map((item) => item.trim()).filter(Boolean);
}

function pairOf(raw: string): [number, number] {
  const [first, second] = raw.split(':').map((part) => Number(part.trim()));
  return [first!, second!];
}

/**
 * Reads the configuration from the environment variables of `environmentSchema` (README's
 * Configuration table). Unset or empty variables keep their defaults; every malformed one is
 * reported at once in a `ConfigError`, under its own name.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const given: Record<string, string> = {};
  for (const name of Object.keys(environmentSchema.properties)) {
    const value = env[name]?.trim();
    if (value) given[name] = name === 'INSPECT_ROOMS' ? value.toLowerCase() : value;
  }
  let values: Record<string, unknown>;
  try {
    values = envSchema({ schema: environmentSchema, data: { ...given }, env: false });
  } catch (error) {
    const errors = (error as { errors?: ErrorObject[] }).errors ?? [];
    throw new ConfigError(errors.map((problem) => describeProblem(problem, given)));
  }
  const overrides: ConfigOverrides = {};
  for (const [option, variable] of Object.entries(integerVariables)) {
    if (values[variable] !== undefined) Object.assign(overrides, { [option]: values[variable] });
  }
  const rateLimit: Partial<RateLimitConfig> = {};
  if (given.RATE_LIMIT) [rateLimit.perSecond, rateLimit.burst] = pairOf(given.RATE_LIMIT);
  if (given.RATE_LIMIT_BYTES) [rateLimit.bytesPerSecond, rateLimit.byteBurst] = pairOf(given.RATE_LIMIT_BYTES);
  return resolveConfig({
    ...overrides,
    rateLimit,
    host: given.HOST,
    logLevel: given.LOG_LEVEL,
    stunUrls: given.STUN_URLS === undefined ? undefined : list(given.STUN_URLS),
    turnUrls: given.TURN_URLS === undefined ? undefined : list(given.TURN_URLS),
    turnSecret: given.TURN_SECRET,
    webRoot: given.WEB_ROOT,
    inspectRooms: given.INSPECT_ROOMS === undefined ? undefined : ['1', 'true'].includes(given.INSPECT_ROOMS),
    trustProxy: given.TRUST_PROXY === undefined ? undefined : trustProxyOf(given.TRUST_PROXY),
    allowedOrigins: given.ALLOWED_ORIGINS === undefined ? undefined : list(given.ALLOWED_ORIGINS),
    metricsToken: given.METRICS_TOKEN,
    secret: given.SECRET,
    redisUrl: given.REDIS_URL,
    dataDir: given.DATA_DIR ?? defaultDataDir,
    tlsCert: given.TLS_CERT,
    tlsKey: given.TLS_KEY,
  });
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
