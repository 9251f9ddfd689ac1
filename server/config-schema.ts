import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The longest delay Node's timers keep: a longer one fires after 1 ms instead, which would
 * drop every socket or expire every seat at once, so such values are refused.
 */
export const maxDelayMs = 2 ** 31 - 1;

const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const pair = '^\\s*\\d+\\s*:\\s*\\d+\\s*$';
const flag = '^(0|1|true|false)$';

const integer = (minimum: number, maximum: number, description: string): TSchema =>
  Type.Integer({ minimum, maximum, description });
const delay = (minimum: number, description: string): TSchema => integer(minimum, maxDelayMs, description);
const text = (description: string, options: { pattern?: string } = {}): TSchema =>
  Type.String({ minLength: 1, description, ...options });

/**
 * Every environment variable the server reads, with its type, bounds and meaning. It is the
 * one source of truth (every variable optional): `loadConfig` validates the environment against it (all problems at once,
 * each under the variable's own name), and a test checks README's table against it.
 */
export const environmentSchema = Type.Partial(Type.Object({
  PORT: integer(0, 65_535, 'HTTP and WebSocket port'),
  HOST: text('address to listen on; `0.0.0.0` to take calls from other machines on your network'),
  MAX_PAYLOAD: integer(1_024, 16 * 1024 * 1024, 'largest WebSocket frame, in bytes (larger closes the socket with 1009)'),
  MAX_CAPACITY: integer(2, 64, 'largest room a client may create'),
  RESUME_GRACE_MS: delay(1, "how long a dropped peer's seat is held for it to come back"),
  PING_INTERVAL_MS: delay(10, 'WebSocket heartbeat; a socket that has not answered for two intervals is dropped'),
  RATE_LIMIT: text('frames per second sustained : burst, per socket', { pattern: pair }),
  RATE_LIMIT_BYTES: text('bytes per second sustained : burst, per socket', { pattern: pair }),
  MAX_SOCKETS_PER_IP: integer(1, 1_000_000, 'open sockets one client address may hold (more get HTTP 429)'),
  MAX_SOCKETS: integer(1, 1_000_000, 'open sockets the whole server holds (more get HTTP 503)'),
  MAX_ROOMS: integer(1, 1_000_000, 'live rooms the whole server holds (a `create` past it is `rate-limited`)'),
  ROOMS_PER_MINUTE: integer(1, 1_000_000, 'rooms one client address may create per minute'),
  SEND_BUFFER_LIMIT: integer(1_024, 1024 * 1024 * 1024, 'bytes waiting to be sent to a client that does not read, before it is closed with 4001'),
  HELD_QUEUE_BYTES: integer(0, 1024 * 1024 * 1024, 'bytes queued for held seats across the whole server; signals past it are dropped'),
  IDLE_TIMEOUT_MS: delay(1, 'a socket that neither creates nor joins a room within this is closed'),
  MESSAGE_DEADLINE_MS: delay(1, 'a WebSocket message begun (a first fragment, part of a frame) must be finished within this, or its socket is closed'),
  TRUST_PROXY: text('`true`, a hop count, or comma-separated proxy addresses/CIDRs whose `X-Forwarded-For` names the client'),
  ALLOWED_ORIGINS: text('comma-separated origins besides the page\'s own that may open `/ws` (e.g. `https://app.example`)'),
  METRICS_TOKEN: text('lets other machines read `/metrics` with `Authorization: Bearer <token>`; without it only this machine may'),
  LOG_LEVEL: Type.Unsafe<string>({ type: 'string', enum: levels, description: levels.map((level) => `\`${level}\``).join(', ') }),
  STUN_URLS: text('comma-separated `stun:` URLs handed to browsers'),
  TURN_URLS: text('comma-separated `turn:`/`turns:` URLs; needs `TURN_SECRET`'),
  TURN_SECRET: text('the `static-auth-secret` shared with coturn; browsers get credentials valid for `TURN_TTL_S`'),
  TURN_TTL_S: integer(60, 7 * 86_400, 'lifetime of minted TURN credentials, in seconds'),
  WEB_ROOT: text('the built page to serve'),
  SECRET: text('signs resume tokens so seats outlive a restart; give every instance of a deployment the same one (16+ characters)'),
  DATA_DIR: text('without `SECRET`, a seat key is generated here once and reused by every restart (see [docs/seats.md](docs/seats.md))'),
  TLS_CERT: text('a PEM certificate file (e.g. from `npm run cert`); with `TLS_KEY` the server serves HTTPS and WSS (see [HTTPS on a LAN](#https-on-a-lan))'),
  TLS_KEY: text('the PEM private key file of `TLS_CERT`'),
  REDIS_URL: text('`redis://host:port` switches on cluster mode: rooms shared by every instance through Redis; needs `SECRET` (see [docs/scaling.md](docs/scaling.md))', { pattern: '^rediss?://' }),
  INSPECT_ROOMS: text('development aid: log every room transition and stream room actors at `/inspect` (see [Inspecting a call](#inspecting-a-call))', { pattern: flag }),
}));

/** The names of every variable in `environmentSchema`. */
export type EnvironmentName = keyof typeof environmentSchema.properties;
