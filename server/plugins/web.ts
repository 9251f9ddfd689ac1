import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Shown when the page has not been built, so `/` still says what the server is. */
const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley</title></head>
<body><h1>Parley</h1><p>The signaling server is running, but the call page is not built.
Run <code>npm run build</code> (or <code>npm start</code>, which builds it) and reload.</p></body></html>
`;

/** A GET for a page route (no file extension), such as the room link `/r/<roomId>`. */
function isPageRoute(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?', 1)[0]!;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return !last.includes('.');
}

/**
 * Serves the built call page (WEB_ROOT, dist/web) at `/`. Deep links such as `/r/<roomId>`
 * get index.html so the page can route them; a missing build gets a placeholder page.
 */
export const webPlugin = fp(
  async (app) => {
    const root = app.config.webRoot;
    const built = existsSync(join(root, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, { root, index: 'index.html' });
    } else {
      app.log.warn({ root }, 'call page not built; serving a placeholder');
      app.get('/', async (_request, reply) => reply.type('text/html').send(placeholder));
    }
    app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
      if (!isPageRoute(request)) return reply.code(404).send({ error: 'not found' });
      if (!built) return reply.type('text/html').send(placeholder);
      return reply.type('text/html').sendFile('index.html');
    });
  },
  { name: 'parley-web', dependencies: ['parley-config'] },
);
