import { randomBytes } from 'node:crypto';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { HeartbeatSchedule } from '../heartbeat-schedule.ts';

/** Pings a socket may leave unanswered; its next turn after that many drops it. */
const allowedMissedPings = 2;

/** Ticks per interval: each pings about 1/20 of the sockets (1,000 of 20,000). */
const slices = 20;

/** What the heartbeat knows of one socket. */
interface Beat {
  missed: number;
  /**
   * The payload of the latest ping, 8 random bytes as base64url; only a pong echoing it counts
   * as an answer. A short string, not a Buffer (its own ArrayBuffer, about 200 bytes a socket).
   */
  payload: string;
}

/**
 * WebSocket-level heartbeat: each socket is pinged once per PING_INTERVAL_MS, the sockets
 * spread over the interval in 20 slices, and one that has not answered two pings is
 * terminated. A ping carries 8 random bytes and only a pong echoing the latest ping's payload
 * counts, so a client that stopped reading cannot stay alive by sending unprompted pongs. No
 * close frame is sent, so its room treats it as lost and holds its seat for the grace period.
 */
export const heartbeatPlugin = fp(
  async (app) => {
    const wss = app.websocketServer;
    const schedule = new HeartbeatSchedule<WebSocket, Beat>(slices);
    // Shared listeners (`this` is the socket): no closure per socket.
    function answered(this: WebSocket, data: Buffer): void {
      const beat = schedule.get(this);
      if (beat !== undefined && beat.payload !== '' && data.toString('base64url') === beat.payload) beat.missed = 0;
    }
    function forget(this: WebSocket): void {
      schedule.delete(this);
    }
    wss.on('connection', (socket: WebSocket) => {
      schedule.add(socket, { missed: 0, payload: '' });
      socket.on('pong', answered);
      socket.on('close', forget);
    });
    const timer = setInterval(() => {
      for (const [socket, beat] of [...schedule.next()]) {
        if (beat.missed >= allowedMissedPings) {
          socket.terminate();
          continue;
        }
        beat.missed++;
        const payload = randomBytes(8);
        beat.payload = payload.toString('base64url');
        socket.ping(payload);
      }
    }, Math.max(1, Math.floor(app.config.pingIntervalMs / slices)));
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'parley-heartbeat', dependencies: ['parley-config', 'parley-signaling'] },
);
