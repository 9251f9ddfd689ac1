import type { ServerMessage } from '../../protocol/messages.ts';

/**
 * The server message an event carries when it is a `socket.message` of the given type, else
 * `null`: the call machine's guards and actions narrow socket events with it.
 */
export function messageOf<T extends ServerMessage['type']>(
  event: { type: string; message?: unknown },
  type: T,
): Extract<ServerMessage, { type: T }> | null {
  if (event.type !== 'socket.message') return null;
  const message = event.message as ServerMessage | undefined;
  return message?.type === type ? (message as Extract<ServerMessage, { type: T }>) : null;
}
