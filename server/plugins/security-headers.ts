import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import type { IncomingMessage } from 'node:http';

/** The page's own WebSocket origins (`ws://` and `wss://` on the host it was loaded from). */
function ownSockets(request: IncomingMessage): string {
  const host = request.headers.host ?? '';
  return `ws://${host} wss://${host}`;
}

/**
 * Devices the page may ask for, only for itself: a call needs the camera, the microphone and
 * screen sharing; everything else a page could ask for is off.
 */
const permissionsPolicy = [
  'camera=(self)',
  'microphone=(self)',
  'display-capture=(self)',
  'geolocation=()',
  'payment=()',
  'usb=()',
  'interest-cohort=()',
].join(', ');

/**
 * Security headers on every response (@fastify/helmet): a Content-Security-Policy with no
 * inline script and no eval (WebAssembly aside), no other origin to talk to than the page's own (and its WebSocket), no
 * framing, no Referer (the room id, the only secret of a room, is in the path), nosniff, and a
 * Permissions-Policy that gives camera, microphone and display capture to the page alone.
 * HSTS and upgrade-insecure-requests are left out: Parley is also served over plain HTTP on a
 * LAN or behind a TLS proxy, which sets HSTS itself.
 *
 * No Cross-Origin-Opener-Policy. With one, Chromium cannot keep a new tab's first document in
 * the renderer it was opened with: it starts another renderer process once the response's
 * headers arrive, and each room link opened in a new tab waited for that, about 100 ms here
 * (docs/performance.md). What the policy guards against is another site's window keeping a
 * reference to this one: the page has no frames, talks by message only with the inspector
 * window it opens itself (`?inspect=stately`), and may not be framed.
 */
export const securityHeadersPlugin = fp(
  async (app) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          // WebAssembly, for the background effects' person segmentation (web/lib/background-effects.ts).
          scriptSrc: ["'self'", "'wasm-unsafe-eval'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          mediaSrc: ["'self'", 'blob:'],
          connectSrc: ["'self'", (request) => ownSockets(request)],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'no-referrer' },
      crossOriginOpenerPolicy: false,
    });
    app.addHook('onSend', async (_request, reply) => {
      reply.header('permissions-policy', permissionsPolicy);
    });
  },
  { name: 'parley-security-headers' },
);
