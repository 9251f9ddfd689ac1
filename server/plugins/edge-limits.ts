import { createHmac, randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AddressBook } from '../address-book.ts';

/** Why an upgrade was refused, as counted in metrics and logged. */
export type RefusalReason = 'origin' | 'server-full' | 'address-full';

/** The paths that upgrade to a WebSocket, which the edge limits guard. */
const socketPaths = new Set(['/ws', '/inspect']);

/** How often addresses that hold and owe nothing are forgotten. */
const sweepIntervalMs = 60_000;

const refusals: Record<RefusalReason, { status: number; error: string }> = {
  origin: { status: 403, error: 'This origin may not open the signaling socket.' },
  'server-full': { status: 503, error: 'The server is at its limit of connections; try again later.' },
  'address-full': { status: 429, error: 'Too many connections from your address.' },
};

/** The edge limits as other plugins use them. */
export interface EdgeLimits {
  /** Whether a client at `address` may create a room now (per-address and whole-server limits); takes one. */
  mayCreate(address: string): boolean;
  /** Upgrades refused so far, by reason. */
  readonly refused: Record<RefusalReason, number>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Limits at the edge (docs/protocol.md): origin, sockets per address and in all, room creation. */
    edge: EdgeLimits;
  }
}

/** The origin a request's own page was served from, e.g. `http://localhost:8080`. */
function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`.toLowerCase();
}

/**
 * Guards every WebSocket upgrade before it happens: a foreign `Origin` gets 403 (unless in
 * ALLOWED_ORIGINS), a server at MAX_SOCKETS gets 503, an address at MAX_SOCKETS_PER_IP gets
 * 429. An admitted socket counts against its address until its TCP connection closes. A
 * refused address is logged once a minute at most, as a keyed hash (the key lives only in this
 * process), never as the address itself. The client address is `request.ip`, which follows
 * TRUST_PROXY.
 */
export const edgeLimitsPlugin = fp(
  async (app) => {
    const { config } = app;
    const book = new AddressBook(config);
    const allowed = new Set(config.allowedOrigins.map((origin) => origin.toLowerCase()));
    const hashKey = randomBytes(32);
    const refused: Record<RefusalReason, number> = { origin: 0, 'server-full': 0, 'address-full': 0 };
    let sockets = 0;

    const clientHash = (address: string): string => createHmac('sha256', hashKey).update(address).digest('base64url').slice(0, 16);

    const refuse = (request: FastifyRequest, reply: FastifyReply, reason: RefusalReason): FastifyReply => {
      refused[reason]++;
      if (book.shouldLogRefusal(request.ip, performance.now())) {
        app.log.warn({ client: clientHash(request.ip), reason }, 'refused a connection (further refusals of this client are not logged for a minute)');
      }
      const { status, error } = refusals[reason];
      // Node stops reading a socket once it asked for an upgrade: close it once answered.
      reply.raw.once('finish', () => request.raw.socket.destroy());
      return reply.code(status).header('connection', 'close').send({ error });
    };

    app.addHook('onRequest', async (request, reply) => {
      if (request.headers.upgrade?.toLowerCase() !== 'websocket' || !socketPaths.has(request.routeOptions.url ?? '')) return;
      const origin = request.headers.origin?.toLowerCase();
      if (origin !== undefined && origin !== ownOrigin(request) && !allowed.has(origin)) return refuse(request, reply, 'origin');
      if (sockets >= config.maxSockets) return refuse(request, reply, 'server-full');
      const address = request.ip;
      if (!book.hasRoom(address)) return refuse(request, reply, 'address-full');
      sockets++;
      book.open(address, performance.now());
      // `on`, not `once`: a socket closes once, and a once-wrapper costs about 300 bytes a socket.
      request.raw.socket.on('close', () => {
        sockets--;
        book.close(address);
      });
    });

    const sweep = setInterval(() => book.sweep(performance.now()), sweepIntervalMs);
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));

    app.decorate('edge', {
      mayCreate: (address: string) => app.rooms.size < config.maxRooms && book.takeCreate(address, performance.now()),
      refused,
    });
  },
  { name: 'parley-edge-limits', dependencies: ['parley-config', 'parley-rooms'] },
);
