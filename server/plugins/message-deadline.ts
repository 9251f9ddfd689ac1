import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';

/**
 * The fields of ws's receiver (node_modules/ws/lib/receiver.js, ws 8) that say whether a
 * message is under way. ws keeps a begun message until it is finished: the first fragments of
 * a fragmented message (up to MAX_PAYLOAD together) or the part of a frame read so far. It has
 * no public way to ask, so this reads them; tests/server/message-deadline.test.ts fails if an
 * update of ws moves them.
 */
interface ReceiverState {
  /** 0 (`GET_INFO`) between frames; anything else is within a frame's header or payload. */
  _state: number;
  /** Bytes read from the socket and not yet parsed. */
  _bufferedBytes: number;
  /** The opcode of a fragmented message under way, 0 when there is none. */
  _fragmented: number;
}

/** Whether `socket`'s client has begun a message (a frame or a fragmented message) it has not finished. */
export function isMidMessage(socket: WebSocket): boolean {
  const receiver = (socket as unknown as { _receiver?: Partial<ReceiverState> })._receiver;
  if (receiver === undefined) return false;
  return receiver._state !== 0 || (receiver._bufferedBytes ?? 0) > 0 || (receiver._fragmented ?? 0) !== 0;
}

/**
 * A half-sent message cannot keep a socket's memory: a client that begins a message (a first
 * fragment without its last, or a frame's first bytes) and has not finished it
 * MESSAGE_DEADLINE_MS later is cut, like a socket the heartbeat gives up on (no close frame;
 * its room holds its seat as for a lost connection), and ws releases what it held. The clock
 * starts at the first bytes read after the last finished message, so a client that keeps
 * finishing messages is never cut, and one that drips a message slowly is.
 */
export const messageDeadlinePlugin = fp(
  async (app) => {
    const deadlineMs = app.config.messageDeadlineMs;
    const timers = new Set<NodeJS.Timeout>();
    app.websocketServer.on('connection', (socket: WebSocket, request: { socket: NodeJS.EventEmitter }) => {
      let timer: NodeJS.Timeout | undefined;
      let finished = 0;
      let finishedAtStart = 0;
      const stop = (): void => {
        if (timer === undefined) return;
        clearTimeout(timer);
        timers.delete(timer);
        timer = undefined;
      };
      socket.on('message', () => finished++);
      // ws parses each chunk in its own 'data' listener, added before this one.
      request.socket.on('data', () => {
        if (!isMidMessage(socket)) return stop();
        if (timer !== undefined && finished === finishedAtStart) return;
        stop();
        finishedAtStart = finished;
        timer = setTimeout(() => {
          timers.delete(timer!);
          if (isMidMessage(socket)) socket.terminate();
        }, deadlineMs);
        timers.add(timer);
      });
      // `on`, not `once`: a socket closes once, and a once-wrapper costs about 300 bytes a socket.
      socket.on('close', stop);
    });
    app.addHook('onClose', async () => {
      for (const timer of timers) clearTimeout(timer);
    });
  },
  { name: 'parley-message-deadline', dependencies: ['parley-config', 'parley-signaling'] },
);
