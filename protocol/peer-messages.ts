/**
 * The wire format of the data channel between two peers (one `RTCDataChannel` per remote
 * peer, labelled `parley`): state that needs no server, so it keeps flowing while the server
 * is away. Each message is one JSON text with a string `type`, like the signaling protocol.
 *
 * The schemas are plain field tables rather than TypeBox, because this module ships in the
 * page's bundle, where every kilobyte counts (bench `page-weight`); a new message is one more
 * entry in `peerMessageFields` and one more member of `PeerMessage`.
 *
 * Files do not travel on this channel: each transfer opens its own ordered channel (labelled
 * `file:<id>`), whose first message is a `file` offer in this format; the receiver answers
 * `file-accept` once it is ready for the bytes, which follow as binary chunks, and `file-ack`
 * once the SHA-256 was checked. A big
 * file thus never holds up chat or status, and closing that channel cancels the transfer.
 */

/** What a field holds; `'string'` fields may be bounded with `maxStringLength`. */
type FieldType = 'boolean' | 'string' | 'number';

/** The fields of every peer message, by `type`: the schema `parsePeerMessage()` checks. */
export const peerMessageFields = {
  /** The sender's microphone and camera switches, sent when the channel opens and on every change. */
  status: { micMuted: 'boolean', cameraOff: 'boolean' },
  /** Which of the sender's streams (by `MediaStream.id`, the SDP's msid) is its shared screen; `''`: none. */
  screen: { streamId: 'string' },
  /** One chat line to everyone; text only, at most `maxChatLength` long. */
  chat: { text: 'string' },
  /** Whether the sender's hand is raised: sent on every change, and when the channel opens while it is. */
  hand: { raised: 'boolean' },
  /** A reaction to what is being said: one of `reactionEmoji`, shown for a moment on the sender's tile. */
  reaction: { emoji: 'string' },
  /** The first message on a file's own channel: what follows, and its SHA-256 (lowercase hex). */
  file: { name: 'string', size: 'number', mime: 'string', sha256: 'string' },
  /** The receiver is ready for the bytes: nothing but the offer is sent before it. */
  'file-accept': {},
  /** The receiver's answer on a file's channel: whether the bytes matched the SHA-256. */
  'file-ack': { ok: 'boolean' },
} as const satisfies Record<string, Record<string, FieldType>>;

/** The sender's switches, as the others' tiles show them (`peer-muted`, `peer-camera-off`). */
export interface StatusMessage {
  type: 'status';
  micMuted: boolean;
  cameraOff: boolean;
}

/**
 * Names the sender's shared screen, so the receiver can tell it from the camera: both are video
 * tracks, and only the stream id (the msid in the SDP) sets them apart. Sent when sharing
 * starts or stops, and when the channel opens while sharing.
 */
export interface ScreenMessage {
  type: 'screen';
  streamId: string;
}

/** One chat line; `text` is shown as text, never as HTML. */
export interface ChatMessage {
  type: 'chat';
  text: string;
}

/**
 * A raised (or lowered) hand, to ask for a turn to speak. Its own message, not a field of
 * `status`: a peer that does not know it ignores it, and its status still parses.
 */
export interface HandMessage {
  type: 'hand';
  raised: boolean;
}

/**
 * The reactions a person can send, with the words a screen reader says for each. A fixed
 * set: anything else is not shown, so a reaction is never a way to put text on a tile.
 */
export const reactionEmoji = {
  '👍': 'thumbs up',
  '👏': 'applause',
  '😂': 'laughter',
  '😮': 'surprise',
  '❤️': 'love',
  '🎉': 'celebration',
} as const;

/** A reaction's emoji. */
export type ReactionEmoji = keyof typeof reactionEmoji;

/** A reaction, shown for a moment over the sender's tile. */
export interface ReactionMessage {
  type: 'reaction';
  emoji: ReactionEmoji;
}

/** A file about to be sent on its own channel. */
export interface FileOfferMessage {
  type: 'file';
  name: string;
  /** In bytes, at most `maxFileBytes`. */
  size: number;
  mime: string;
  sha256: string;
}

/** The receiver took the offer and waits for the bytes. */
export interface FileAcceptMessage {
  type: 'file-accept';
}

/** Whether the received bytes had the offered SHA-256. */
export interface FileAckMessage {
  type: 'file-ack';
  ok: boolean;
}

/** Every message two peers exchange on the data channel. */
export type PeerMessage = StatusMessage | ScreenMessage | ChatMessage | HandMessage | ReactionMessage | FileOfferMessage | FileAcceptMessage | FileAckMessage;

/**
 * Longest chat line, in UTF-16 units: a long paragraph or a pasted link with room to spare,
 * while a page of chat stays cheap to render. The input refuses more; the parser drops more.
 */
export const maxChatLength = 2_000;

/**
 * Largest file sent, in bytes: both ends hold the whole file in memory (to hash it, and to
 * offer it for saving), which stays comfortable on a phone at 64 MiB.
 */
export const maxFileBytes = 64 * 1024 * 1024;

/** The label prefix of a file's own data channel (`file:<id>`). */
export const fileChannelPrefix = 'file:';

/** Largest text accepted, in UTF-16 units: far above a status message, small enough to parse cheaply. */
export const maxPeerMessageLength = 16 * 1024;

/** Longest string field accepted. */
export const maxStringLength = 4 * 1024;

/** The label of the one data channel per peer. Both sides create it (negotiated, id 0). */
export const peerChannel = { label: 'parley', id: 0 } as const;

function matches(value: unknown, type: FieldType): boolean {
  if (type === 'string') return typeof value === 'string' && value.length <= maxStringLength;
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === 'boolean';
}

/** The bounds a field table cannot say: a chat line's length, a reaction's emoji, a file's size and hash. */
function withinLimits(message: PeerMessage): boolean {
  if (message.type === 'chat') return message.text.length <= maxChatLength;
  if (message.type === 'reaction') return Object.hasOwn(reactionEmoji, message.emoji);
  if (message.type === 'file') {
    return Number.isInteger(message.size) && message.size >= 0 && message.size <= maxFileBytes && /^[0-9a-f]{64}$/.test(message.sha256);
  }
  return true;
}

/**
 * Reads one data channel message. Never throws: returns the message with only its known
 * fields, or `null` for anything else (not text, too long, not JSON, an unknown `type`, a field
 * missing or of the wrong type). A newer peer's unknown messages are thereby ignored.
 */
export function parsePeerMessage(data: unknown): PeerMessage | null {
  if (typeof data !== 'string' || data.length > maxPeerMessageLength) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const type = record.type;
  if (typeof type !== 'string' || !Object.hasOwn(peerMessageFields, type)) return null;
  const fields: Record<string, FieldType> = peerMessageFields[type as keyof typeof peerMessageFields];
  const message: Record<string, unknown> = { type };
  for (const [name, fieldType] of Object.entries(fields)) {
    if (!matches(record[name], fieldType)) return null;
    message[name] = record[name];
  }
  return withinLimits(message as unknown as PeerMessage) ? (message as unknown as PeerMessage) : null;
}

/** Serialises one peer message into the text sent on the data channel. */
export function encodePeerMessage(message: PeerMessage): string {
  return JSON.stringify(message);
}
