/**
 * Parley's server for the benchmark: `buildApp` with the configuration `server/main.ts` would
 * read from the environment (LOG_LEVEL etc.), bound to loopback on an ephemeral port.
 *
 * BENCH_UNLIMITED=1 lifts the per-client rate limit (50 frames/s by default) out of reach: the
 * closed-loop relay drives each client far beyond what a browser sends, and the limiter must
 * then still run on every frame (its cost is measured) without dropping any.
 *
 * Every simulated client connects from 127.0.0.1, so the per-address limits (sockets, rooms a
 * minute) and the whole-server caps are always lifted: they are for many real addresses.
 */
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { serveControl } from './control.ts';

/** A rate no load generator reaches, so the limiter accepts every frame. */
const unreachableRate = 1_000_000_000;

const config = loadConfig(process.env);
const unlimited = process.env.BENCH_UNLIMITED === '1';
const app = await buildApp({
  ...config,
  port: 0,
  host: '127.0.0.1',
  // The largest the configuration allows (a million); no run comes near it.
  maxSocketsPerIp: 1_000_000,
  maxSockets: 1_000_000,
  maxRooms: 1_000_000,
  roomsPerMinute: 1_000_000,
  ...(unlimited
    ? {
        rateLimit: {
          ...config.rateLimit,
          perSecond: unreachableRate,
          burst: unreachableRate,
          bytesPerSecond: unreachableRate,
          byteBurst: unreachableRate,
        },
      }
    : {}),
  logger: { level: config.logLevel },
});
await app.listen({ port: 0, host: '127.0.0.1' });
serveControl({ port: (app.server.address() as AddressInfo).port, close: () => app.close() });
