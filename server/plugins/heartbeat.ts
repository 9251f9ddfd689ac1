import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';

/** Pings a socket may leave unanswered; the next tick after that many drops it. */
const allowedMissedPings = 2;

/**
 * WebSocket-level heartbeat: one timer pings every socket each PING_INTERVAL_MS, and a socket
 * that has not answered within two intervals is terminated. No close frame is sent, so its
 * room treats it as lost and holds its seat for the grace period.
 */
export const heartbeatPlugin = fp(
  async (app) => {
    const wss = app.websocketServer;
    const missed = new WeakMap<WebSocket, number>();
    function answered(this: WebSocket): void {
      missed.set(this, 0);
    }
    wss.on('connection', (socket: WebSocket) => {
      missed.set(socket, 0);
      socket.on('pong', answered);
    });
    const timer = setInterval(() => {
      for (const socket of wss.clients) {
        const count = missed.get(socket) ?? 0;
        if (count >= allowedMissedPings) {
          socket.terminate();
          continue;
        }
        missed.set(socket, count + 1);
        socket.ping();
      }
    }, app.config.pingIntervalMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'parley-heartbeat', dependencies: ['parley-config', 'parley-signaling'] },
);
