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

/** What the deadline knows of one socket: messages it finished, and the timer of one begun. */
interface Watch {
  readonly socket: WebSocket;
  timer: NodeJS.Timeout | undefined;
  finished: number;
  /** `finished` when the timer started: a message finished since then restarts the clock. */
  finishedAtStart: number;
}

/** Stops the deadline's timer of `watch`, if it runs. */
function stop(watch: Watch, timers: Set<NodeJS.Timeout>): void {
  if (watch.timer === undefined) return;
  clearTimeout(watch.timer);
  timers.delete(watch.timer);
  watch.timer = undefined;
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
    // Each socket's watch, found from the ws socket and from its TCP socket by shared listeners
    // (`this` is the emitter): no closures per socket. Weak keys: an entry goes with its socket,
    // so no 'close' listener is needed (a third one would grow the socket's listener array).
    const watches = new WeakMap<object, Watch>();
    function finished(this: WebSocket): void {
      watches.get(this)!.finished++;
    }
    // ws parses each chunk in its own 'data' listener, added before this one.
    function read(this: NodeJS.EventEmitter): void {
      const watch = watches.get(this)!;
      const { socket } = watch;
      if (!isMidMessage(socket)) return stop(watch, timers);
      if (watch.timer !== undefined && watch.finished === watch.finishedAtStart) return;
      stop(watch, timers);
      watch.finishedAtStart = watch.finished;
      const timer = setTimeout(() => {
        timers.delete(timer);
        // A timer running when its socket closed finds nothing to cut (terminating a closed socket does nothing).
        if (isMidMessage(socket)) socket.terminate();
      }, deadlineMs);
      watch.timer = timer;
      timers.add(timer);
    }
    app.websocketServer.on('connection', (socket: WebSocket, request: { socket: NodeJS.EventEmitter }) => {
      const watch: Watch = { socket, timer: undefined, finished: 0, finishedAtStart: 0 };
      watches.set(socket, watch);
      watches.set(request.socket, watch);
      socket.on('message', finished);
      request.socket.on('data', read);
    });
    app.addHook('onClose', async () => {
      for (const timer of timers) clearTimeout(timer);
    });
  },
  { name: 'parley-message-deadline', dependencies: ['parley-config', 'parley-signaling'] },
);
