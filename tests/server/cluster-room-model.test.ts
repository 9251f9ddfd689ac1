import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loopbackLimits } from '../support/loopback-limits.ts';
import { pathName } from '../support/model-coverage.ts';
import { startRedisServer, type RedisServer } from '../support/redis-server.ts';
import { all, expiring, lasting, longGraceMs, play, shortGraceMs } from '../support/room-path-run.ts';

/**
 * The room model's paths replayed with the members of each room spread over two instances of
 * a cluster (one Redis): the creator on the instance that owns the room, every further socket
 * alternately on the other one and the owner, and each must receive exactly what the machine
 * emitted for it, as in one process (tests/server/room-model.test.ts).
 */
let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);
afterAll(async () => redis?.stop());

/** Two instances on the test's Redis for the paths of one group. */
function clusterFor(resumeGraceMs: number): { owner: () => FastifyInstance; urls: () => string[] } {
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const app = await buildApp({ resumeGraceMs, pingIntervalMs: 60_000, maxCapacity: 3, ...loopbackLimits, redisUrl: redis.url, secret: 'cluster model secret, shared' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      apps.push(app);
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
  });
  const url = (app: FastifyInstance): string => `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
  // The creator (socket 0) is on the owner; socket 1 on the other instance, socket 2 on the owner...
  return { owner: () => apps[0]!, urls: () => [url(apps[0]!), url(apps[1]!)] };
}

describe.concurrent('room model over two instances: paths without an expiry', () => {
  const cluster = clusterFor(longGraceMs);
  beforeAll(() => console.info(`roomMachine over two instances: ${lasting.length + expiring.length} of ${all.length} maximal shortest paths`));
  for (const path of lasting) {
    it(`capacity ${path.capacity}: ${pathName(path.labels)}`, ({ expect }) => play(expect, cluster.owner(), cluster.urls(), path));
  }
});

describe.concurrent('room model over two instances: paths through an expired grace period', () => {
  const cluster = clusterFor(shortGraceMs);
  for (const path of expiring) {
    it(`capacity ${path.capacity}: ${pathName(path.labels)}`, ({ expect }) => play(expect, cluster.owner(), cluster.urls(), path));
  }
});
