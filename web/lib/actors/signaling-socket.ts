import { fromCallback } from 'xstate';
import type { SocketCommand, SocketEvent } from '../../../machines/call-types.ts';
import { encode } from '../../../protocol/encode.ts';
import { parseServerMessage } from '../../../protocol/parse-server-message.ts';

/** How often the page pings: browsers cannot see the server's WebSocket-level pings. */
const pingInterval = 10_000;
/** Silence after which the connection counts as lost: two pings unanswered, and a margin. */
const silenceLimit = 25_000;
/** Close code the browser reports when a connection ended without a close frame. */
const abnormalClosure = 1006;

/** `/ws` on the page's own origin, `wss:` on an https page. */
function socketUrl(location: Pick<Location, 'href' | 'protocol'>): string {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/**
 * The call machine's `signalingSocket`: one WebSocket to the signaling server. It reports
 * `socket.open`, every parsed server frame as `socket.message` and `socket.closed`; it sends
 * what the machine asks (`call.send`).
 *
 * A dead network can leave a socket open for minutes, so the page pings and, after
 * `silenceLimit` without a frame, reports the socket lost (1006) without sending a close
 * frame: a close frame would make the server give up our seat at once, while a silent loss
 * keeps it for the resume. Stopping the actor (hang up) closes it cleanly.
 */
export const signalingSocket = fromCallback<SocketCommand>(({ sendBack, receive }) => {
  const report = (event: SocketEvent) => sendBack(event);
  const socket = new WebSocket(socketUrl(window.location));
  let lastHeard = Date.now();
  let lost = false;

  const loseConnection = (code: number) => {
    if (lost) return;
    lost = true;
    clearInterval(heartbeat);
    report({ type: 'socket.closed', code });
  };

  socket.addEventListener('open', () => {
    lastHeard = Date.now();
    report({ type: 'socket.open' });
  });
  socket.addEventListener('message', ({ data }) => {
    lastHeard = Date.now();
    if (lost || typeof data !== 'string') return;
    const message = parseServerMessage(data);
    if (message) report({ type: 'socket.message', message });
  });
  socket.addEventListener('close', ({ code }) => loseConnection(code));

  const heartbeat = setInterval(() => {
    if (socket.readyState !== WebSocket.OPEN) return;
    if (Date.now() - lastHeard > silenceLimit) loseConnection(abnormalClosure);
    else socket.send(encode({ type: 'ping' }));
  }, pingInterval);

  receive((command) => {
    if (!lost && socket.readyState === WebSocket.OPEN) socket.send(encode(command.message));
  });

  return () => {
    clearInterval(heartbeat);
    if (!lost) {
      lost = true;
      socket.close(1000);
    }
  };
});
