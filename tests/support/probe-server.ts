import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.ts';
import type { JoinedMessage } from '../../protocol/messages.ts';
import { ProtocolProbe, type ProbeOptions } from './conformance-client.ts';
import { loopbackLimits } from './loopback-limits.ts';
import { startRedisServer, type RedisServer } from './redis-server.ts';

/**
 * What the probes of a test talk to: one process, or two instances of a cluster sharing one
 * real Redis, each probe connected to the next instance in turn (round-robin), so the creator
 * of a room and the one who joins it are on different instances.
 */
export type Deployment = 'one instance' | 'two instances';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The deployment a project runs the conformance suites against (vitest.config.ts). */
    deployment: Deployment;
  }
}

/** A signaling deployment on ephemeral loopback ports, with the probes opened against it. */
export interface ProbeServer {
  /** The first instance (the only one of a single-instance deployment). */
  app: FastifyInstance;
  /** Every instance, in round-robin order. */
  apps: FastifyInstance[];
  /** ws://127.0.0.1:<port>/ws of the first instance. */
  url: string;
  /** Every probe opened through this server, in order. */
  probes: ProtocolProbe[];
  /** Opens a probe on the next instance and reads its `welcome`. */
  open(options?: ProbeOptions): Promise<ProtocolProbe>;
  /** Opens a probe that creates a room (with `capacity` if given) and reads its `joined`. */
  create(capacity?: number): Promise<{ probe: ProtocolProbe; joined: JoinedMessage }>;
  /** Opens a probe that joins `roomId` (resuming with `resume` if given) and reads its `joined`. */
  join(roomId: string, resume?: string): Promise<{ probe: ProtocolProbe; joined: JoinedMessage }>;
  /** Live rooms, seats and open client sockets of the whole deployment. */
  stats(): { rooms: number; members: number; connections: number };
  /**
   * Resolves once the deployment counts `connections` open client sockets and every instance
   * has heard of every socket that closed on another (a room's owner knows its seat is lost).
   */
  connectionsSettle(connections: number, timeoutMs?: number): Promise<void>;
  /** Stops every instance as a shutdown does (once; `stop` then leaves them alone). */
  close(): Promise<void>;
  /** Drops every probe, fails on any protocol violation any of them saw, and closes the apps. */
  stop(): Promise<void>;
}

/** Resolves once `condition()` holds, checking every few milliseconds; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms: ${condition.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** The secret every instance of a test cluster shares, so any of them honours the others' seats. */
const clusterSecret = 'probe cluster secret, shared';

/** Totals of every instance's counts, a socket that crosses instances counted where it is held. */
function deploymentStats(apps: FastifyInstance[]): { rooms: number; members: number; connections: number; piped: number; remote: number } {
  const total = { rooms: 0, members: 0, connections: 0, piped: 0, remote: 0 };
  for (const app of apps) {
    const { rooms, members, connections } = app.signaling.stats();
    const { piped, remote } = app.signaling.pipes();
    total.rooms += rooms;
    total.members += members;
    total.connections += connections - remote;
    total.piped += piped;
    total.remote += remote;
  }
  return total;
}

/**
 * Starts `buildApp(options)` on 127.0.0.1 with an ephemeral port; with `redisUrl`, two such
 * instances in cluster mode on that Redis. Grace period and heartbeat default to a minute, so
 * nothing expires by accident unless a test asks for it.
 */
export async function startProbeServer(options: AppOptions = {}, redisUrl?: string): Promise<ProbeServer> {
  const settings = { resumeGraceMs: 60_000, pingIntervalMs: 60_000, ...loopbackLimits, ...options };
  const cluster = redisUrl === undefined ? [{}] : [0, 1].map(() => ({ redisUrl, secret: clusterSecret }));
  const apps = await Promise.all(cluster.map((mode) => buildApp({ ...settings, ...mode })));
  await Promise.all(apps.map((app) => app.listen({ port: 0, host: '127.0.0.1' })));
  const urls = apps.map((app) => `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}/ws`);
  const probes: ProtocolProbe[] = [];
  let turn = 0;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= Promise.all(apps.map((app) => app.close())).then(() => undefined));
  const open = async (probeOptions?: ProbeOptions): Promise<ProtocolProbe> => {
    const probe = await ProtocolProbe.welcomed(urls[turn++ % urls.length]!, probeOptions);
    probes.push(probe);
    return probe;
  };
  return {
    app: apps[0]!,
    apps,
    url: urls[0]!,
    probes,
    open,
    async create(capacity) {
      const probe = await open();
      probe.send(capacity === undefined ? { type: 'create' } : { type: 'create', capacity });
      return { probe, joined: await probe.expect('joined') };
    },
    async join(roomId, resume) {
      const probe = await open();
      probe.send(resume === undefined ? { type: 'join', roomId } : { type: 'join', roomId, resume });
      return { probe, joined: await probe.expect('joined') };
    },
    stats: () => {
      const { rooms, members, connections } = deploymentStats(apps);
      return { rooms, members, connections };
    },
    async connectionsSettle(connections, timeoutMs) {
      await until(() => {
        const total = deploymentStats(apps);
        return total.connections === connections && total.piped === total.remote;
      }, timeoutMs);
    },
    close,
    async stop() {
      const violations = probes.flatMap((probe) => probe.violations);
      for (const probe of probes) probe.socket.terminate();
      await close();
      if (violations.length > 0) throw new Error(`server broke the protocol: ${violations.join('; ')}`);
    },
  };
}

/**
 * For a test file: `start(options)` starts a probe server of the project's deployment
 * (`inject('deployment')`, one instance unless vitest.config.ts says otherwise) that is
 * stopped (and checked for protocol violations) after each test. Two instances share one
 * redis-server, started for the file and stopped after it.
 */
export function useProbeServers(): (options?: AppOptions) => Promise<ProbeServer> {
  const running: ProbeServer[] = [];
  const clustered = inject('deployment') === 'two instances';
  let redis: RedisServer | undefined;
  if (clustered) {
    beforeAll(async () => {
      redis = await startRedisServer();
    }, 30_000);
    afterAll(async () => redis?.stop());
  }
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop();
  });
  return async (options) => {
    const server = await startProbeServer(options, redis?.url);
    running.push(server);
    return server;
  };
}
