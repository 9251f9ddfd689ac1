/**
 * Every error code a client can meet, as stable strings shared by server and page.
 * The first group travels on the wire (docs/protocol.md); the second is raised by the page
 * itself. The page turns each into words in one place (web/lib/error-text.ts).
 */
export const protocolErrorCodes = [
  'bad-json',
  'bad-message',
  'room-not-found',
  'room-full',
  'already-in-room',
  'not-in-room',
  'peer-not-found',
  'rate-limited',
  'shutting-down',
] as const;

/** Failures the page detects on its own, never sent by the server. */
export const clientErrorCodes = [
  'media-denied',
  'media-unavailable',
  'ice-failed',
  'signaling-lost',
  'device-ended',
] as const;

export type ProtocolErrorCode = (typeof protocolErrorCodes)[number];
export type ClientErrorCode = (typeof clientErrorCodes)[number];
export type ErrorCode = ProtocolErrorCode | ClientErrorCode;
