import { timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Whether `request` comes from this machine (after TRUST_PROXY): /metrics needs no token then. */
function isLoopback(request: FastifyRequest): boolean {
  return request.ip === '127.0.0.1' || request.ip === '::1' || request.ip === '::ffff:127.0.0.1';
}

/** Whether `request` carries `Authorization: Bearer <token>`, compared in constant time. */
function carriesToken(request: FastifyRequest, token: string): boolean {
  const given = Buffer.from(request.headers.authorization ?? '');
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `GET /metrics` in Prometheus' text format (prom-client): sockets, rooms, members, held seats,
 * bytes queued for them, client messages by type, errors by code, refused upgrades by reason,
 * resumes, grace expiries, and Node's process metrics (CPU, memory, event-loop lag). Counts of
 * a running server are not for the world: /metrics answers only this machine, or a client
 * with METRICS_TOKEN as a bearer token; anyone else gets 404.
 */
export const metricsPlugin = fp(
  async (app) => {
    const { rooms, signaling, edge, config } = app;
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
    };
    gauge('parley_sockets', 'Open sockets on /ws.', () => signaling.stats().connections);
    gauge('parley_rooms', 'Live rooms.', () => rooms.size);
    gauge('parley_members', 'Seats taken across all rooms, held seats included.', () => rooms.memberCount());
    gauge('parley_held_seats', 'Seats held for a lost peer to resume.', () => rooms.heldCount());
    gauge('parley_held_queue_bytes', 'Bytes of signals queued for held seats.', () => rooms.queuedBytes);
    const counter = (name: string, help: string, label: string, read: () => Record<string, number>): void => {
      new Counter({
        name,
        help,
        labelNames: [label],
        registers: [registry],
        collect() {
          this.reset();
          for (const [value, count] of Object.entries(read())) this.inc({ [label]: value }, count);
        },
      });
    };
    counter('parley_messages_total', 'Client messages handled, by type.', 'type', () => signaling.counts.frames);
    counter('parley_errors_total', 'Error frames sent to clients, by code.', 'code', () => signaling.counts.errors);
    counter('parley_refused_upgrades_total', 'WebSocket upgrades refused, by reason.', 'reason', () => ({ ...edge.refused }));
    counter('parley_seat_events_total', 'Held seats resumed or expired.', 'event', () => ({
      resumed: rooms.counts.resumes,
      expired: rooms.counts.graceExpiries,
    }));

    app.get('/metrics', async (request, reply) => {
      const allowed = config.metricsToken === undefined ? isLoopback(request) : carriesToken(request, config.metricsToken);
      if (!allowed) return reply.code(404).send({ error: 'not found' });
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'parley-metrics', dependencies: ['parley-config', 'parley-rooms', 'parley-signaling', 'parley-edge-limits'] },
);
