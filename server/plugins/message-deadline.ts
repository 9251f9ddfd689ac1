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
  /** The fragments of the message under way; ws replaces the array whenever a message is finished. */
  _fragments: unknown[];
}

function receiverOf(socket: WebSocket): Partial<ReceiverState> | undefined {
  return (socket as unknown as { _receiver?: Partial<ReceiverState> })._receiver;
}

/** Whether `socket`'s client has begun a message (a frame or a fragmented message) it has not finished. */
export function isMidMessage(socket: WebSocket): boolean {
  const receiver = receiverOf(socket);
  if (receiver === undefined) return false;
  return receiver._state !== 0 || (receiver._bufferedBytes ?? 0) > 0 || (receiver._fragmented ?? 0) !== 0;
}

/** The clock of one socket with a message under way. */
interface Watch {
  readonly timer: NodeJS.Timeout;
  /** The receiver's fragments array when the clock started: another one means a message was finished since. */
  readonly fragments: unknown;
}

/**
 * A half-sent message cannot keep a socket's memory: a client that begins a message (a first
 * fragment without its last, or a frame's first bytes) and has not finished it
 * MESSAGE_DEADLINE_MS later is cut, like a socket the heartbeat gives up on (no close frame;
 * its room holds its seat as for a lost connection), and ws releases what it held. The clock
 * starts at the first bytes read after the last finished message, so a client that keeps
 * finishing messages is never cut, and one that drips a message slowly is.
 *
 * An idle socket costs one WeakMap entry (TCP socket → ws socket) and a shared 'data'
 * listener; a clock exists only while a message is under way. Whether a message was finished
 * since the clock started is read from ws's receiver, which gives itself a new fragments
 * array for every message, so no listener counts messages.
 */
export const messageDeadlinePlugin = fp(
  async (app) => {
    const deadlineMs = app.config.messageDeadlineMs;
    // Found from the TCP socket by the shared listener (`this` is the emitter): no closures
    // per socket. A weak key: the entry goes with its socket, no 'close' listener needed.
    const websockets = new WeakMap<object, WebSocket>();
    // Only sockets whose clock runs; a clock that runs out deletes its entry.
    const watches = new Map<object, Watch>();
    const stop = (tcp: object): void => {
      const watch = watches.get(tcp);
      if (watch === undefined) return;
      clearTimeout(watch.timer);
      watches.delete(tcp);
    };
    // ws parses each chunk in its own 'data' listener, added before this one.
    function read(this: NodeJS.EventEmitter): void {
      const socket = websockets.get(this)!;
      if (!isMidMessage(socket)) return stop(this);
      const fragments = receiverOf(socket)?._fragments;
      if (watches.get(this)?.fragments === fragments) return;
      stop(this);
      const tcp = this;
      const timer = setTimeout(() => {
        watches.delete(tcp);
        // A timer running when its socket closed finds nothing to cut (terminating a closed socket does nothing).
        if (isMidMessage(socket)) socket.terminate();
      }, deadlineMs);
      watches.set(tcp, { timer, fragments });
    }
    app.websocketServer.on('connection', (socket: WebSocket, request: { socket: NodeJS.EventEmitter }) => {
      websockets.set(request.socket, socket);
      request.socket.on('data', read);
    });
    app.addHook('onClose', async () => {
      for (const watch of watches.values()) clearTimeout(watch.timer);
      watches.clear();
    });
  },
  { name: 'parley-message-deadline', dependencies: ['parley-config', 'parley-signaling'] },
);
