/**
 * The wire format of the data channel between two peers (one `RTCDataChannel` per remote
 * peer, labelled `parley`): state that needs no server, so it keeps flowing while the server
 * is away. Each message is one JSON text with a string `type`, like the signaling protocol.
 *
 * The schemas are plain field tables rather than TypeBox, because this module ships in the
 * page's bundle, where every kilobyte counts (bench `page-weight`); a new message (chat, file
 * chunks) is one more entry in `peerMessageFields` and one more member of `PeerMessage`.
 */

/** What a field holds; `'string'` fields may be bounded with `maxStringLength`. */
type FieldType = 'boolean' | 'string' | 'number';

/** The fields of every peer message, by `type`: the schema `parsePeerMessage()` checks. */
export const peerMessageFields = {
  /** The sender's microphone and camera switches, sent when the channel opens and on every change. */
  status: { micMuted: 'boolean', cameraOff: 'boolean' },
  /** Which of the sender's streams (by `MediaStream.id`, the SDP's msid) is its shared screen; `''`: none. */
  screen: { streamId: 'string' },
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

/** Every message two peers exchange on the data channel. */
export type PeerMessage = StatusMessage | ScreenMessage;

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
  return message as unknown as PeerMessage;
}

/** Serialises one peer message into the text sent on the data channel. */
export function encodePeerMessage(message: PeerMessage): string {
  return JSON.stringify(message);
}
