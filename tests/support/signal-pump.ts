import type WebSocket from 'ws';
import type { NodePeer, PeerSignal } from './node-peer.ts';

/**
 * Hands every signal `from` the remote peer that arrives on `socket` to `deliver`, in order,
 * and keeps any other frame the socket gets in `unexpected` (during a call there should be
 * none, or only those a test expects).
 */
export function pump(socket: WebSocket, from: string, deliver: (signal: PeerSignal) => void): { unexpected: unknown[] } {
  const unexpected: unknown[] = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; from?: string; data?: PeerSignal };
    if (frame.type === 'signal' && frame.from === from) deliver(frame.data!);
    else unexpected.push(frame);
  });
  return { unexpected };
}

/** Applies signals to `peer`, keeping the first errors of its signal handling in `failures` instead of losing them. */
export function applied(peer: NodePeer, failures: unknown[]): (signal: PeerSignal) => void {
  return (signal) => void peer.handle(signal).catch((error: unknown) => failures.push(error));
}
