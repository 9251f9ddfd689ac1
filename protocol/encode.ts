import type { ClientMessage, ServerMessage } from './messages.ts';

/** Serialises one message into a text frame. Typed, so only protocol messages can be sent. */
export function encode(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}
