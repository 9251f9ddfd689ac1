import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loopbackLimits } from '../support/loopback-limits.ts';
import { pathName } from '../support/model-coverage.ts';
import { all, expiring, lasting, longGraceMs, play, shortGraceMs } from '../support/room-path-run.ts';

/**
 * The room model against the real server: every shortest path of the room machine is played
 * with real sockets against `buildApp`, the machine replayed alongside, and after every step
 * each client must have received exactly the frames the machine emitted for its connection
 * (types, peer ids and payloads; random ids are mapped, not compared). See
 * tests/support/room-path-run.ts.
 */

/** A server on an ephemeral loopback port for the paths of one group. */
function serverFor(resumeGraceMs: number): { app: () => FastifyInstance; url: () => string } {
  let app: FastifyInstance | undefined;
  let url = '';
  beforeAll(async () => {
    app = await buildApp({ resumeGraceMs, pingIntervalMs: 60_000, maxCapacity: 3, ...loopbackLimits });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`;
  });
  afterAll(async () => app?.close());
  return { app: () => app!, url: () => url };
}


// Each path plays in its own room, so paths run a few at a time (vitest's maxConcurrency).
describe.concurrent('room model over /ws: paths without an expiry', () => {
  const server = serverFor(longGraceMs);
  beforeAll(() => console.info(`roomMachine over /ws: ${lasting.length + expiring.length} of ${all.length} maximal shortest paths, ${expiring.length} through an expiry`));
  for (const path of lasting) {
    it(`capacity ${path.capacity}: ${pathName(path.labels)}`, ({ expect }) => play(expect, server.app(), [server.url()], path));
  }
});

describe.concurrent('room model over /ws: paths through an expired grace period', () => {
  const server = serverFor(shortGraceMs);
  for (const path of expiring) {
    it(`capacity ${path.capacity}: ${pathName(path.labels)}`, ({ expect }) => play(expect, server.app(), [server.url()], path));
  }
});
