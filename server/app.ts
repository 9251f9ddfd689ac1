import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { readTls, resolveConfig, type ConfigOverrides, type ServerConfig } from './config.ts';
import { configPlugin } from './plugins/config.ts';
import { roomsPlugin } from './plugins/rooms.ts';
import { seatsPlugin } from './seats/seats-plugin.ts';
import { clusterPlugin } from './cluster/cluster-plugin.ts';
import { signalingPlugin } from './plugins/signaling.ts';
import { heartbeatPlugin } from './plugins/heartbeat.ts';
import { healthPlugin } from './plugins/health.ts';
import { webPlugin } from './plugins/web.ts';
import { roomInspectionPlugin } from './plugins/room-inspection.ts';
import { edgeLimitsPlugin } from './plugins/edge-limits.ts';
import { messageDeadlinePlugin } from './plugins/message-deadline.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { metricsPlugin } from './plugins/metrics.ts';

/** Options of `buildApp`: any part of the configuration, plus Fastify's logger setting. */
export type AppOptions = ConfigOverrides & {
  /** `false` (the default) logs nothing; `true` or pino options log through Fastify. */
  logger?: boolean | Record<string, unknown>;
};

/** Shortens room ids in logged URLs (`/r/<roomId>`): full ids are never logged. */
function redactUrl(url: string): string {
  return url.replace(/(\/r\/[^/?#]{0,8})[^/?#]*/g, '$1…');
}

function loggerOption(logger: AppOptions['logger']): FastifyServerOptions['logger'] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    serializers: {
      req: (request: { method: string; url: string }) => ({ method: request.method, url: redactUrl(request.url) }),
    },
  };
}

/** Fastify's `trustProxy` for TRUST_PROXY; a hop count trusts that many proxies in front. */
function trustProxyOption(trustProxy: ServerConfig['trustProxy']): FastifyServerOptions['trustProxy'] {
  return typeof trustProxy === 'number' ? (_address: string, hop: number) => hop < trustProxy : trustProxy;
}

/**
 * Builds the Parley server: the signaling endpoint `/ws`, `/healthz` and the call page, one
 * plugin per concern. Used by `server/main.ts` and by every test; listening is the caller's
 * job. Throws `ConfigError` for options that cannot run.
 */
export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const { logger, ...overrides } = options;
  const config = resolveConfig(overrides);
  // Requests are not logged one by one: a page load is ~25 of them and a room flood 2 per room.
  const https = readTls(config);
  const app = Fastify({
    ...(https ? { https } : {}),
    logger: loggerOption(logger),
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trustProxyOption(config.trustProxy),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: redactUrl(request.url), statusCode: reply.statusCode }, 'request');
  });
  await app.register(configPlugin, { config });
  await app.register(securityHeadersPlugin);
  await app.register(roomsPlugin);
  await app.register(clusterPlugin);
  await app.register(seatsPlugin);
  await app.register(edgeLimitsPlugin);
  await app.register(signalingPlugin);
  await app.register(roomInspectionPlugin);
  await app.register(heartbeatPlugin);
  await app.register(messageDeadlinePlugin);
  await app.register(healthPlugin);
  await app.register(metricsPlugin);
  await app.register(webPlugin);
  return app;
}
