import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent } from '../../../machines/call/types.ts';
import { encode } from '../../../protocol/encode.ts';
import { parseServerMessage } from '../../../protocol/parse-server-message.ts';

/**
 * How often the page pings: browsers cannot see the server's WebSocket-level pings. A ping is
 * a dozen bytes; once a second lets a silent socket be noticed within about 5 s.
 */
const pingInterval = 1_000;
/**
 * Pings in a row without a frame after which the connection counts as lost: three unanswered,
 * and a margin. Counted in pings rather than in clock time, because a page that was itself
 * frozen (a busy or throttled tab) must not take its own stall for a silent server: frames that
 * came meanwhile are still waiting to be dispatched when its first late timer runs.
 */
const silentPings = 4;
/** Close code the browser reports when a connection ended without a close frame. */
const abnormalClosure = 1006;

/** `/ws` on the page's own origin, `wss:` on an https page. */
function socketUrl(location: Pick<Location, 'href' | 'protocol'>): string {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** Where and how to open the socket; the page's own origin and WebSocket by default. */
export interface SignalingSocketOptions {
  /** The endpoint, read when each socket opens. */
  url(): string;
  /** Opens a socket; tests may hand over another WebSocket implementation. */
  open(url: string): WebSocket;
}

const browserOptions: SignalingSocketOptions = {
  url: () => socketUrl(window.location),
  open: (url) => new WebSocket(url),
};

/**
 * Builds the call machine's `signalingSocket`: one WebSocket to the signaling server. It
 * reports `socket.open`, every parsed server frame as `socket.message` and `socket.closed`;
 * it sends what the machine asks (`call.send`).
 *
 * A dead network can leave a socket open for minutes, so the page pings and, after
 * `silentPings` pings without a frame, reports the socket lost (1006) without sending a close
 * frame: a close frame would make the server give up our seat at once, while a silent loss
 * keeps it for the resume. Stopping the actor (hang up) closes it cleanly.
 */
export function createSignalingSocketActor(options: SignalingSocketOptions = browserOptions) {
  return fromCallback<SocketCommand>(({ sendBack, receive }) => {
    const report = (event: SocketEvent) => sendBack(event);
    const socket = options.open(options.url());
    let unanswered = 0;
    let lost = false;

    const loseConnection = (code: number) => {
      if (lost) return;
      lost = true;
      clearInterval(heartbeat);
      report({ type: 'socket.closed', code });
    };

    socket.addEventListener('open', () => {
      unanswered = 0;
      report({ type: 'socket.open' });
    });
    socket.addEventListener('message', ({ data }) => {
      unanswered = 0;
      if (lost || typeof data !== 'string') return;
      const message = parseServerMessage(data);
      if (message) report({ type: 'socket.message', message });
    });
    socket.addEventListener('close', ({ code }) => loseConnection(code));

    const heartbeat = setInterval(() => {
      if (socket.readyState !== socket.OPEN) return;
      if (unanswered >= silentPings) return loseConnection(abnormalClosure);
      unanswered += 1;
      socket.send(encode({ type: 'ping' }));
    }, pingInterval);

    receive((command) => {
      if (!lost && socket.readyState === socket.OPEN) socket.send(encode(command.message));
    });

    return () => {
      clearInterval(heartbeat);
      if (!lost) {
        lost = true;
        socket.close(1000);
      }
    };
  });
}

/** The call machine's `signalingSocket` for the page: `/ws` on the page's origin. */
export const signalingSocket = createSignalingSocketActor();
