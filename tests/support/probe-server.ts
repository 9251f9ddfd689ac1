import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../server/app.ts';
import type { JoinedMessage } from '../../protocol/messages.ts';
import { ProtocolProbe, type ProbeOptions } from './conformance-client.ts';
import { loopbackLimits } from './loopback-limits.ts';

/** A signaling server on an ephemeral loopback port, with the probes opened against it. */
export interface ProbeServer {
  app: FastifyInstance;
  /** ws://127.0.0.1:<port>/ws */
  url: string;
  /** Every probe opened through this server, in order. */
  probes: ProtocolProbe[];
  /** Opens a probe and reads its `welcome`. */
  open(options?: ProbeOptions): Promise<ProtocolProbe>;
  /** Opens a probe that creates a room (with `capacity` if given) and reads its `joined`. */
  create(capacity?: number): Promise<{ probe: ProtocolProbe; joined: JoinedMessage }>;
  /** Opens a probe that joins `roomId` (resuming with `resume` if given) and reads its `joined`. */
  join(roomId: string, resume?: string): Promise<{ probe: ProtocolProbe; joined: JoinedMessage }>;
  /** Resolves once the server counts `connections` open sockets (it has seen the others end). */
  connectionsSettle(connections: number, timeoutMs?: number): Promise<void>;
  /** Drops every probe, fails on any protocol violation any of them saw, and closes the app. */
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

/**
 * Starts `buildApp(options)` on 127.0.0.1 with an ephemeral port. Grace period and heartbeat
 * default to a minute, so nothing expires by accident unless a test asks for it.
 */
export async function startProbeServer(options: AppOptions = {}): Promise<ProbeServer> {
  const app = await buildApp({ resumeGraceMs: 60_000, pingIntervalMs: 60_000, ...loopbackLimits, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}/ws`;
  const probes: ProtocolProbe[] = [];
  const open = async (probeOptions?: ProbeOptions): Promise<ProtocolProbe> => {
    const probe = await ProtocolProbe.welcomed(url, probeOptions);
    probes.push(probe);
    return probe;
  };
  return {
    app,
    url,
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
    async connectionsSettle(connections, timeoutMs) {
      await until(() => app.signaling.stats().connections === connections, timeoutMs);
    },
    async stop() {
      const violations = probes.flatMap((probe) => probe.violations);
      for (const probe of probes) probe.socket.terminate();
      await app.close();
      if (violations.length > 0) throw new Error(`server broke the protocol: ${violations.join('; ')}`);
    },
  };
}

/**
 * For a test file: `start(options)` starts a probe server that is stopped (and checked for
 * protocol violations) after each test.
 */
export function useProbeServers(): (options?: AppOptions) => Promise<ProbeServer> {
  const running: ProbeServer[] = [];
  afterEach(async () => {
    for (const server of running.splice(0)) await server.stop();
  });
  return async (options) => {
    const server = await startProbeServer(options);
    running.push(server);
    return server;
  };
}
