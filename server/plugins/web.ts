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
 * How long a browser may keep a file: the build names every file under assets/ by a hash of
 * its content, so it never changes and is kept for a year without asking again; the pages
 * that name them (index.html) are asked for again every time, so a new build is seen at once.
 */
function setCacheHeaders(response: { setHeader(name: string, value: string): unknown }, path: string): void {
  response.setHeader('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
  // The same address answers with a Brotli, gzip or plain body: a shared cache must keep them apart.
  response.setHeader('vary', 'accept-encoding');
}

/**
 * Serves the built call page (WEB_ROOT, dist/web) at `/`. Deep links such as `/r/<roomId>`
 * get index.html so the page can route them; a missing build gets a placeholder page. The
 * build leaves a Brotli and a gzip copy beside each text file (vite.config.ts), sent as they
 * are to browsers that accept them: a third of the bytes, nothing compressed per request.
 */
export const webPlugin = fp(
  async (app) => {
    const root = app.config.webRoot;
    const built = existsSync(join(root, 'index.html'));
    if (built) {
      await app.register(fastifyStatic, { root, index: 'index.html', preCompressed: true, cacheControl: false, setHeaders: setCacheHeaders });
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
