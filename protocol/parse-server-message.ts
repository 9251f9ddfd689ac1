import type { ServerMessage, ServerMessageType } from './messages.ts';

const serverTypes: ReadonlySet<string> = new Set<ServerMessageType>([
  'welcome', 'joined', 'peer-joined', 'peer-left', 'room', 'signal', 'left', 'pong', 'error',
]);

/**
 * Reads a server frame on the client side. Never throws: returns the message, or `null` for a
 * frame that is not a known server message. It trusts the server for field shapes, so the page
 * carries no schema library; tests check server frames strictly against protocol/messages.ts.
 */
export function parseServerMessage(text: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const type: unknown = (value as { type?: unknown }).type;
  return typeof type === 'string' && serverTypes.has(type) ? (value as ServerMessage) : null;
}
