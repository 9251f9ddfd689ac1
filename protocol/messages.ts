/**
 * The wire format of signaling protocol v1 as schemas with their static types.
 *
 * TypeBox is used (not zod) because its schemas are plain JSON Schema, the same language
 * Fastify speaks, and its compiled checkers validate a relayed frame in well under a
 * microsecond — the relay's hot path parses every signal. The page imports only the types.
 */
import { Type, type Static } from '@sinclair/typebox';
import { protocolErrorCodes } from './error-codes.ts';

const PeerId = Type.String({ minLength: 1 });

/**
 * A display name as sent by a client: a string, checked further by `displayNameError()`
 * (protocol/display-name.ts), since "1..64 characters after trimming, no control characters"
 * is more than a JSON Schema says clearly.
 */
const DisplayName = Type.String();

/** Opaque signal payload: an object (never an array or null), relayed as-is. */
export const SignalData = Type.Record(Type.String(), Type.Unknown());

export const CreateMessage = Type.Object({
  type: Type.Literal('create'),
  capacity: Type.Optional(Type.Integer()),
  name: Type.Optional(DisplayName),
});
export const JoinMessage = Type.Object({
  type: Type.Literal('join'),
  roomId: Type.String(),
  resume: Type.Optional(Type.String()),
  name: Type.Optional(DisplayName),
});
export const SignalMessage = Type.Object({
  type: Type.Literal('signal'),
  to: Type.String(),
  data: SignalData,
});
/** Asks whether room `roomId` can be joined, without joining it (before a page takes the camera). */
export const PeekMessage = Type.Object({ type: Type.Literal('peek'), roomId: Type.String() });
export const LeaveMessage = Type.Object({ type: Type.Literal('leave') });
export const PingMessage = Type.Object({ type: Type.Literal('ping') });

/** Schemas of every client → server message, by `type`. */
export const clientMessageSchemas = {
  create: CreateMessage,
  join: JoinMessage,
  peek: PeekMessage,
  signal: SignalMessage,
  leave: LeaveMessage,
  ping: PingMessage,
} as const;

export type ClientMessageType = keyof typeof clientMessageSchemas;
export type CreateMessage = Static<typeof CreateMessage>;
export type JoinMessage = Static<typeof JoinMessage>;
export type SignalMessage = Static<typeof SignalMessage>;
export type ClientMessage = Static<(typeof clientMessageSchemas)[ClientMessageType]>;
export type SignalData = Static<typeof SignalData>;

/** An RTCIceServer as handed to `new RTCPeerConnection({ iceServers })`. */
export const IceServer = Type.Object({
  urls: Type.Union([Type.String(), Type.Array(Type.String())]),
  username: Type.Optional(Type.String()),
  credential: Type.Optional(Type.String()),
});
export type IceServer = Static<typeof IceServer>;

export const WelcomeMessage = Type.Object({ type: Type.Literal('welcome'), protocol: Type.Literal(1) });
export const JoinedMessage = Type.Object({
  type: Type.Literal('joined'),
  roomId: Type.String(),
  peerId: PeerId,
  peers: Type.Array(PeerId),
  capacity: Type.Integer({ minimum: 2 }),
  resume: Type.String({ minLength: 22 }),
  /** Display names of the members who gave one (this member's own too), by peer id. */
  names: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** How long this server holds a lost seat, in ms: the page's reconnection budget. */
  resumeGraceMs: Type.Optional(Type.Integer({ minimum: 1 })),
  /**
   * Set when this server re-established the room from returning seats after losing it (a
   * restart): peers missing from `peers` may still come back, as `peer-joined` with `resumed`.
   */
  restored: Type.Optional(Type.Literal(true)),
  iceServers: Type.Array(IceServer),
});
export const PeerJoinedMessage = Type.Object({
  type: Type.Literal('peer-joined'),
  peerId: PeerId,
  name: Type.Optional(Type.String()),
  /** A peer the room had before the server lost it, back with its seat: keep its connection. */
  resumed: Type.Optional(Type.Literal(true)),
});
/**
 * Answer to `peek`: the room exists and has a free seat; `peers` is how many are in it, and
 * `names` the display names of those who gave one, oldest first (so the page can say who is
 * there before asking for the camera).
 */
export const RoomMessage = Type.Object({
  type: Type.Literal('room'),
  roomId: Type.String(),
  capacity: Type.Integer({ minimum: 2 }),
  peers: Type.Integer({ minimum: 1 }),
  names: Type.Optional(Type.Array(Type.String())),
});
export const PeerLeftMessage = Type.Object({ type: Type.Literal('peer-left'), peerId: PeerId });
export const RelayedSignalMessage = Type.Object({
  type: Type.Literal('signal'),
  from: PeerId,
  data: SignalData,
});
export const LeftMessage = Type.Object({ type: Type.Literal('left') });
export const PongMessage = Type.Object({ type: Type.Literal('pong') });
export const ErrorMessage = Type.Object({
  type: Type.Literal('error'),
  code: Type.Union(protocolErrorCodes.map((code) => Type.Literal(code))),
  message: Type.String(),
  ref: Type.Optional(Type.String()),
});

/** Schemas of every server → client message, by `type`; tests check each frame against them. */
export const serverMessageSchemas = {
  welcome: WelcomeMessage,
  joined: JoinedMessage,
  'peer-joined': PeerJoinedMessage,
  'peer-left': PeerLeftMessage,
  room: RoomMessage,
  signal: RelayedSignalMessage,
  left: LeftMessage,
  pong: PongMessage,
  error: ErrorMessage,
} as const;

export type ServerMessageType = keyof typeof serverMessageSchemas;
export type ServerMessage = Static<(typeof serverMessageSchemas)[ServerMessageType]>;
export type JoinedMessage = Static<typeof JoinedMessage>;
export type PeerJoinedMessage = Static<typeof PeerJoinedMessage>;
export type RelayedSignalMessage = Static<typeof RelayedSignalMessage>;
export type ErrorMessage = Static<typeof ErrorMessage>;
