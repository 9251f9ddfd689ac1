import fp from 'fastify-plugin';
import { loadSeatKey } from './seat-key.ts';
import type { SeatStore } from './seat-store.ts';
import { SignedSeats } from './signed-seats.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** How this deployment remembers seats beyond the process (server/seats/seat-store.ts). */
    seats: SeatStore;
  }
}

/**
 * Provides `app.seats`: signed resume tokens under the deployment's seat key (`SECRET`, or a
 * key generated once into `DATA_DIR`), so seats outlive a restart of this process; in cluster
 * mode the seats of server/cluster/, which also come back into rooms taken over from a dead instance.
 */
export const seatsPlugin = fp(
  async (app) => {
    const { config } = app;
    if (app.cluster !== undefined) return void app.decorate('seats', app.cluster.seats);
    const key = loadSeatKey({ secret: config.secret, dataDir: config.dataDir });
    app.decorate('seats', new SignedSeats(key, Date.now(), config.resumeGraceMs));
  },
  { name: 'parley-seats', dependencies: ['parley-config', 'parley-cluster'] },
);
