import fp from 'fastify-plugin';

/**
 * `GET /healthz` (liveness: the process answers) and `GET /readyz` (readiness: 503 once the
 * server is shutting down, so a load balancer stops sending new clients before the sockets
 * are drained). Neither shows usage counts: those are on /metrics, which is not public.
 */
export const healthPlugin = fp(
  async (app) => {
    let stopping = false;
    app.addHook('preClose', async () => {
      stopping = true;
    });
    app.get('/healthz', async () => ({ status: 'ok' }));
    app.get('/readyz', async (_request, reply) =>
      stopping ? reply.code(503).send({ status: 'shutting-down' }) : reply.send({ status: 'ready' }),
    );
  },
  { name: 'parley-health' },
);
