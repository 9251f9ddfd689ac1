import fp from 'fastify-plugin';
import type { ServerConfig } from '../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The resolved, validated configuration of this server. */
    config: ServerConfig;
  }
}

/** Makes the resolved configuration available to every other plugin as `app.config`. */
export const configPlugin = fp<{ config: ServerConfig }>(
  async (app, options) => {
    app.decorate('config', options.config);
  },
  { name: 'parley-config' },
);
