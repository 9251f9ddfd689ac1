/**
 * Turns one event seen by the call's machines into a line of the inspector's log. This is the
 * only place that knows what the events carry, so the panel, the export and the tests agree.
 *
 * Privacy by construction: a summary keeps the sizes of descriptions and the type and
 * protocol of candidates, never an SDP body or a candidate's address, so the log can be
 * exported into a bug report as it is.
 */
import type { AnyEventObject } from 'xstate';
import { shortId } from './short-id.ts';

/** What the log keeps of one event: words for people, and the few facts worth exporting. */
export interface EventSummary {
  /** The event's type; built-in `xstate.*` types are cut before the actor or state id they name. */
  type: string;
  /** A short human sentence: "offer sent, 5.4 KB", "host candidate udp received", "ICE connected". */
  text: string;
  /** The remote peer the event concerns, when the event itself names it. */
  peerId?: string;
  /** Size of a description's SDP, in bytes. */
  bytes?: number;
  /** A candidate's type (`host`, `srflx`, `prflx`, `relay`). */
  candidateType?: string;
  /** A candidate's transport (`udp`, `tcp`). */
  protocol?: string;
}

type Direction = 'sent' | 'received';
type Fields = Record<string, unknown>;

/** Commands from a peer machine to its connection actor: their outcome (`pc.*`) is what gets logged. */
const connectionCommands = new Set(['peer.attachMedia', 'peer.setLocalDescription', 'peer.setRemoteDescription', 'peer.addCandidate']);

/** Events that repeat, at another layer, something already logged, or that only keep the line alive. */
const repeats = new Set([
  // The `peer.signal` that follows at once says the same, with its size.
  'pc.description',
  'pc.candidate',
  'xstate.init',
  'xstate.stop',
]);

/** Words for the page's own requests. */
const uiTexts: Record<string, string> = {
  'ui.create': 'create a room',
  'ui.hangUp': 'hang up',
  'ui.toggleMic': 'switch the microphone',
  'ui.toggleCamera': 'switch the camera',
  'ui.receiveOnly': 'join receiving only',
  'ui.retryMedia': 'ask for camera and microphone again',
  'ui.backToLobby': 'back to the lobby',
};

function fieldsOf(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null ? (value as Fields) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** "812 B", "5.4 KB": the size of a description, enough to notice a bloated or empty one. */
function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * Free text from a browser (an error message) with anything like an IPv4 or IPv6 address
 * blanked, and cut short: some stacks quote the candidate they refused.
 */
function scrub(message: string): string {
  const blanked = message
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '[address]')
    .replace(/\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}\b/gi, (match) => (/[0-9a-f]/i.test(match) ? '[address]' : match));
  return blanked.length > 120 ? `${blanked.slice(0, 119)}…` : blanked;
}

function describeDescription(description: Fields, direction: Direction, type: string, peerId?: string): EventSummary {
  const sdpType = text(description.type) ?? 'description';
  const sdp = text(description.sdp) ?? '';
  return { type, text: `${sdpType} ${direction}, ${formatBytes(sdp.length)}`, bytes: sdp.length, ...(peerId ? { peerId } : {}) };
}

/**
 * A candidate reads `candidate:<foundation> <component> <transport> <priority> <address>
 * <port> typ <type> …` (RFC 8839): only the transport and the type are kept.
 */
function describeCandidate(candidate: unknown, direction: Direction, type: string, peerId?: string): EventSummary {
  const line = text(fieldsOf(candidate)?.candidate);
  const base = { type, ...(peerId ? { peerId } : {}) };
  // `null`, or an empty candidate line, marks the end of the candidates.
  if (!line) return { ...base, text: `end of candidates ${direction}` };
  const tokens = line.trim().split(/\s+/);
  const typIndex = tokens.indexOf('typ');
  const candidateType = typIndex >= 0 ? tokens[typIndex + 1] : undefined;
  const protocol = tokens[2]?.toLowerCase();
  if (!candidateType || !protocol) return { ...base, text: `candidate ${direction}` };
  return { ...base, text: `${candidateType} candidate ${protocol} ${direction}`, candidateType, protocol };
}

function describeSignal(data: Fields | null, direction: Direction, type: string, peerId?: string): EventSummary {
  const description = fieldsOf(data?.description);
  if (description) return describeDescription(description, direction, type, peerId);
  return describeCandidate(data?.candidate, direction, type, peerId);
}

/** A frame from the signaling server; relayed signals are logged at the peer they are for. */
function describeServerMessage(message: Fields | null): EventSummary | null {
  const type = 'socket.message';
  switch (message?.type) {
    case 'welcome':
      return { type, text: `welcome, protocol ${String(message.protocol)}` };
    case 'joined': {
      const peers = Array.isArray(message.peers) ? message.peers.length : 0;
      return { type, text: `joined room ${shortId(text(message.roomId) ?? '')}, ${peers} already here` };
    }
    case 'peer-joined':
    case 'peer-left': {
      const peerId = text(message.peerId) ?? '';
      return { type, text: `${message.type} ${shortId(peerId)}`, peerId };
    }
    case 'left':
      return { type, text: 'left the room' };
    case 'error':
      return { type, text: `error ${String(message.code)}` };
    default:
      // `signal` (logged where it lands), `pong` (the heartbeat).
      return null;
  }
}

/** What the page asked the server for; signals and pings are logged elsewhere or are noise. */
function describeRequest(message: Fields | null): EventSummary | null {
  const type = 'call.send';
  switch (message?.type) {
    case 'create':
      return { type, text: 'create sent' };
    case 'join':
      return { type, text: message.resume ? `resume room ${shortId(text(message.roomId) ?? '')} sent` : 'join sent' };
    case 'leave':
      return { type, text: 'leave sent' };
    default:
      return null;
  }
}

function trackKinds(stream: unknown): string[] | null {
  const getTracks = fieldsOf(stream)?.getTracks;
  if (typeof getTracks !== 'function') return null;
  const tracks = (getTracks as () => Array<{ kind?: unknown }>).call(stream);
  return [...new Set(tracks.map((track) => String(track.kind)))].sort();
}

/** `xstate.done.actor.<id>`, `xstate.error.actor.<id>`, `xstate.after.<delay>.<state>`. */
function describeBuiltIn(event: Fields, eventType: string): EventSummary | null {
  if (eventType.startsWith('xstate.done.actor.')) {
    const id = eventType.slice('xstate.done.actor.'.length);
    const output = fieldsOf(event.output);
    const peerId = text(output?.peerId);
    const type = 'xstate.done.actor';
    if (peerId) {
      const code = text(fieldsOf(output?.error)?.code);
      return { type, text: `handshake with ${shortId(peerId)} ended${code ? `: ${code}` : ''}`, peerId };
    }
    const kinds = trackKinds(event.output);
    if (kinds) return { type, text: `media ready: ${kinds.length > 0 ? kinds.join(' and ') : 'no tracks'}` };
    return { type, text: `${id} done` };
  }
  if (eventType.startsWith('xstate.error.actor.')) {
    const error = fieldsOf(event.error);
    const reason = text(error?.code) ?? text(error?.name) ?? 'error';
    const message = text(error?.message);
    return { type: 'xstate.error.actor', text: `${reason}${message ? `: ${scrub(message)}` : ''}` };
  }
  if (eventType.startsWith('xstate.after.')) {
    const delay = eventType.slice('xstate.after.'.length).split('.', 1)[0];
    return { type: 'xstate.after', text: `${delay} elapsed` };
  }
  return null;
}

/**
 * The log line for one event sent to the call machine, a peer machine or one of their actors,
 * or `null` for an event not worth a line (heartbeats, commands whose outcome is logged,
 * repeats of an event logged at another layer). Unknown events get a line with their type,
 * so a new kind of event shows up without changing this function.
 */
export function summarizeEvent(event: AnyEventObject): EventSummary | null {
  const fields = event as Fields;
  const type = event.type;
  if (repeats.has(type) || connectionCommands.has(type)) return null;
  const ui = uiTexts[type];
  if (ui) return { type, text: ui };
  switch (type) {
    case 'ui.join':
      return { type, text: `join room ${shortId(text(fields.roomId) ?? '')}` };
    case 'socket.open':
      return { type, text: 'socket open' };
    case 'socket.closed':
      return { type, text: `socket closed, code ${String(fields.code)}` };
    case 'socket.message':
      return describeServerMessage(fieldsOf(fields.message));
    case 'call.send':
      return describeRequest(fieldsOf(fields.message));
    case 'peer.signal':
      return describeSignal(fieldsOf(fields.data), 'sent', type, text(fields.peerId) ?? undefined);
    case 'signal.description':
      return describeDescription(fieldsOf(fields.description) ?? {}, 'received', type);
    case 'signal.candidate':
      return describeCandidate(fields.candidate, 'received', type);
    case 'media.ready':
      return { type, text: fields.stream ? 'local media ready' : 'receiving only' };
    case 'peer.close':
      return { type, text: 'closing the connection' };
    case 'peer.rollback':
      return { type, text: 'rolling back our offer (offers collided)' };
    case 'peer.restartIce':
      return { type, text: 'restarting ICE' };
    case 'pc.negotiationNeeded':
      return { type, text: 'negotiation needed' };
    case 'pc.remoteDescription':
      return { type, text: `remote ${String(fields.descriptionType)} applied` };
    // connectionState combines ICE and DTLS; "ICE" is the word people look for.
    case 'pc.connectionState':
      return { type, text: `ICE ${String(fields.state)}` };
    case 'pc.track': {
      const kinds = trackKinds(fields.stream);
      return { type, text: kinds && kinds.length > 0 ? `remote ${kinds.join(' and ')}` : 'remote track' };
    }
    case 'pc.error':
      return { type, text: `${String(fields.operation)} failed: ${scrub(text(fields.message) ?? '')}` };
    default:
      if (type.startsWith('xstate.')) return describeBuiltIn(fields, type);
      return { type, text: '' };
  }
}
