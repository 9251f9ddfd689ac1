import fp from 'fastify-plugin';

/** `GET /healthz`: 200 with live counts, for load balancers and for checking nothing leaked. */
export const healthPlugin = fp(
  async (app) => {
    app.get('/healthz', async () => ({ status: 'ok', ...app.signaling.stats() }));
  },
  { name: 'parley-health', dependencies: ['parley-signaling'] },
);
