import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import { loadSeatKey } from '../seats/seat-key.ts';
import { SignedSeats } from '../seats/signed-seats.ts';
import { ClusterSeats } from './cluster-seats.ts';
import { RedisLink } from './redis-link.ts';

/** How long a starting instance waits for Redis before it starts anyway (rooms wait for Redis). */
const startWaitMs = 5_000;

/** Cluster mode's shared parts: the Redis link, the seats, and where messages for this instance go. */
export interface ClusterParts {
  readonly link: RedisLink;
  readonly seats: ClusterSeats;
  /** Receives what other instances send this one; set by the signaling endpoint. */
  onMessage: (message: unknown) => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Cluster mode (REDIS_URL set): the Redis link and seats; `undefined` in one process. */
    cluster: ClusterParts | undefined;
  }
}

/**
 * Connects to Redis when REDIS_URL is set (cluster mode, docs/scaling.md); otherwise does
 * nothing, so one process needs nothing but Node. Each instance gets a random id of its own.
 */
export const clusterPlugin = fp(
  async (app) => {
    const { config } = app;
    if (config.redisUrl === undefined) {
      app.decorate('cluster', undefined);
      return;
    }
    const instanceId = randomBytes(6).toString('base64url');
    const signed = new SignedSeats(loadSeatKey({ secret: config.secret, dataDir: config.dataDir }), Date.now(), config.resumeGraceMs);
    let reported = false;
    const parts: ClusterParts = {
      link: new RedisLink(config.redisUrl, instanceId, (message) => parts.onMessage(message), (error) => {
        if (!reported) app.log.warn({ err: error }, 'Redis does not answer; rooms of other instances cannot be reached meanwhile');
        reported = true;
      }),
      seats: new ClusterSeats(signed, config.resumeGraceMs),
      onMessage: () => undefined,
    };
    app.decorate('cluster', parts);
    app.addHook('onClose', async () => parts.link.close());
    await parts.link.ready(startWaitMs).then(
      () => app.log.info({ instance: instanceId }, 'cluster mode: connected to Redis'),
      () => app.log.warn('cluster mode: Redis does not answer yet; rooms can be created once it does'),
    );
  },
  { name: 'parley-cluster', dependencies: ['parley-config'] },
);
