import fp from 'fastify-plugin';

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

function receiverOf(socket: object): Partial<ReceiverState> | undefined {
  return (socket as unknown as { _receiver?: Partial<ReceiverState> })._receiver;
}

/** Whether `socket`'s client has begun a message (a frame or a fragmented message) it has not finished. */
export function isMidMessage(socket: object): boolean {
  const receiver = receiverOf(socket);
  if (receiver === undefined) return false;
  return receiver._state !== 0 || (receiver._bufferedBytes ?? 0) > 0 || (receiver._fragmented ?? 0) !== 0;
}

/** The clock of one socket seen with a message under way. */
interface Watch {
  /** When a sweep first saw this message under way. */
  readonly since: number;
  /** The receiver's fragments array then: another one means a message was finished since. */
  readonly fragments: unknown;
}

/** Sweeps per deadline: a message is cut between one and one and a half deadlines after it began. */
const sweepsPerDeadline = 4;

/**
 * A half-sent message cannot keep a socket's memory: a client that begins a message (a first
 * fragment without its last, or a frame's first bytes) and has not finished it
 * MESSAGE_DEADLINE_MS later is cut, like a socket the heartbeat gives up on (no close frame;
 * its room holds its seat as for a lost connection), and ws releases what it held.
 *
 * A sweep looks at every socket four times a deadline. The clock of a message starts at the
 * first sweep that finds it under way, and runs on for as long as the receiver holds the same
 * fragments array; ws gives itself a new one for every message it finishes, so a client that
 * keeps finishing messages is never cut, and one that drips a message slowly is. A message is
 * never cut before the deadline, and at most a deadline and a half after it began.
 *
 * Nothing is kept for a socket between messages, and nothing runs as bytes arrive: a listener
 * on every socket's reads, with a map to find its ws socket, cost about 0.1 KiB a client and
 * a call for every chunk read (docs/performance.md). Clocks are kept in a WeakMap, only for
 * sockets seen mid-message; an entry goes with its socket.
 */
export const messageDeadlinePlugin = fp(
  async (app) => {
    const deadlineMs = app.config.messageDeadlineMs;
    const watches = new WeakMap<object, Watch>();
    const sweep = (): void => {
      const now = performance.now();
      for (const socket of app.signaling.sockets()) {
        if (!isMidMessage(socket)) {
          watches.delete(socket);
          continue;
        }
        const fragments = receiverOf(socket)?._fragments;
        const watch = watches.get(socket);
        if (watch === undefined || watch.fragments !== fragments) watches.set(socket, { since: now, fragments });
        else if (now - watch.since >= deadlineMs) {
          watches.delete(socket);
          socket.terminate();
        }
      }
    };
    const timer = setInterval(sweep, Math.max(1, Math.floor(deadlineMs / sweepsPerDeadline)));
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'parley-message-deadline', dependencies: ['parley-config', 'parley-signaling'] },
);
